//! OpenDocument text (`.odt`, LibreOffice's own format): the text of the
//! body, a paragraph per paragraph or heading.
//!
//! Like a Word file, an `.odt` file is a zip archive; its body is in
//! `content.xml`, where paragraphs (`<text:p>`) and headings (`<text:h>`),
//! in lists, table cells and text frames too, hold text directly and in
//! spans and links. Runs of spaces are written as `<text:s text:c="N"/>`,
//! tabs and line breaks as elements, and white space in the XML text
//! itself counts as one space. Footnotes and endnotes (`<text:note>`) are
//! written where they are cited and read after the body, without their
//! number. Left out: comments (`<office:annotation>`) and the text of
//! tracked deletions (`<text:tracked-changes>`).

use std::borrow::Cow;

use quick_xml::events::BytesStart;

use super::office::{self, Markup, Paragraphs};

/// The body of the OpenDocument text `bytes`, then its notes: paragraphs
/// separated by blank lines; `Err` says why the file is not one.
pub fn body_text(bytes: &[u8]) -> Result<String, String> {
    office::body_text(bytes, "content.xml", &[], &mut Body::default())
}

/// Where in the body the reader is.
#[derive(Default)]
struct Body {
    /// How many paragraphs or headings are open (a frame's paragraphs sit
    /// inside a paragraph).
    open: usize,
    /// How deep inside a comment, tracked changes or a note's number.
    hidden: usize,
    /// How deep inside a note's text.
    note: usize,
}

/// Elements whose text is not read.
const HIDDEN: [&[u8]; 3] = [
    b"text:note-citation",
    b"office:annotation",
    b"text:tracked-changes",
];

impl Markup for Body {
    fn reading(&self) -> bool {
        self.open > 0 && self.hidden == 0
    }

    fn in_note(&self) -> bool {
        self.note > 0
    }

    /// White space in the markup is one space; real runs of spaces, tabs
    /// and breaks are elements.
    fn clean<'a>(&self, text: Cow<'a, str>) -> Cow<'a, str> {
        if text.contains(['\n', '\r', '\t']) {
            text.replace(['\n', '\r', '\t'], " ").into()
        } else {
            text
        }
    }

    fn open(&mut self, e: &BytesStart<'_>, text: &mut Paragraphs) {
        let name = e.name();
        let name = name.as_ref();
        if HIDDEN.contains(&name) {
            self.hidden += 1;
            return;
        }
        if self.hidden > 0 {
            return;
        }
        match name {
            b"text:note-body" => self.note += 1,
            b"text:p" | b"text:h" => {
                text.end();
                self.open += 1;
            }
            b"text:s" if self.reading() => {
                let count = e
                    .try_get_attribute("text:c")
                    .ok()
                    .flatten()
                    .and_then(|a| std::str::from_utf8(&a.value).ok()?.parse().ok())
                    .unwrap_or(1usize);
                text.push_str(&" ".repeat(count.min(1000)));
            }
            b"text:tab" if self.reading() => text.push('\t'),
            b"text:line-break" if self.reading() => text.push('\n'),
            _ => {}
        }
    }

    fn close(&mut self, name: &[u8], text: &mut Paragraphs) {
        if HIDDEN.contains(&name) {
            self.hidden = self.hidden.saturating_sub(1);
            return;
        }
        if self.hidden > 0 {
            return;
        }
        match name {
            b"text:p" | b"text:h" => {
                self.open = self.open.saturating_sub(1);
                text.end();
            }
            b"text:note-body" => self.note = self.note.saturating_sub(1),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::office::zipped;

    fn content(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
  xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
  xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"><office:body><office:text>{body}</office:text></office:body></office:document-content>"#
        )
    }

    #[test]
    fn paragraphs_headings_spans_and_spaces() {
        let body = r#"
<text:h text:outline-level="1">Брюссельде <text:span text:style-name="B">жоба</text:span> таныстырылды</text:h>
<text:p>Р.Василенко 15<text:tab/>наурызда<text:s text:c="2"/>&amp; &#1179;
сөйледі.<text:line-break/>Жаңа жол.</text:p>
<text:p/>
<text:list><text:list-item><text:p>Тізім 1.</text:p></text:list-item></text:list>
<table:table><table:table-row><table:table-cell><text:p>Ұяшық 1.</text:p></table:table-cell></table:table-row></table:table>"#;
        let odt = zipped(&[("content.xml", &content(body))]);
        assert_eq!(
            body_text(&odt).unwrap(),
            "Брюссельде жоба таныстырылды\n\nР.Василенко 15\tнаурызда  & қ сөйледі.\nЖаңа жол.\n\nТізім 1.\n\nҰяшық 1."
        );
    }

    #[test]
    fn notes_come_after_the_body_comments_and_deletions_are_left_out() {
        let body = r#"
<text:tracked-changes><text:changed-region text:id="c1"><text:deletion><text:p>Deleted.</text:p></text:deletion></text:changed-region></text:tracked-changes>
<text:p>Kept<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>A footnote.</text:p></text:note-body></text:note> text<office:annotation><text:p>A comment.</text:p></office:annotation>.</text:p>
<text:p>Before the frame.<draw:frame><draw:text-box><text:p/><text:p>In the frame.</text:p></draw:text-box></draw:frame>After.</text:p>"#;
        let odt = zipped(&[("content.xml", &content(body))]);
        assert_eq!(
            body_text(&odt).unwrap(),
            "Kept text.\n\nBefore the frame.\n\nIn the frame.\n\nAfter.\n\nA footnote."
        );
    }

    #[test]
    fn files_that_are_not_opendocument_say_why() {
        let err = body_text(&zipped(&[("word/document.xml", "<x/>")])).unwrap_err();
        assert_eq!(err, "the archive has no content.xml");
    }
}
