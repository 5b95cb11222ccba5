//! What the office formats share: paragraphs of text as they are read (all
//! four readers), notes after the body, and for `.docx` and `.odt` a zip
//! archive with the text in XML parts, whose elements `docx.rs` and
//! `odt.rs` interpret.
//!
//! Footnotes and endnotes are translated with the document, so they belong
//! in its corpus; they are read after the body, in their order, where the
//! aligner finds them in every language version alike. (Cut into the
//! sentence that cites them, they would split it in two.)

use std::borrow::Cow;
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// One format's reading of its body's elements.
pub(super) trait Markup {
    /// An element opens (an empty one is closed right after).
    fn open(&mut self, e: &BytesStart<'_>, text: &mut Paragraphs);
    /// An element closes.
    fn close(&mut self, name: &[u8], text: &mut Paragraphs);
    /// Whether text met now is the document's.
    fn reading(&self) -> bool;
    /// Whether text met now belongs to a note written where it is cited
    /// (read after the body).
    fn in_note(&self) -> bool {
        false
    }
    /// Text as the format means it.
    fn clean<'a>(&self, text: Cow<'a, str>) -> Cow<'a, str> {
        text
    }
}

/// The paragraphs of the part `name` of the office document `bytes`, then
/// those of the `notes` parts it has (and of notes written in the body),
/// separated by blank lines; `Err` says why the file is not one.
pub(super) fn body_text(
    bytes: &[u8],
    name: &str,
    notes: &[&str],
    markup: &mut impl Markup,
) -> Result<String, String> {
    let mut body = Paragraphs::default();
    let mut cited = Paragraphs::default();
    read_xml(
        &read_part(bytes, name)?,
        name,
        markup,
        &mut body,
        &mut cited,
    )?;
    for &part in notes {
        if let Ok(xml) = read_part(bytes, part) {
            read_xml(&xml, part, markup, &mut cited, &mut Paragraphs::default())?;
        }
    }
    Ok(with_notes(body.finish(), cited.finish()))
}

/// The body's text, then its notes' (if any) after a blank line.
pub(super) fn with_notes(mut body: String, notes: String) -> String {
    if !notes.is_empty() {
        if !body.is_empty() {
            body.push_str("\n\n");
        }
        body.push_str(&notes);
    }
    body
}

/// Reads the XML part `name` into `body`, and notes written where they are
/// cited into `notes`.
fn read_xml(
    xml: &[u8],
    name: &str,
    markup: &mut impl Markup,
    body: &mut Paragraphs,
    notes: &mut Paragraphs,
) -> Result<(), String> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    loop {
        let text = if markup.in_note() {
            &mut *notes
        } else {
            &mut *body
        };
        let at = reader.buffer_position();
        let error = |e: String| format!("{name}, byte {at}: {e}");
        buf.clear();
        match reader
            .read_event_into(&mut buf)
            .map_err(|e| error(e.to_string()))?
        {
            Event::Start(e) => markup.open(&e, text),
            Event::Empty(e) => {
                markup.open(&e, text);
                markup.close(e.name().as_ref(), text);
            }
            Event::End(e) => markup.close(e.name().as_ref(), text),
            Event::Text(t) if markup.reading() => {
                let raw = t.xml_content().map_err(|e| error(e.to_string()))?;
                text.push_str(&markup.clean(raw));
            }
            Event::GeneralRef(r) if markup.reading() => {
                text.push(crate::xml::reference(&r).map_err(error)?);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(())
}

/// The part `name` of the zip archive `bytes`.
fn read_part(bytes: &[u8], name: &str) -> Result<Vec<u8>, String> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("not a zip archive ({e})"))?;
    let mut part = archive
        .by_name(name)
        .map_err(|_| format!("the archive has no {name}"))?;
    let mut xml = Vec::new();
    part.read_to_end(&mut xml)
        .map_err(|e| format!("{name}: {e}"))?;
    Ok(xml)
}

/// Paragraphs as they are read: finished ones, a blank line between two,
/// and the one being read.
#[derive(Default)]
pub(super) struct Paragraphs {
    done: String,
    current: String,
}

impl Paragraphs {
    pub(super) fn push(&mut self, c: char) {
        self.current.push(c);
    }

    pub(super) fn push_str(&mut self, s: &str) {
        self.current.push_str(s);
    }

    /// Ends the paragraph being read (an empty one is dropped).
    pub(super) fn end(&mut self) {
        let p = self.current.trim();
        if !p.is_empty() {
            if !self.done.is_empty() {
                self.done.push_str("\n\n");
            }
            self.done.push_str(p);
        }
        self.current.clear();
    }

    pub(super) fn finish(mut self) -> String {
        self.end();
        self.done
    }
}

/// A zip archive of `parts`, as an office document is (for tests).
#[cfg(test)]
pub(super) fn zipped(parts: &[(&str, &str)]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, text) in parts {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}
