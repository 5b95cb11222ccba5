//! Documents and their sentences.
//!
//! A [`Sentence`] is a byte range into its document's text, never a copy, so
//! "no sentence lost" can be checked: the ranges of a document cover all of
//! its non-space characters and every index appears in exactly one row.

use std::ops::Range;
use std::path::PathBuf;

use crate::lang::Lang;
use crate::segment::segment_text;

/// One language version of one document, as read from disk.
#[derive(Debug, Clone)]
pub struct Document {
    /// The id shared by the language versions (the file stem).
    pub id: String,
    /// The language of this version.
    pub lang: Lang,
    /// Where it was read from.
    pub path: PathBuf,
    /// The decoded text, byte-order mark removed.
    pub text: String,
}

/// A sentence: a byte range of its document's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// 0-based paragraph number; paragraph 0 is the title.
    pub paragraph: usize,
    /// Byte range in [`Document::text`], trimmed of whitespace.
    pub range: Range<usize>,
}

/// A document split into sentences.
#[derive(Debug, Clone)]
pub struct SegmentedDocument {
    /// The document.
    pub doc: Document,
    /// Its sentences in order.
    pub sentences: Vec<Sentence>,
}

impl SegmentedDocument {
    /// Segments `doc` with its language's rules.
    pub fn new(doc: Document) -> SegmentedDocument {
        let sentences = segment_text(&doc.text, doc.lang)
            .into_iter()
            .enumerate()
            .flat_map(|(paragraph, p)| {
                p.sentences
                    .into_iter()
                    .map(move |range| Sentence { paragraph, range })
            })
            .collect();
        SegmentedDocument { doc, sentences }
    }

    /// The raw text of sentence `i`, as in the file (may hold line breaks).
    pub fn raw(&self, i: usize) -> &str {
        &self.doc.text[self.sentences[i].range.clone()]
    }

    /// The text of sentences `range` joined for output: each sentence's
    /// internal line breaks and whitespace runs become one space, sentences
    /// are joined by one space.
    pub fn joined(&self, range: Range<usize>) -> String {
        let mut out = String::new();
        for i in range {
            if !out.is_empty() {
                out.push(' ');
            }
            push_flattened(&mut out, self.raw(i));
        }
        out
    }

    /// Every sentence as flattened text, in order.
    pub fn texts(&self) -> Vec<String> {
        (0..self.sentences.len())
            .map(|i| self.joined(i..i + 1))
            .collect()
    }
}

/// Appends `text` with whitespace runs collapsed to one space. No-break
/// spaces are kept: in `10 000` or `15 наурыз` they carry meaning.
fn push_flattened(out: &mut String, text: &str) {
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() && c != '\u{a0}' && c != '\u{202f}' {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattening_keeps_no_break_spaces() {
        let mut s = String::new();
        push_flattened(&mut s, "10\u{a0}000\r\n  теңге\tжыл");
        assert_eq!(s, "10\u{a0}000 теңге жыл");
    }
}
