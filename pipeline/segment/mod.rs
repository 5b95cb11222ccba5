//! Sentence segmentation: text → paragraphs → sentences, as byte ranges.
//!
//! # Design
//!
//! One left-to-right pass (`scan.rs`) finds *candidate* boundaries: a run of
//! `.`, `?`, `!`, `…` (with the closing quotes and brackets glued to it:
//! `.»`, `?")`) followed by whitespace, the end of the paragraph, or — for a
//! missing space — a capital letter. Each candidate is judged by a sequence
//! of small rules (`rules.rs`); the first rule that is sure decides, and a
//! candidate no rule claims is a boundary. The rules see a bounded context
//! (`candidate.rs`): the word before the stop, a few words before that, and
//! the first word after it, so segmentation is linear in the input.
//!
//! Layout boundaries come first: a line that starts with a list marker
//! (`- `, `• `, `1) `, `1. `, `a) `, a dialogue dash) starts a new sentence,
//! and a blank line ends a paragraph; so does every line break of a block
//! whose lines mostly end like paragraphs (one paragraph a line, no blank
//! lines: `layout.rs`). Other line breaks are spaces.
//!
//! Language knowledge is data: each language has a table of abbreviations
//! with a class saying what their dot means (`abbrev.rs`), and a list of
//! words that commonly start a sentence, used to resolve initials and
//! acronyms (`U.S. The` vs `U.S. Army`). Kazakh, Russian and English have
//! their own tables (`kk.rs`, `ru.rs`, `en.rs`); German, French and
//! Icelandic share a small generic one (`generic.rs`).
//!
//! # The rules, in order
//!
//! 1. `no_content`: a sentence needs a letter or digit (`...` at the start,
//!    a line of dots, `?!` join what follows).
//! 2. `glued`: with no space after the stop, split only `word.Word`.
//! 3. `continuation`: a lowercase word or `,;:` next continues the sentence.
//! 4. `attribution` (English): `"Why?" Smith asked.` continues.
//! 5. `ellipsis`: splits only before a capitalised word.
//! 6. `strong_stop`: `?` and `!` split.
//! 7. `closed_token`: `».` and `).` split.
//! 8. `enumerator`: `1.`, `а.`, `IV.` opening an item do not split.
//! 9. `abbreviation`: the language's table (prefix, suffix, before a
//!    starter, before a number, after a number).
//! 10. `initials`: `Р.`, `J.R.R.`, `U.S.` split only before a sentence starter.
//! 11. `ordinal` (German): `3. März` does not split.
//!
//! Anything left splits (`"default"`); [`RuleSegmenter::explain`] shows
//! which rule decided each candidate.
//!
//! # Known limitations
//!
//! - A one-letter word or acronym before a capitalised word that is not a
//!   common sentence starter stays joined (`Plan B. Everyone`, `the U.S.
//!   Rosa`); initials before names are far more common.
//! - Sentences starting with a lowercase letter (`iPhone`, a quoted
//!   lowercase word) are not split off.
//! - `Suffix` abbreviations before a proper noun split (`и т.д. Москва`), and
//!   `г.`/`ж.` after a year before a capitalised word always split.
//! - A wrapped line starting with a list marker (`— ` or `1. ` at a line
//!   start by accident) starts a new sentence.
//! - Headlines are sentences only when they are paragraphs or list lines: a
//!   headline followed by hard-wrapped text on the next line (single line
//!   break) joins it. (Where most lines of a block end like paragraphs, every
//!   line is one, headlines included: see `layout.rs`.)

mod abbrev;
mod candidate;
mod chars;
mod en;
mod generic;
mod kk;
mod layout;
mod ru;
mod rules;
mod scan;
#[cfg(test)]
mod tests;

use std::ops::Range;

use crate::lang::Lang;

pub use scan::{Decision, LINE_BREAK};

/// Splits one paragraph into sentences.
pub trait Segmenter: Send + Sync {
    /// Byte ranges of the sentences of `paragraph`, in order, each trimmed of
    /// whitespace on both sides, non-empty, non-overlapping; together they cover
    /// every non-whitespace character of the paragraph.
    fn split(&self, paragraph: &str) -> Vec<Range<usize>>;
}

/// The rule-based segmenter for a language (de/fr/is get generic rules).
pub fn segmenter_for(lang: Lang) -> Box<dyn Segmenter> {
    Box::new(RuleSegmenter::new(lang))
}

/// The rule-based segmenter: candidate boundaries judged by a sequence of
/// rules with per-language abbreviation tables.
#[derive(Clone, Copy)]
pub struct RuleSegmenter {
    lang: Lang,
    rules: &'static abbrev::LangRules,
}

impl std::fmt::Debug for RuleSegmenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleSegmenter")
            .field("lang", &self.lang)
            .finish()
    }
}

impl RuleSegmenter {
    /// The segmenter for `lang`.
    pub fn new(lang: Lang) -> RuleSegmenter {
        RuleSegmenter {
            lang,
            rules: abbrev::LangRules::for_lang(lang),
        }
    }

    /// The language whose rules this segmenter applies.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Every candidate boundary of `paragraph` with the rule that decided it,
    /// in order: for debugging a segmentation.
    pub fn explain(&self, paragraph: &str) -> Vec<Decision> {
        let mut decisions = Vec::new();
        scan::decide(paragraph, self.rules, |d| decisions.push(d));
        decisions
    }
}

impl Segmenter for RuleSegmenter {
    fn split(&self, paragraph: &str) -> Vec<Range<usize>> {
        let mut boundaries = Vec::new();
        scan::decide(paragraph, self.rules, |d| {
            if d.split {
                boundaries.push((d.at, d.rule == scan::LINE_BREAK));
            }
        });
        scan::cut(paragraph, &boundaries)
    }
}

/// A paragraph of a document: its byte range in the text and its sentences' byte ranges (relative to the whole text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// The paragraph, trimmed of surrounding whitespace.
    pub range: Range<usize>,
    /// Its sentences, in order, within `range`.
    pub sentences: Vec<Range<usize>>,
}

/// Splits `text` into paragraphs at blank lines (lines that are empty or
/// whitespace only, `\r` counts as whitespace), and at every line break of
/// a block that holds a paragraph a line, and each paragraph into sentences.
pub fn segment_text(text: &str, lang: Lang) -> Vec<Paragraph> {
    let segmenter = RuleSegmenter::new(lang);
    paragraph_ranges(text)
        .into_iter()
        .map(|range| {
            let offset = range.start;
            let sentences = segmenter
                .split(&text[range.clone()])
                .into_iter()
                .map(|s| s.start + offset..s.end + offset)
                .collect();
            Paragraph { range, sentences }
        })
        .collect()
}

/// The trimmed byte ranges of the paragraphs of `text`: maximal runs of
/// non-blank lines, or each of their lines where they hold a paragraph a
/// line (see `layout.rs`).
pub fn paragraph_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        if layout::line_is_blank(text, pos) {
            pos = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
            continue;
        }
        let block = layout::block_at(text, pos);
        if layout::lines_are_paragraphs(block) {
            let mut start = pos;
            for line in block.split_inclusive('\n') {
                out.push(scan::trim(text, start..start + line.len()));
                start += line.len();
            }
        } else {
            out.push(scan::trim(text, pos..pos + block.len()));
        }
        pos += block.len();
    }
    out
}
