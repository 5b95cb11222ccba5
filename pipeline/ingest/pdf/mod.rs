//! PDF files: the text a page shows, read back into paragraphs.
//!
//! Ministries and courts publish many documents only as PDF. A PDF keeps no
//! paragraphs or even words, only which glyph is drawn where in which font.
//! pdf-extract interprets the pages' content streams and fonts (with their
//! maps to Unicode) and hands over each glyph with its position and size;
//! `layout` turns those into lines, takes out what is page furniture
//! (running headers and footers, page numbers), moves footnotes after the
//! body as the office readers do, and joins lines into paragraphs.
//!
//! A PDF without a text layer (a scan) or whose fonts do not say which
//! characters they draw cannot be read; the error says so and what to do.

mod furniture;
mod hyphens;
mod layout;
mod lines;

use std::cell::Cell;
use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use pdf_extract::{Document, MediaBox, OutputDev, OutputError, Transform};

use lines::{Glyph, Line};

/// The text of the PDF `bytes`: paragraphs separated by blank lines, then
/// its footnotes; `Err` says why it cannot be read and what to do.
pub fn body_text(bytes: &[u8]) -> Result<String, String> {
    let pages = quietly(|| pages(bytes)).unwrap_or_else(|why| {
        Err(format!(
            "the PDF reader failed on it ({why}); extract its text with another tool \
             (e.g. `pdftotext FILE`) and use the .txt file"
        ))
    })?;
    check_text_layer(pages.shown, pages.unknown)?;
    Ok(layout::text(&pages.lines, &pages.widths))
}

/// Every glyph of every page, in the order the pages draw them.
fn pages(bytes: &[u8]) -> Result<Pages, String> {
    let doc = Document::load_mem(bytes).map_err(|e| {
        format!("not a PDF file, or a damaged one ({e}); save it again as PDF, or as text")
    })?;
    // Many PDFs are encrypted only against copying or printing, with an
    // empty password to open them, which lopdf tries as every reader does;
    // one still encrypted after loading needs a password.
    if doc.is_encrypted() && !doc.was_encrypted() {
        return Err("it is protected by a password; save a copy without one \
             (e.g. `qpdf --password=PASSWORD --decrypt in.pdf out.pdf`)"
            .into());
    }
    let mut pages = Pages::default();
    pdf_extract::output_doc(&doc, &mut pages).map_err(|e| format!("{e:?}"))?;
    Ok(pages)
}

/// Refuses a PDF whose pages draw no text (`shown` characters that are not
/// spaces), or text whose characters are mostly `unknown`.
fn check_text_layer(shown: usize, unknown: usize) -> Result<(), String> {
    if shown == 0 {
        return Err(
            "its pages have no text layer (a scan?); run OCR on it first \
             (e.g. `ocrmypdf -l kaz+rus+eng in.pdf out.pdf`)"
                .into(),
        );
    }
    if unknown * 10 > shown {
        return Err(format!(
            "its fonts do not say which characters they draw ({unknown} of {shown} unknown); \
             extract its text with OCR (e.g. `ocrmypdf --force-ocr`) or from the program \
             that made it"
        ));
    }
    Ok(())
}

/// Collects the lines of each page as pdf-extract draws its glyphs.
#[derive(Default)]
struct Pages {
    /// The lines of the pages read so far.
    lines: Vec<Line>,
    /// The glyphs of the page being read.
    glyphs: Vec<Glyph>,
    /// Characters drawn that are not spaces, and those without a known
    /// character.
    shown: usize,
    unknown: usize,
    /// The width of each page.
    widths: BTreeMap<u32, f64>,
    page: u32,
    /// The top of the page's media box: PDF's y grows upwards from the
    /// bottom, reading goes down from the top.
    top: f64,
}

impl OutputDev for Pages {
    fn begin_page(
        &mut self,
        page: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.page = page;
        self.top = media_box.ury;
        self.widths.insert(page, media_box.urx - media_box.llx);
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        self.lines.extend(lines::lines(&self.glyphs));
        self.glyphs.clear();
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        // The text rendering matrix maps glyph space to the page: its last
        // row is where the glyph's origin lands, and the font size scaled
        // by it is the glyph's size on the page.
        let sx = font_size * (trm.m11 + trm.m21);
        let sy = font_size * (trm.m12 + trm.m22);
        let size = (sx * sy).abs().sqrt();
        for c in text.chars().filter(|c| !c.is_whitespace()) {
            self.shown += 1;
            self.unknown += usize::from(c == char::REPLACEMENT_CHARACTER || c == '\0');
        }
        self.glyphs.push(Glyph {
            page: self.page,
            x: trm.m31,
            y: self.top - trm.m32,
            advance: width * size,
            size,
            text: text.to_string(),
        });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

thread_local! {
    /// Whether this thread is inside [`quietly`].
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, turning a panic into `Err` with its message. pdf-extract
/// panics on some malformed files instead of returning an error; one bad
/// file must not end a corpus run, nor print a backtrace the user cannot act
/// on, so the panic message is kept for the error and not printed.
fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown failure".into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_that_are_not_pdfs_say_so() {
        let err = body_text(b"%PDF-1.4\nnot really").unwrap_err();
        assert!(err.contains("damaged"), "{err}");
        let err = body_text(b"hello").unwrap_err();
        assert!(err.starts_with("not a PDF file"), "{err}");
    }

    /// A one-page PDF written by lopdf (not by LibreOffice, which made the
    /// fixtures): `lines` in Helvetica, 14 points apart from the top.
    fn written(lines: &[&str]) -> Vec<u8> {
        let mut bytes = Vec::new();
        document(lines).save_to(&mut bytes).unwrap();
        bytes
    }

    /// [`written`], encrypted with RC4 against an owner password and, if not
    /// empty, a password to open it.
    fn encrypted(lines: &[&str], user_password: &str) -> Vec<u8> {
        use pdf_extract::{EncryptionState, EncryptionVersion, Object, Permissions};
        let mut doc = document(lines);
        // An encrypted file needs an ID, as every writer gives one.
        let id = Object::string_literal("0123456789abcdef");
        doc.trailer.set("ID", vec![id.clone(), id]);
        let version = EncryptionVersion::V2 {
            document: &doc,
            owner_password: "owner",
            user_password,
            key_length: 128,
            permissions: Permissions::PRINTABLE,
        };
        let state = EncryptionState::try_from(version).unwrap();
        doc.encrypt(&state).unwrap();
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        bytes
    }

    fn document(lines: &[&str]) -> Document {
        document_spaced(lines, false)
    }

    /// [`document`], with the spaces between words drawn as glyphs, or
    /// (`kerned`) as a move of a quarter em in a `TJ` array and no glyph,
    /// as TeX and many other writers draw them.
    fn document_spaced(lines: &[&str], kerned: bool) -> Document {
        use pdf_extract::content::{Content, Operation};
        use pdf_extract::{dictionary, Object, Stream};
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        });
        let resources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
        let mut ops = vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 11.into()]),
            Operation::new("TL", vec![14.into()]),
            Operation::new("Td", vec![72.into(), 770.into()]),
        ];
        for line in lines {
            if kerned {
                let mut parts = Vec::new();
                for (k, word) in line.split(' ').enumerate() {
                    if k > 0 {
                        parts.push((-250).into());
                    }
                    parts.push(Object::string_literal(word));
                }
                ops.push(Operation::new("TJ", vec![Object::Array(parts)]));
            } else {
                ops.push(Operation::new("Tj", vec![Object::string_literal(*line)]));
            }
            ops.push(Operation::new("T*", vec![]));
        }
        ops.push(Operation::new("ET", vec![]));
        let content = Content { operations: ops }.encode().unwrap();
        let content = doc.add_object(Stream::new(dictionary! {}, content));
        let page = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        });
        let pages = dictionary! {
            "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1, "Resources" => resources,
        };
        doc.objects.insert(pages_id, Object::Dictionary(pages));
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog);
        doc
    }

    #[test]
    fn a_pdf_from_another_writer_reads() {
        let bytes = written(&[
            "The Ministry of Water Resources and Irrigation reported on 15 March that the regional",
            "staff work around the clock.",
            "",
            "A second paragraph.",
        ]);
        assert_eq!(
            body_text(&bytes).unwrap(),
            "The Ministry of Water Resources and Irrigation reported on 15 March that the \
             regional staff work around the clock.\n\n\
             A second paragraph."
        );
    }

    #[test]
    fn encryption_against_copying_is_no_bar_but_a_password_is() {
        let lines = ["Restricted, not secret."];
        assert_eq!(body_text(&encrypted(&lines, "")).unwrap(), lines[0]);
        let err = body_text(&encrypted(&lines, "secret")).unwrap_err();
        assert!(
            err.contains("protected by a password") && err.contains("qpdf"),
            "{err}"
        );
    }

    #[test]
    fn spaces_drawn_as_moves_are_read_as_spaces() {
        let lines = ["Words set apart by moves, not glyphs.", "", "Next one."];
        let mut bytes = Vec::new();
        document_spaced(&lines, true).save_to(&mut bytes).unwrap();
        assert_eq!(
            body_text(&bytes).unwrap(),
            "Words set apart by moves, not glyphs.\n\nNext one."
        );
    }

    #[test]
    fn a_page_without_text_is_a_scan() {
        let err = body_text(&written(&[])).unwrap_err();
        assert!(
            err.contains("no text layer") && err.contains("ocrmypdf"),
            "{err}"
        );
    }

    #[test]
    fn a_panic_becomes_an_error_and_later_panics_still_print() {
        let r: Result<(), String> = quietly(|| panic!("bad xref"));
        assert_eq!(r.unwrap_err(), "bad xref");
        assert!(!QUIET.with(Cell::get));
        assert_eq!(quietly(|| 7).unwrap(), 7);
    }

    #[test]
    fn scans_and_unmapped_fonts_are_refused() {
        assert!(check_text_layer(0, 0)
            .unwrap_err()
            .contains("no text layer"));
        assert!(check_text_layer(13, 3)
            .unwrap_err()
            .contains("3 of 13 unknown"));
        assert!(check_text_layer(13, 1).is_ok());
    }
}
