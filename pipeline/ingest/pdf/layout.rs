//! Paragraphs from where a PDF's glyphs are drawn.
//!
//! The steps:
//! 1. [`lines`](super::lines): glyphs on one baseline are a line; a wide
//!    gap on it starts another (a table cell, a column).
//! 2. [`furniture`](super::furniture): running headers and footers and page
//!    numbers are not the document's text;
//! 3. and footnotes are read after the body, without their marks.
//! 4. [`Layout::breaks`], here: consecutive lines belong to one paragraph
//!    unless something on the page says otherwise: more space between them
//!    than between lines, another size, a bullet, a table row, a first-line
//!    indent, or a line that ends short although the next line's first word
//!    would have fit (so the line was ended, not wrapped).
//! 5. [`hyphens`](super::hyphens): lines of a paragraph are joined with a
//!    space; a word split by a hyphen at a line end is joined or keeps its
//!    hyphen on the document's own evidence.

use std::collections::{BTreeMap, HashSet};

use super::furniture::{by_page, furniture, notes};
use super::hyphens::{hyphenated, join, Hyphens};
use super::lines::{Line, Marks};

/// The text of a document's glyphs: paragraphs separated by blank lines,
/// then its footnotes.
/// `widths` holds each page's width.
pub(super) fn text(lines: &[Line], widths: &BTreeMap<u32, f64>) -> String {
    let mut kind = furniture(lines);
    let body_size = body_size(lines, &kind);
    notes(lines, body_size, &mut kind);
    let marked: HashSet<u32> = (0..lines.len())
        .filter(|&i| kind[i] == Kind::Note)
        .map(|i| lines[i].page)
        .collect();
    let texts: Vec<&str> = lines
        .iter()
        .enumerate()
        .map(|(i, line)| match kind[i] {
            Kind::Note => line.text(Marks::Lead),
            _ if marked.contains(&line.page) => line.text(Marks::Raised),
            _ => line.text(Marks::Keep),
        })
        .collect();
    let hyphens = Hyphens::new(&texts);
    let body: Vec<usize> = (0..lines.len())
        .filter(|&i| kind[i] == Kind::Body)
        .collect();
    let layout = Layout::new(lines, &kind, widths);
    for (i, l) in lines.iter().enumerate() {
        tracing::trace!(
            "page {} y {:.1} x {:.1}–{:.1} size {:.1} {:?}: {}",
            l.page,
            l.y,
            l.x0,
            l.x1,
            l.size,
            kind[i],
            texts[i]
        );
    }
    let mut paragraphs = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for (k, &i) in body.iter().enumerate() {
        if let Some(&prev) = k.checked_sub(1).map(|p| &body[p]) {
            if layout.breaks(lines, [prev, i], body.get(k + 1).copied(), texts[prev]) {
                paragraphs.push(join(&current, &hyphens));
                current.clear();
            }
        }
        current.push(texts[i]);
    }
    paragraphs.push(join(&current, &hyphens));
    let mut notes = Vec::new();
    let mut note: Vec<&str> = Vec::new();
    for i in (0..lines.len()).filter(|&i| kind[i] == Kind::Note) {
        if lines[i].begins_note && !note.is_empty() {
            notes.push(join(&note, &hyphens));
            note.clear();
        }
        note.push(texts[i]);
    }
    notes.push(join(&note, &hyphens));
    let keep = |p: Vec<String>| {
        p.into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n")
    };
    super::super::office::with_notes(keep(paragraphs), keep(notes))
}

/// What a line is to the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Body,
    /// A running header or footer, or a page number.
    Furniture,
    /// Part of a footnote.
    Note,
}

/// The size most of the text is set in.
fn body_size(lines: &[Line], kind: &[Kind]) -> f64 {
    let mut sizes: BTreeMap<i64, usize> = BTreeMap::new();
    for (i, line) in lines.iter().enumerate() {
        if kind[i] == Kind::Body {
            *sizes.entry((line.size * 4.0).round() as i64).or_default() += line.chars;
        }
    }
    sizes
        .iter()
        .max_by_key(|&(_, &n)| n)
        .map_or(12.0, |(&q, _)| q as f64 / 4.0)
}

/// What the body's lines say about the page.
struct Layout {
    /// Baseline to baseline over size, between lines of a paragraph.
    spacing: f64,
    /// For each line, the left and right edge of its column on its page:
    /// the extremes of the body lines that overlap it.
    edges: Vec<(f64, f64)>,
    /// For each line, the edges of the text around it of any size.
    columns: Vec<(f64, f64)>,
}

impl Layout {
    fn new(lines: &[Line], kind: &[Kind], widths: &BTreeMap<u32, f64>) -> Layout {
        let body: Vec<&Line> = (0..lines.len())
            .filter(|&i| kind[i] == Kind::Body)
            .map(|i| &lines[i])
            .collect();
        let mut ratios: Vec<f64> = body
            .windows(2)
            .filter(|w| w[0].page == w[1].page && (w[0].size - w[1].size).abs() < 0.05 * w[0].size)
            .map(|w| (w[1].y - w[0].y) / w[0].size)
            .filter(|r| (0.8..3.0).contains(r))
            .collect();
        ratios.sort_by(f64::total_cmp);
        let spacing = ratios.get(ratios.len() / 2).copied().unwrap_or(1.2);
        let mut edges = vec![(0.0, 0.0); lines.len()];
        let mut columns = vec![(0.0, 0.0); lines.len()];
        let body_of = by_page(lines, |i| kind[i] == Kind::Body);
        for (page, on_page) in by_page(lines, |_| true) {
            let body: Vec<&Line> = body_of
                .get(&page)
                .map_or(Vec::new(), |b| b.iter().map(|&i| &lines[i]).collect());
            // Lines side by side: a column's, and where the next begins.
            let beside: Vec<(&Line, f64)> = body
                .iter()
                .flat_map(|&a| body.iter().map(move |&b| (a, b)))
                .filter(|(a, b)| {
                    same_size(a, b) && b.x0 > a.x1 && (a.y - b.y).abs() < spacing * a.size
                })
                .map(|(a, b)| (a, b.x0))
                .collect();
            let page = Page {
                body,
                beside,
                width: widths.get(&page).copied(),
            };
            for i in on_page {
                edges[i] = page.extent(&lines[i], true);
                columns[i] = page.extent(&lines[i], false);
            }
        }
        Layout {
            spacing,
            edges,
            columns,
        }
    }

    /// Whether line `i` is centred in its column (a title), not flush left.
    fn centred(&self, lines: &[Line], i: usize) -> bool {
        let (line, (left, right)) = (&lines[i], self.columns[i]);
        let middle = (line.x0 + line.x1) / 2.0;
        line.x0 > left + 2.0 * line.size && (middle - (left + right) / 2.0).abs() < line.size
    }

    /// Whether a paragraph ends between lines `a` and `b` (`c` follows `b`).
    fn breaks(&self, lines: &[Line], [a, b]: [usize; 2], c: Option<usize>, a_text: &str) -> bool {
        let (la, lb) = (&lines[a], &lines[b]);
        // A table row's cells, and what comes before or after one.
        let row = |c: Option<usize>| {
            c.is_some_and(|c| {
                let lc = &lines[c];
                lc.after_gap && lc.page == lb.page && (lc.y - lb.y).abs() < 0.5 * lb.size
            })
        };
        if la.after_gap || lb.after_gap || lb.bullet || row(c) {
            return true;
        }
        if hyphenated(a_text) {
            return false;
        }
        let em = la.size.max(lb.size);
        if (la.size - lb.size).abs() > 0.12 * la.size.min(lb.size) {
            return true;
        }
        if la.page == lb.page && lb.y > la.y && lb.y - la.y > (self.spacing + 0.35) * em {
            return true;
        }
        let title = self.centred(lines, a) && self.centred(lines, b);
        // A first-line indent: `b` starts right of the lines around it.
        let indent = 0.8 * lb.size;
        let back = c.is_some_and(|c| lines[c].page == lb.page && lines[c].x0 < lb.x0 - indent);
        if !title && lb.x0 > la.x0 + indent && back {
            return true;
        }
        // `a` was ended, not wrapped, if `b`'s first word would have fit.
        let room = self.edges[a].1 - la.x1;
        !title && lb.first_word + 0.3 * lb.size < room - 0.5 * la.size
    }
}

fn same_size(a: &Line, b: &Line) -> bool {
    (a.size - b.size).abs() < 0.12 * a.size
}

fn overlap(a: &Line, b: &Line) -> bool {
    a.x0 < b.x1 && b.x0 < a.x1
}

/// The body lines of a page, for where its columns end.
struct Page<'a> {
    body: Vec<&'a Line>,
    /// Lines with another beside them to the right, and where that begins.
    beside: Vec<(&'a Line, f64)>,
    width: Option<f64>,
}

impl Page<'_> {
    /// The left and right edge of `line`'s column, from the lines of its
    /// size only if `by_size`.
    fn extent(&self, line: &Line, by_size: bool) -> (f64, f64) {
        // Where the next column begins, if a line of this column has one
        // beside it: lines across both (a passage set in one column above
        // two) are not this column's edge.
        let gutter = self
            .beside
            .iter()
            .filter(|&&(a, x)| overlap(a, line) && x >= line.x1)
            .map(|&(_, x)| x)
            .fold(f64::INFINITY, f64::min);
        // Lines of the same size, for where a line could have gone on: a
        // title across two columns is not either column's edge.
        let overlapping = self.body.iter().filter(|o| {
            !o.after_gap && (!by_size || same_size(o, line)) && overlap(o, line) && o.x1 <= gutter
        });
        let (left, right) =
            overlapping.fold((line.x0, line.x1), |(l, r), o| (l.min(o.x0), r.max(o.x1)));
        // Where every line stops well short of the right margin taken to
        // mirror the left one (a note of a few short lines), no line
        // wrapped: that margin is the edge.
        match self.width {
            Some(width) if gutter.is_infinite() && right - left < 0.85 * (width - 2.0 * left) => {
                (left, right.max(width - left))
            }
            _ => (left, right),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::lines::{lines, Glyph};
    use super::*;

    /// Glyphs of `text` set on one baseline, every letter half an em wide.
    fn set(page: u32, y: f64, x: f64, size: f64, text: &str) -> Vec<Glyph> {
        let mut at = x;
        text.chars()
            .map(|c| {
                let advance = if c == ' ' { 0.25 } else { 0.5 } * size;
                let g = Glyph {
                    page,
                    x: at,
                    y,
                    advance,
                    size,
                    text: c.to_string(),
                };
                at += advance;
                g
            })
            .collect()
    }

    /// A page of lines of text, each `(x, size, text)`, 1.4 sizes apart
    /// from y = 100, on 350-point-wide pages.
    fn page(number: u32, lines: &[(f64, f64, &str)]) -> Vec<Glyph> {
        let mut y = 100.0;
        let mut out = Vec::new();
        for &(x, size, text) in lines {
            out.extend(set(number, y, x, size, text));
            y += 1.4 * size;
        }
        out
    }

    fn read(glyphs: &[Glyph]) -> String {
        let widths = (1..=9).map(|p| (p, 350.0)).collect();
        text(&lines(glyphs), &widths)
    }

    // Lines 50 letters wide at size 10: 250 points, from x = 50 to 300
    // (margins of 50 points).
    const FULL: &str = "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjjj";

    #[test]
    fn wrapped_lines_join_and_ended_lines_end_paragraphs() {
        let glyphs = page(
            1,
            &[
                (50.0, 14.0, "Title"),
                (50.0, 10.0, FULL),
                (50.0, 10.0, "Ends here."),
                (50.0, 10.0, FULL),
                (50.0, 10.0, "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii."),
                (50.0, 10.0, "Longword follows, which did not fit above."),
            ],
        );
        assert_eq!(
            read(&glyphs),
            format!(
                "Title\n\n{FULL} Ends here.\n\n{FULL} aaaa bbbb cccc dddd eeee ffff \
                 gggg hhhh iiii. Longword follows, which did not fit above."
            )
        );
    }

    #[test]
    fn indents_gaps_bullets_and_cells_end_paragraphs() {
        let mut glyphs = page(
            1,
            &[
                (50.0, 10.0, FULL),
                (50.0, 10.0, FULL),
                (70.0, 10.0, "Indented first line of the next one, and a"),
                (50.0, 10.0, FULL),
                (50.0, 10.0, "• A bullet"),
            ],
        );
        // After a gap of two lines, then a table row of two cells.
        glyphs.extend(set(1, 200.0, 50.0, 10.0, FULL));
        glyphs.extend(set(1, 214.0, 50.0, 10.0, "Cell"));
        glyphs.extend(set(1, 214.0, 200.0, 10.0, "Other cell"));
        assert_eq!(
            read(&glyphs),
            format!(
                "{FULL} {FULL}\n\nIndented first line of the next one, and a {FULL}\n\n\
                 A bullet\n\n{FULL}\n\nCell\n\nOther cell"
            )
        );
    }

    #[test]
    fn running_heads_and_page_numbers_are_not_text() {
        let mut glyphs = Vec::new();
        let names = ["", "one", "two", "six"];
        let body = |p: u32, k: usize| FULL.replace("aaaa", &format!("{}{k}", names[p as usize]));
        for (p, number) in [(1, "- 1 -"), (2, "- 2 -"), (3, "- 3 -")] {
            glyphs.extend(set(p, 40.0, 100.0, 8.0, "Ministry of Water, report 2026"));
            glyphs.extend(page(
                p,
                &[(50.0, 10.0, &body(p, 1)), (50.0, 10.0, &body(p, 2))],
            ));
            glyphs.extend(set(p, 700.0, 180.0, 8.0, number));
        }
        // A lone number inside the text stays.
        glyphs.extend(set(3, 128.0, 50.0, 10.0, "412"));
        let mut want: Vec<String> = (1..=3).flat_map(|p| [body(p, 1), body(p, 2)]).collect();
        want.push("412".into());
        let want = want.join(" ");
        assert_eq!(read(&glyphs), want);
    }

    #[test]
    fn footnotes_come_last_without_their_marks() {
        let mut glyphs = set(1, 100.0, 50.0, 10.0, "Floods are expected");
        glyphs.extend(set(1, 96.0, 145.0, 6.0, "1"));
        glyphs.extend(set(1, 100.0, 148.0, 10.0, " in March."));
        glyphs.extend(set(1, 114.0, 50.0, 10.0, "Staff work in 3 shifts."));
        glyphs.extend(set(1, 700.0, 50.0, 6.0, "1"));
        glyphs.extend(set(1, 702.0, 54.0, 8.0, "As forecast on 15 March."));
        assert_eq!(
            read(&glyphs),
            "Floods are expected in March.\n\nStaff work in 3 shifts.\n\nAs forecast on 15 March."
        );
    }

    #[test]
    fn two_columns_read_one_after_the_other() {
        let mut glyphs = page(1, &[(50.0, 10.0, FULL), (50.0, 10.0, "Short.")]);
        // Two columns of 100 points (20 letters) below, x 50–150 and 200–300.
        let left = [
            "aaaa bbbb cccc dddd",
            "eeee ffff gggg hhhh",
            "iiii jjjj kkkk llll",
        ];
        let right = ["mmmm nnnn oooo pppp", "end of it.", "Next one."];
        for (k, (l, r)) in left.iter().zip(right).enumerate() {
            glyphs.extend(set(1, 160.0 + 14.0 * k as f64, 50.0, 10.0, l));
            let _ = r;
        }
        for (k, r) in right.iter().enumerate() {
            glyphs.extend(set(1, 160.0 + 14.0 * k as f64, 200.0, 10.0, r));
        }
        assert_eq!(
            read(&glyphs),
            format!(
                "{FULL} Short.\n\naaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll \
                 mmmm nnnn oooo pppp end of it.\n\nNext one."
            )
        );
    }
}
