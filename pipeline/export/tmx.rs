//! TMX 1.4b writer.
//!
//! Streams one `<tu>` per row with quick-xml. Valid against the TMX 1.4 DTD;
//! the `x-` props shanyraq writes are listed in README.md. Characters that
//! XML 1.0 forbids (most C0 controls, U+FFFE, U+FFFF) are dropped and
//! counted, never written.

use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use super::atomic::AtomicFile;
use super::{link_labels, origin_label, ExportSummary, RowSink};
use crate::error::{Error, Result};
use crate::lang::CORPUS_LANGS;
use crate::row::{Origin, Row};

/// Writes rows as TMX to any `Write`.
pub struct TmxWriter<W: Write> {
    xml: Writer<W>,
    rows: usize,
    dropped_chars: usize,
}

impl<W: Write> TmxWriter<W> {
    /// Writes the XML declaration, `<tmx>` and the header.
    pub fn new(out: W) -> std::io::Result<TmxWriter<W>> {
        let mut w = TmxWriter {
            xml: Writer::new_with_indent(out, b' ', 2),
            rows: 0,
            dropped_chars: 0,
        };
        w.event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        w.event(Event::Start(
            BytesStart::new("tmx").with_attributes([("version", "1.4")]),
        ))?;
        // creationdate is left out on purpose: the same input must give
        // byte-identical output, so reruns and resumed runs can be compared.
        let header = BytesStart::new("header").with_attributes([
            ("creationtool", "shanyraq"),
            ("creationtoolversion", env!("CARGO_PKG_VERSION")),
            ("segtype", "sentence"),
            ("o-tmf", "shanyraq"),
            ("adminlang", "en"),
            ("srclang", "kk"),
            ("datatype", "plaintext"),
        ]);
        w.event(Event::Empty(header))?;
        w.event(Event::Start(BytesStart::new("body")))?;
        Ok(w)
    }

    fn event(&mut self, e: Event<'_>) -> std::io::Result<()> {
        self.xml.write_event(e)
    }

    fn prop(&mut self, kind: &str, value: &str) -> std::io::Result<()> {
        let value = self.clean(value);
        let start = BytesStart::new("prop").with_attributes([("type", kind)]);
        self.event(Event::Start(start))?;
        self.event(Event::Text(BytesText::new(&value)))?;
        self.event(Event::End(BytesEnd::new("prop")))
    }

    fn clean<'a>(&mut self, s: &'a str) -> Cow<'a, str> {
        let (clean, dropped) = xml_safe(s);
        self.dropped_chars += dropped;
        clean
    }

    /// Writes one row as a `<tu>`; gaps get no `<tuv>`, and a row with no
    /// text at all is skipped.
    pub fn write_row(&mut self, row: &Row) -> std::io::Result<()> {
        if row.cells.iter().all(|c| c.is_gap()) {
            return Ok(());
        }
        self.event(Event::Start(BytesStart::new("tu")))?;
        self.prop("x-doc", &row.doc_id)?;
        for link in &row.links {
            let (pair, shape) = link_labels(link);
            self.prop(&format!("x-bead-{pair}"), &shape)?;
            self.prop(&format!("x-score-{pair}"), &format!("{:.4}", link.score))?;
        }
        for (lang, cell) in CORPUS_LANGS.iter().zip(&row.cells) {
            if cell.is_gap() {
                continue;
            }
            let tuv = BytesStart::new("tuv").with_attributes([("xml:lang", lang.code())]);
            self.event(Event::Start(tuv))?;
            self.prop("x-origin", origin_label(&cell.text, &cell.origin))?;
            match &cell.origin {
                Origin::Human => {
                    let r = &cell.sentences;
                    let ids = if r.len() == 1 {
                        r.start.to_string()
                    } else {
                        format!("{}-{}", r.start, r.end - 1)
                    };
                    self.prop("x-sentences", &ids)?;
                }
                Origin::Machine { model, settings } => {
                    self.prop("x-mt-model", model)?;
                    self.prop("x-mt-settings", settings)?;
                }
            }
            let text = self.clean(&cell.text);
            self.event(Event::Start(BytesStart::new("seg")))?;
            self.event(Event::Text(BytesText::new(&text)))?;
            self.event(Event::End(BytesEnd::new("seg")))?;
            self.event(Event::End(BytesEnd::new("tuv")))?;
        }
        self.event(Event::End(BytesEnd::new("tu")))?;
        self.rows += 1;
        Ok(())
    }

    /// Closes the document; returns the writer, rows written and characters dropped.
    pub fn finish(mut self) -> std::io::Result<(W, usize, usize)> {
        self.event(Event::End(BytesEnd::new("body")))?;
        self.event(Event::End(BytesEnd::new("tmx")))?;
        let mut out = self.xml.into_inner();
        out.write_all(b"\n")?;
        Ok((out, self.rows, self.dropped_chars))
    }
}

/// Removes the characters XML 1.0 cannot represent; returns the count dropped.
pub fn xml_safe(s: &str) -> (Cow<'_, str>, usize) {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
            || c >= '\u{10000}'
    };
    if s.chars().all(allowed) {
        return (Cow::Borrowed(s), 0);
    }
    let clean: String = s.chars().filter(|&c| allowed(c)).collect();
    let dropped = s.chars().count() - clean.chars().count();
    (Cow::Owned(clean), dropped)
}

/// A TMX file written atomically.
pub struct TmxSink {
    writer: TmxWriter<AtomicFile>,
}

impl TmxSink {
    /// Starts writing `path` (under a temporary name until finished).
    pub fn create(path: &Path) -> Result<TmxSink> {
        let file = AtomicFile::create(path)?;
        let writer = TmxWriter::new(file).map_err(|e| Error::io(path, e))?;
        Ok(TmxSink { writer })
    }
}

impl RowSink for TmxSink {
    fn push(&mut self, row: &Row) -> Result<()> {
        self.writer
            .write_row(row)
            .map_err(|e| Error::io(self.writer.xml.get_ref().path(), e))
    }

    fn finish(self: Box<Self>) -> Result<ExportSummary> {
        let path = self.writer.xml.get_ref().path().to_path_buf();
        let (file, rows, dropped_chars) = self.writer.finish().map_err(|e| Error::io(&path, e))?;
        Ok(ExportSummary {
            files: vec![file.commit()?],
            rows,
            dropped_chars,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_are_dropped_and_counted() {
        let (s, n) = xml_safe("a\u{0}b\u{1b}c\u{fffe}\td");
        assert_eq!((s.as_ref(), n), ("abc\td", 3));
        assert!(matches!(xml_safe("Қазақ 😀").0, Cow::Borrowed(_)));
    }
}
