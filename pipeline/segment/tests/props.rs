//! Properties on random input: nothing lost, nothing reordered, ranges
//! trimmed, non-empty and on char boundaries; paragraphs cut exactly at
//! blank lines, and at line breaks where a block holds a paragraph a line.

use std::ops::Range;

use proptest::prelude::*;

use crate::lang::Lang;
use crate::segment::layout::{block_at, lines_are_paragraphs};
use crate::segment::{segment_text, segmenter_for};

/// The block of non-blank lines holding byte `pos`, from its first line.
fn block_around(text: &str, pos: usize) -> &str {
    let mut start = 0;
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let end = line_start + line.len();
        if line.trim().is_empty() {
            start = end;
        } else if pos < end {
            break;
        }
        line_start = end;
    }
    block_at(text, start)
}

/// Single characters: stops, quotes, brackets, dashes, digits, whitespace of
/// several kinds, Cyrillic (with Kazakh letters), Latin, and a 4-byte emoji.
const CHARS: &[char] = &[
    '.', '.', '.', '?', '!', '…', '«', '»', '"', '“', '”', '\'', '(', ')', '[', ']', '0', '1', '9',
    ' ', ' ', ' ', ' ', '\n', '\n', '\r', '\t', '\u{a0}', '-', '—', '–', '•', '*', ',', ':', ';',
    'а', 'б', 'Б', 'қ', 'Қ', 'ә', 'Ә', 'ғ', 'Ғ', 'ң', 'ө', 'Ө', 'ұ', 'Ұ', 'ү', 'һ', 'і', 'І', 'т',
    'е', 'г', 'ж', 'Р', 'В', 'a', 'b', 'B', 'x', 'Z', 'M', 'r', 'I', '😀', '/', '@',
];

/// Fragments that exercise the rules: abbreviations, initials, numbers,
/// list markers, blank lines, URLs.
const FRAGMENTS: &[&str] = &[
    "т.е. ",
    "т. е. ",
    "т.б. ",
    "т.д.",
    "2026 г. ",
    "2026 ж. ",
    "г. Алматы",
    "Mr. ",
    "U.S. ",
    "e.g. ",
    "etc. ",
    "No. 5",
    "Р.Василенко",
    "Р. Василенко",
    "Қ.-Ж. Тоқаев",
    "J.R.R. ",
    "3.5",
    "15.03.2026",
    "akorda.kz",
    "...",
    "?!",
    "!!!",
    "?»",
    ".»",
    ".\"",
    ").",
    "\n- ",
    "\n1. ",
    "\n1) ",
    "\na) ",
    "\n\n",
    "\n \r\n",
    "Ол келді. ",
    "The end. ",
    "Это всё. ",
    "келді.Ол ",
    "1. ",
    "I. ",
    " — ",
    "«Біз келдік.» ",
];

fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => prop::sample::select(CHARS).prop_map(String::from),
        1 => prop::sample::select(FRAGMENTS).prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..80).prop_map(|pieces| pieces.concat())
}

fn lang() -> impl Strategy<Value = Lang> {
    prop::sample::select(Lang::ALL.to_vec())
}

fn no_space(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Ranges in order, non-empty, trimmed, on char boundaries, within `outer`,
/// and together holding every non-whitespace char of `text[outer]`.
fn check_ranges(text: &str, outer: Range<usize>, ranges: &[Range<usize>]) -> Result<(), String> {
    let mut prev = outer.start;
    let mut joined = String::new();
    for r in ranges {
        if r.start < prev || r.start >= r.end || r.end > outer.end {
            return Err(format!("bad range {r:?} after {prev} in {outer:?}"));
        }
        let Some(s) = text.get(r.clone()) else {
            return Err(format!("{r:?} is not on char boundaries"));
        };
        if s.trim() != s {
            return Err(format!("{s:?} is not trimmed"));
        }
        joined.push_str(s);
        prev = r.end;
    }
    if no_space(&joined) != no_space(&text[outer]) {
        return Err(format!("lost or reordered text: {joined:?}"));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn split_keeps_every_char_in_order(text in text(), lang in lang()) {
        let ranges = segmenter_for(lang).split(&text);
        if let Err(e) = check_ranges(&text, 0..text.len(), &ranges) {
            prop_assert!(false, "{}: {:?}", e, ranges);
        }
    }

    #[test]
    fn segment_text_cuts_at_blank_lines(text in text(), lang in lang()) {
        let paragraphs = segment_text(&text, lang);
        let ranges: Vec<Range<usize>> = paragraphs.iter().map(|p| p.range.clone()).collect();
        if let Err(e) = check_ranges(&text, 0..text.len(), &ranges) {
            prop_assert!(false, "paragraphs: {}: {:?}", e, ranges);
        }
        for (i, p) in paragraphs.iter().enumerate() {
            // No blank line inside a paragraph...
            let inner = &text[p.range.clone()];
            prop_assert!(inner.split('\n').all(|l| !l.trim().is_empty()), "{:?}", inner);
            // ...nor a line break where lines are paragraphs...
            if inner.contains('\n') {
                prop_assert!(!lines_are_paragraphs(block_around(&text, p.range.start)), "{:?}", inner);
            }
            // ...and a blank line between any two, or a line break in a
            // block that holds a paragraph a line.
            if let Some(next) = paragraphs.get(i + 1) {
                let gap = &text[p.range.end..next.range.start];
                let lines: Vec<&str> = gap.split('\n').collect();
                let blank = lines.len() >= 3;
                prop_assert!(
                    blank || (lines.len() == 2 && lines_are_paragraphs(block_around(&text, p.range.start))),
                    "no blank line in {:?}", gap
                );
            }
            if let Err(e) = check_ranges(&text, p.range.clone(), &p.sentences) {
                prop_assert!(false, "sentences: {}: {:?}", e, p.sentences);
            }
        }
    }

    #[test]
    fn split_agrees_with_segment_text(text in text(), lang in lang()) {
        // `split` on a whole document cuts at blank lines like `segment_text`.
        let whole = segmenter_for(lang).split(&text);
        let by_paragraph: Vec<Range<usize>> = segment_text(&text, lang)
            .into_iter()
            .flat_map(|p| p.sentences)
            .collect();
        prop_assert_eq!(whole, by_paragraph);
    }
}
