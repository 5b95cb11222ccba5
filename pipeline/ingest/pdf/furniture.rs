//! Steps 2 and 3 of reading a PDF's layout: what is not the body's text.
//! What the top or bottom lines of the pages repeat (a running header or
//! footer, digits aside) and page numbers standing apart are page
//! furniture. A block of lines in a smaller size at the foot of a page,
//! beginning with a mark, is a footnote: read after the body, as the office
//! readers read notes.

use std::collections::{BTreeMap, HashSet};

use super::layout::Kind;
use super::lines::{Line, Marks};

/// The lines of each page, by page, in drawing order.
pub(super) fn by_page(lines: &[Line], keep: impl Fn(usize) -> bool) -> BTreeMap<u32, Vec<usize>> {
    let mut pages: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (i, line) in lines.iter().enumerate().filter(|&(i, _)| keep(i)) {
        pages.entry(line.page).or_default().push(i);
    }
    pages
}

/// Step 2: which lines are running headers and footers or page numbers.
pub(super) fn furniture(lines: &[Line]) -> Vec<Kind> {
    let mut kind = vec![Kind::Body; lines.len()];
    let pages = by_page(lines, |_| true);
    let key = |i: usize| -> String {
        let text = lines[i].text(Marks::Keep).to_lowercase();
        let digits = text
            .chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c });
        digits.filter(|c| !c.is_whitespace()).collect()
    };
    // The two top and two bottom lines of each page, which running headers
    // and footers are among, with what they say.
    let mut edges: Vec<(u32, Vec<(usize, String)>)> = Vec::new();
    for (&page, on_page) in &pages {
        let mut sorted = on_page.clone();
        sorted.sort_by(|&a, &b| lines[a].y.total_cmp(&lines[b].y));
        let n = sorted.len();
        let top = sorted.iter().take(2);
        let bottom = sorted.iter().skip(n.saturating_sub(2).max(2));
        edges.push((page, top.chain(bottom).map(|&i| (i, key(i))).collect()));
        // A page number is the top or the bottom line, standing apart.
        let ends = [
            (sorted[0], sorted.get(1)),
            (sorted[n - 1], n.checked_sub(2).map(|k| &sorted[k])),
        ];
        for (i, neighbour) in ends {
            let apart = neighbour.is_none_or(|&j| {
                (lines[j].y - lines[i].y).abs() > 2.5 * lines[i].size.max(lines[j].size)
            });
            if apart && is_page_number(lines[i].text(Marks::Keep)) {
                kind[i] = Kind::Furniture;
            }
        }
    }
    if pages.len() >= 2 {
        let mut seen: BTreeMap<&str, HashSet<u32>> = BTreeMap::new();
        for (page, picked) in &edges {
            for (_, key) in picked {
                seen.entry(key).or_default().insert(*page);
            }
        }
        for (_, picked) in &edges {
            for (i, key) in picked {
                let on = seen[key.as_str()].len();
                if on >= 2 && 2 * on >= pages.len() {
                    kind[*i] = Kind::Furniture;
                }
            }
        }
    }
    kind
}

/// Whether a line reads as a page number: `7`, `- 7 -`, `7 / 12`,
/// `Page 7 of 12`, `Стр. 7 из 12`, `7-бет`, `iv`.
pub(super) fn is_page_number(text: &str) -> bool {
    const WORDS: [&str; 9] = [
        "page",
        "p.",
        "стр.",
        "стр",
        "страница",
        "бет",
        "беті",
        "of",
        "из",
    ];
    let mut number = false;
    for token in text
        .to_lowercase()
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | '–' | '—' | '/' | '|'))
        .filter(|t| !t.is_empty())
    {
        let arabic = token.chars().all(|c| c.is_ascii_digit()) && token.len() <= 4;
        let roman = token.chars().all(|c| matches!(c, 'i' | 'v' | 'x')) && token.len() <= 5;
        if arabic || roman {
            number = true;
        } else if !WORDS.contains(&token) {
            return false;
        }
    }
    number
}

/// Step 3: marks footnotes, the blocks of smaller lines at the foot of a
/// page that begin with a note mark.
pub(super) fn notes(lines: &[Line], body_size: f64, kind: &mut [Kind]) {
    for (_, on_page) in by_page(lines, |i| kind[i] == Kind::Body) {
        let mut sorted = on_page;
        sorted.sort_by(|&a, &b| lines[a].y.total_cmp(&lines[b].y));
        let small = sorted
            .iter()
            .rev()
            .take_while(|&&i| lines[i].size < 0.92 * body_size)
            .count();
        // Notes need body text above them to be notes to.
        if small == 0 || small == sorted.len() {
            continue;
        }
        let block = &sorted[sorted.len() - small..];
        if let Some(start) = block.iter().position(|&i| lines[i].begins_note) {
            for &i in &block[start..] {
                kind[i] = Kind::Note;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_are_recognised() {
        for yes in [
            "7",
            "- 7 -",
            "7 / 12",
            "Page 7 of 12",
            "Стр. 7 из 12",
            "7-бет",
            "iv",
        ] {
            assert!(is_page_number(yes), "{yes}");
        }
        for no in ["7 наурыз", "Бет ашар", "", "2026 жылы"] {
            assert!(!is_page_number(no), "{no}");
        }
    }
}
