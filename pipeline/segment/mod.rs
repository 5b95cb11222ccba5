//! PLACEHOLDER until the rule-based segmenter lands: splits at ". " only.
use crate::lang::Lang;
use std::ops::Range;

/// Splits one paragraph into sentences.
pub trait Segmenter: Send + Sync {
    /// Byte ranges of the sentences of `paragraph`.
    fn split(&self, paragraph: &str) -> Vec<Range<usize>>;
}

struct Naive;
impl Segmenter for Naive {
    fn split(&self, p: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut start = 0;
        for (i, _) in p.match_indices(". ") {
            out.push(start..i + 1);
            start = i + 2;
        }
        if start < p.len() {
            out.push(start..p.len());
        }
        out
    }
}

/// The rule-based segmenter for a language.
pub fn segmenter_for(_lang: Lang) -> Box<dyn Segmenter> {
    Box::new(Naive)
}

/// A paragraph of a document.
pub struct Paragraph {
    /// Byte range in the text.
    pub range: Range<usize>,
    /// Sentence byte ranges relative to the text.
    pub sentences: Vec<Range<usize>>,
}

/// Splits `text` into paragraphs and sentences.
pub fn segment_text(text: &str, lang: Lang) -> Vec<Paragraph> {
    let seg = segmenter_for(lang);
    let mut out = Vec::new();
    let mut off = 0;
    for block in text.split("\n\n") {
        let t = block.trim();
        if !t.is_empty() {
            let s = off + block.find(t).unwrap();
            let sentences = seg
                .split(t)
                .into_iter()
                .map(|r| r.start + s..r.end + s)
                .collect();
            out.push(Paragraph {
                range: s..s + t.len(),
                sentences,
            });
        }
        off += block.len() + 2;
    }
    out
}
