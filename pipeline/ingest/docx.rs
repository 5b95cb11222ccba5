//! Word documents (`.docx`): the text of the body, a paragraph per Word
//! paragraph.
//!
//! Ministries and courts hand their translators Word files, and saving each
//! as text by hand loses nothing a corpus needs but costs an afternoon per
//! hundred documents. A `.docx` file is a zip archive; its body is
//! `word/document.xml`, where every paragraph (`<w:p>`, in table cells too)
//! holds runs of text (`<w:t>`) that split words wherever formatting
//! changes. The runs are joined as they are, and paragraphs are separated by
//! a blank line, as in a text file. What a reader of the printed page does
//! not see is left out: text deleted under tracked changes (`<w:delText>`),
//! field codes (`<w:instrText>`), text a tracked change moved away
//! (`<w:moveFrom>`; it is read where it went), and the fallback copy Word
//! writes of every text box for older readers (`<mc:Fallback>`). Footnotes
//! and endnotes live in parts of their own (`word/footnotes.xml`,
//! `word/endnotes.xml`) and are read after the body; headers, footers and
//! comments are not read.

use quick_xml::events::BytesStart;

use super::office::{self, Markup, Paragraphs};

/// The body of the Word document `bytes`, then its notes: paragraphs
/// separated by blank lines; `Err` says why the file is not one.
pub fn body_text(bytes: &[u8]) -> Result<String, String> {
    let notes = ["word/footnotes.xml", "word/endnotes.xml"];
    office::body_text(bytes, "word/document.xml", &notes, &mut Body::default())
}

/// Where in the body the reader is.
#[derive(Default)]
struct Body {
    /// Inside `<w:t>`: its text is the document's.
    in_text: bool,
    /// How deep inside elements whose text is shown elsewhere or not at all.
    hidden: usize,
}

/// Copies of text read elsewhere: a text box's fallback for older readers,
/// and text a tracked change moved away (it is read where it was moved
/// to, in `<w:moveTo>`).
const HIDDEN: [&[u8]; 2] = [b"mc:Fallback", b"w:moveFrom"];

impl Markup for Body {
    fn reading(&self) -> bool {
        self.in_text && self.hidden == 0
    }

    fn open(&mut self, e: &BytesStart<'_>, text: &mut Paragraphs) {
        let name = e.name();
        let name = name.as_ref();
        if HIDDEN.contains(&name) {
            self.hidden += 1;
        }
        if self.hidden > 0 {
            return;
        }
        match name {
            // A text box's paragraphs sit inside a paragraph: what came
            // before the box is a paragraph of its own.
            b"w:p" => text.end(),
            b"w:t" => self.in_text = true,
            b"w:tab" => text.push('\t'),
            b"w:br" | b"w:cr" => text.push('\n'),
            b"w:noBreakHyphen" => text.push('-'),
            _ => {}
        }
    }

    fn close(&mut self, name: &[u8], text: &mut Paragraphs) {
        match name {
            _ if HIDDEN.contains(&name) => self.hidden = self.hidden.saturating_sub(1),
            _ if self.hidden > 0 => {}
            b"w:t" => self.in_text = false,
            b"w:p" => text.end(),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::office::zipped;

    fn document(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
  xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>{body}</w:body></w:document>"#
        )
    }

    #[test]
    fn runs_join_and_paragraphs_part() {
        let body = r#"
<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t>Брюссельде жоба</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve"> таныс</w:t></w:r><w:r><w:t>тырылды</w:t></w:r></w:p>
<w:p/>
<w:p><w:r><w:t>Р.Василенко 15</w:t><w:tab/><w:t>наурызда &amp; &#1179;&#x49B; сөйледі.</w:t><w:br/><w:t>Жаңа жол.</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Ұяшық 1.</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Ұяшық 2.</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#;
        let text = body_text(&zipped(&[("word/document.xml", &document(body))])).unwrap();
        assert_eq!(
            text,
            "Брюссельде жоба таныстырылды\n\nР.Василенко 15\tнаурызда & ққ сөйледі.\nЖаңа жол.\n\nҰяшық 1.\n\nҰяшық 2."
        );
    }

    #[test]
    fn what_the_page_does_not_show_is_left_out() {
        let body = r#"
<w:p><w:moveFrom w:id="3"><w:r><w:t>Moved.</w:t></w:r></w:moveFrom><w:r><w:t xml:space="preserve">Kept </w:t></w:r><w:del w:id="1"><w:r><w:delText>deleted </w:delText></w:r></w:del><w:ins w:id="2"><w:r><w:t>inserted</w:t></w:r></w:ins><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>.</w:t></w:r></w:p>
<w:p><w:r><w:t>Before the box.</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>In the box.</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>In the box.</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>After the box.</w:t></w:r></w:p>"#;
        let notes = r#"<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> A footnote.</w:t></w:r></w:p></w:footnote>
</w:footnotes>"#;
        let docx = zipped(&[
            ("word/document.xml", &document(body)),
            ("word/footnotes.xml", notes),
        ]);
        assert_eq!(
            body_text(&docx).unwrap(),
            "Kept inserted.\n\nBefore the box.\n\nIn the box.\n\nAfter the box.\n\nA footnote."
        );
    }

    #[test]
    fn files_that_are_not_word_documents_say_why() {
        let err = body_text(b"plain text, not a zip").unwrap_err();
        assert!(err.starts_with("not a zip archive"), "{err}");
        let err = body_text(&zipped(&[("content.xml", "<x/>")])).unwrap_err();
        assert_eq!(err, "the archive has no word/document.xml");
        let broken = zipped(&[("word/document.xml", "<w:document><w:body><w:p></w:body>")]);
        let err = body_text(&broken).unwrap_err();
        assert!(err.starts_with("word/document.xml, byte "), "{err}");
    }
}
