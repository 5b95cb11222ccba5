//! Paragraphs from where a PDF's glyphs are drawn.
//!
//! The steps, each a function below:
//! 1. [`lines`]: glyphs on one baseline, in drawing order, are a line; a
//!    gap of more than two ems on the baseline starts a new one (a table
//!    cell, a column), and a space is read where glyphs stand apart.
//! 2. [`furniture`]: what the top or bottom lines of the pages repeat (a
//!    running header or footer, digits aside) and page numbers standing
//!    apart are not the document's text.
//! 3. [`notes`]: a block of lines in a smaller size at the foot of a page,
//!    beginning with a mark, is a footnote; it is read after the body, as
//!    the office readers read notes, and its marks are dropped from the
//!    text that cites it.
//! 4. [`Layout::breaks`]: consecutive lines belong to one paragraph unless
//!    something on the page says otherwise: more space between them than
//!    between lines, another size, a bullet, a first-line indent, or a line
//!    that ends short although the next line's first word would have fit
//!    (so the line was ended, not wrapped).
//! 5. [`join`]: lines of a paragraph are joined with a space; a word split
//!    by a hyphen at a line end is joined without it when the document
//!    uses the whole word elsewhere, else keeps the hyphen (`Қасым-Жомарт`).

use std::collections::{BTreeMap, HashSet};

/// One glyph as a page draws it. `y` is the baseline, growing downwards
/// from the top of the page; positions and sizes are in points.
#[derive(Debug, Clone)]
pub(super) struct Glyph {
    pub page: u32,
    pub x: f64,
    pub y: f64,
    pub advance: f64,
    pub size: f64,
    pub text: String,
}

impl Glyph {
    fn blank(&self) -> bool {
        self.text.chars().all(char::is_whitespace)
    }
}

/// A gap on a baseline wider than this many ems separates columns or
/// table cells; justified text stretches spaces to about one em at most.
const WIDE_GAP: f64 = 2.0;
/// Glyphs further apart than this many ems are separate words even where
/// the PDF draws no space glyph between them.
const SPACE_GAP: f64 = 0.15;

/// The text of a document's glyphs: paragraphs separated by blank lines,
/// then its footnotes.
/// `widths` holds each page's width.
pub(super) fn text(glyphs: &[Glyph], widths: &BTreeMap<u32, f64>) -> String {
    let lines = lines(glyphs);
    let mut kind = furniture(&lines, glyphs);
    let body_size = body_size(glyphs, &lines, &kind);
    notes(&lines, glyphs, body_size, &mut kind);
    let marked: HashSet<u32> = (0..lines.len())
        .filter(|&i| kind[i] == Kind::Note)
        .map(|i| lines[i].page)
        .collect();
    let texts: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(i, line)| match kind[i] {
            Kind::Note => line.text(glyphs, Marks::Lead),
            _ if marked.contains(&line.page) => line.text(glyphs, Marks::Raised),
            _ => line.text(glyphs, Marks::Keep),
        })
        .collect();
    let hyphens = Hyphens::new(&texts);
    let body: Vec<usize> = (0..lines.len())
        .filter(|&i| kind[i] == Kind::Body)
        .collect();
    let layout = Layout::new(&lines, &kind, widths);
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
            if layout.breaks(&lines, [prev, i], body.get(k + 1).copied(), &texts[prev]) {
                paragraphs.push(join(&current, &hyphens));
                current.clear();
            }
        }
        current.push(&texts[i]);
    }
    paragraphs.push(join(&current, &hyphens));
    let mut notes = Vec::new();
    let mut note: Vec<&str> = Vec::new();
    for i in (0..lines.len()).filter(|&i| kind[i] == Kind::Note) {
        if lines[i].begins_note(glyphs) && !note.is_empty() {
            notes.push(join(&note, &hyphens));
            note.clear();
        }
        note.push(&texts[i]);
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
enum Kind {
    Body,
    /// A running header or footer, or a page number.
    Furniture,
    /// Part of a footnote.
    Note,
}

/// Glyphs drawn on one baseline, in order.
#[derive(Debug)]
struct Line {
    page: u32,
    y: f64,
    size: f64,
    /// The left edge of its text (after a bullet) and the right edge.
    x0: f64,
    x1: f64,
    /// Indices of its glyphs, spaces included.
    glyphs: Vec<usize>,
    /// It began after a wide gap on its baseline: a table cell or column.
    after_gap: bool,
    bullet: bool,
    /// The width of its first word.
    first_word: f64,
}

/// Whether a glyph is a list bullet: the common bullet characters, and
/// the private-use code points of symbol fonts, which carry no text.
fn is_bullet(text: &str) -> bool {
    text.chars()
        .all(|c| matches!(c, '•' | '◦' | '▪' | '●' | '■' | '□' | '►' | '➢' | '✓') || private_use(c))
}

fn private_use(c: char) -> bool {
    matches!(c, '\u{E000}'..='\u{F8FF}')
}

/// Step 1: glyphs grouped into lines.
fn lines(glyphs: &[Glyph]) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    // Where the last glyph of the current line ended, spaces included.
    let mut end = f64::NEG_INFINITY;
    for (i, g) in glyphs.iter().enumerate() {
        let blank = g.blank();
        let mut after_gap = false;
        if let Some(line) = lines.last_mut() {
            let em = line.size.max(g.size);
            let same =
                line.page == g.page && (g.y - line.y).abs() <= 0.5 * em && g.x >= end - 0.5 * em;
            if same && (blank || g.x - end <= WIDE_GAP * em) {
                line.glyphs.push(i);
                if !blank {
                    line.x1 = line.x1.max(g.x + g.advance);
                    // A line may begin with a raised note mark.
                    if g.size > line.size * 1.15 {
                        line.size = g.size;
                        line.y = g.y;
                    }
                }
                end = g.x + g.advance;
                continue;
            }
            after_gap = same;
        }
        if blank {
            continue;
        }
        lines.push(Line {
            page: g.page,
            y: g.y,
            size: g.size,
            x0: g.x,
            x1: g.x + g.advance,
            glyphs: vec![i],
            after_gap,
            bullet: false,
            first_word: 0.0,
        });
        end = g.x + g.advance;
    }
    for line in &mut lines {
        line.finish(glyphs);
    }
    lines
}

/// Which note marks a line's text keeps.
#[derive(Clone, Copy, PartialEq)]
enum Marks {
    Keep,
    /// Raised digits and asterisks cite a note on the page: dropped.
    Raised,
    /// The mark a note begins with: dropped.
    Lead,
}

impl Line {
    /// Finds the bullet, the text's left edge and the first word's width.
    fn finish(&mut self, glyphs: &[Glyph]) {
        let mut shown = self.glyphs.iter().map(|&i| &glyphs[i]);
        let Some(first) = shown.find(|g| !g.blank()) else {
            return;
        };
        let mut start = first;
        if is_bullet(&first.text) {
            self.bullet = true;
            if let Some(g) = shown.clone().find(|g| !g.blank()) {
                start = g;
            }
        }
        self.x0 = start.x;
        let mut word_end = start.x + start.advance;
        let mut rest = self.glyphs.iter().map(|&i| &glyphs[i]);
        rest.position(|g| std::ptr::eq(g, start));
        for g in rest {
            if g.blank() || g.x - word_end > SPACE_GAP * self.size {
                break;
            }
            word_end = g.x + g.advance;
        }
        self.first_word = word_end - start.x;
    }

    fn raised(&self, g: &Glyph) -> bool {
        g.size < 0.8 * self.size && g.y < self.y - 0.15 * self.size
    }

    /// Whether a raised glyph is a note mark.
    fn is_mark(&self, g: &Glyph) -> bool {
        self.raised(g) && g.text.chars().all(|c| c.is_ascii_digit() || c == '*')
    }

    /// Whether the line begins with a note's mark.
    fn begins_note(&self, glyphs: &[Glyph]) -> bool {
        let first = self.glyphs.iter().map(|&i| &glyphs[i]).find(|g| !g.blank());
        first.is_some_and(|g| {
            self.is_mark(g) || g.text.starts_with(|c: char| c.is_ascii_digit() || c == '*')
        })
    }

    fn text(&self, glyphs: &[Glyph], marks: Marks) -> String {
        let mut out = String::new();
        let mut end: Option<f64> = None;
        let mut space = false;
        let mut leading = true;
        for g in self.glyphs.iter().map(|&i| &glyphs[i]) {
            let next_end = g.x + g.advance;
            if g.blank() {
                space = true;
                end = Some(next_end);
                continue;
            }
            let skip = (out.is_empty() && self.bullet && is_bullet(&g.text))
                || (marks == Marks::Raised && self.is_mark(g))
                || (marks == Marks::Lead && leading && self.is_mark(g));
            if !skip {
                let apart = end.is_some_and(|e| g.x - e > SPACE_GAP * self.size);
                if !out.is_empty() && (space || apart) && !out.ends_with(' ') {
                    out.push(' ');
                }
                out.extend(g.text.chars().filter(|&c| !private_use(c)).map(|c| {
                    if c.is_whitespace() {
                        ' '
                    } else {
                        c
                    }
                }));
                leading = false;
            }
            space = false;
            end = Some(next_end);
        }
        if marks == Marks::Lead {
            out = strip_lead_mark(&out).to_string();
        }
        out.trim().to_string()
    }
}

/// A note's text without the number or asterisks it begins with (`1.`,
/// `2)`, `*`), when the mark was not drawn raised.
fn strip_lead_mark(text: &str) -> &str {
    let rest = text.trim_start_matches(|c: char| c.is_ascii_digit() || c == '*');
    if rest.len() == text.len() {
        return text;
    }
    let rest = rest
        .strip_prefix('.')
        .or_else(|| rest.strip_prefix(')'))
        .unwrap_or(rest);
    rest.trim_start()
}

/// The lines of each page, by page, in drawing order.
fn by_page(lines: &[Line], keep: impl Fn(usize) -> bool) -> BTreeMap<u32, Vec<usize>> {
    let mut pages: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (i, line) in lines.iter().enumerate().filter(|&(i, _)| keep(i)) {
        pages.entry(line.page).or_default().push(i);
    }
    pages
}

/// Step 2: which lines are running headers and footers or page numbers.
fn furniture(lines: &[Line], glyphs: &[Glyph]) -> Vec<Kind> {
    let mut kind = vec![Kind::Body; lines.len()];
    let pages = by_page(lines, |_| true);
    let key = |i: usize| -> String {
        let text = lines[i].text(glyphs, Marks::Keep).to_lowercase();
        let digits = text
            .chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c });
        digits.filter(|c| !c.is_whitespace()).collect()
    };
    // The two top and two bottom lines of each page, which running headers
    // and footers are among.
    let mut edges: Vec<(u32, Vec<usize>)> = Vec::new();
    for (&page, on_page) in &pages {
        let mut sorted = on_page.clone();
        sorted.sort_by(|&a, &b| lines[a].y.total_cmp(&lines[b].y));
        let n = sorted.len();
        let mut picked: Vec<usize> = sorted.iter().take(2).copied().collect();
        picked.extend(sorted.iter().skip(n.saturating_sub(2).max(2)).copied());
        edges.push((page, picked));
        for (k, &i) in sorted.iter().enumerate() {
            let outer = k == 0 || k + 1 == n;
            let neighbour = if k == 0 {
                sorted.get(1)
            } else {
                sorted.get(k.wrapping_sub(1))
            };
            let apart = neighbour.is_none_or(|&j| {
                (lines[j].y - lines[i].y).abs() > 2.5 * lines[i].size.max(lines[j].size)
            });
            if outer && apart && is_page_number(&lines[i].text(glyphs, Marks::Keep)) {
                kind[i] = Kind::Furniture;
            }
        }
    }
    if pages.len() >= 2 {
        let mut seen: BTreeMap<String, HashSet<u32>> = BTreeMap::new();
        for (page, picked) in &edges {
            for &i in picked {
                seen.entry(key(i)).or_default().insert(*page);
            }
        }
        for (_, picked) in &edges {
            for &i in picked {
                let on = seen[&key(i)].len();
                if on >= 2 && 2 * on >= pages.len() {
                    kind[i] = Kind::Furniture;
                }
            }
        }
    }
    kind
}

/// Whether a line reads as a page number: `7`, `- 7 -`, `7 / 12`,
/// `Page 7 of 12`, `Стр. 7 из 12`, `7-бет`, `iv`.
fn is_page_number(text: &str) -> bool {
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
fn notes(lines: &[Line], glyphs: &[Glyph], body_size: f64, kind: &mut [Kind]) {
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
        if let Some(start) = block.iter().position(|&i| lines[i].begins_note(glyphs)) {
            for &i in &block[start..] {
                kind[i] = Kind::Note;
            }
        }
    }
}

/// The size most of the text is set in.
fn body_size(glyphs: &[Glyph], lines: &[Line], kind: &[Kind]) -> f64 {
    let mut sizes: BTreeMap<i64, usize> = BTreeMap::new();
    for (i, line) in lines.iter().enumerate() {
        if kind[i] == Kind::Body {
            let chars = line.glyphs.iter().filter(|&&g| !glyphs[g].blank()).count();
            *sizes.entry((line.size * 4.0).round() as i64).or_default() += chars;
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

/// Whether a line ends in a hyphen that splits a word (`прези-`), not a
/// dash standing apart (`сөз –`).
fn hyphenated(text: &str) -> bool {
    let mut rev = text.chars().rev();
    matches!(rev.next(), Some('-' | '\u{2010}' | '\u{AD}'))
        && rev.next().is_some_and(char::is_alphanumeric)
}

/// What the document says about the words its line ends hyphenate:
/// whether a hyphen at a line end split a word (`государ-ственный`) or is
/// part of it (`Нью-Йорк`, `жан-жақты`). PDF writers draw the hyphen of a
/// soft hyphen as a plain one, so the text alone must tell.
struct Hyphens {
    /// Every word of the document in lower case, sorted.
    words: Vec<String>,
    /// The words written with a hyphen inside a line, in lower case.
    compounds: HashSet<String>,
    /// Whether a split with no evidence either way is joined: the document
    /// hyphenates words at line ends more often than it breaks compounds.
    join_unknown: bool,
}

impl Hyphens {
    fn new(texts: &[String]) -> Hyphens {
        let mut words: Vec<String> = texts
            .iter()
            .flat_map(|t| t.split(|c: char| !c.is_alphabetic()))
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        words.sort();
        words.dedup();
        let compounds = texts
            .iter()
            .flat_map(|t| t.split(|c: char| !c.is_alphabetic() && c != '-'))
            .filter(|w| w.trim_matches('-').contains('-'))
            .map(str::to_lowercase)
            .collect();
        let mut hyphens = Hyphens {
            words,
            compounds,
            join_unknown: false,
        };
        let (mut split, mut kept) = (0, 0);
        for pair in texts.windows(2) {
            match hyphens.evidence(&pair[0], &pair[1]) {
                Some(true) => split += 1,
                Some(false) => kept += 1,
                None => {}
            }
        }
        hyphens.join_unknown = split > kept;
        hyphens
    }

    /// Whether `line` ending in a hyphen and `next` split a word
    /// (`Some(true)`), keep a compound (`Some(false)`), or the document
    /// cannot tell (`None`).
    fn evidence(&self, line: &str, next: &str) -> Option<bool> {
        if !hyphenated(line) {
            return None;
        }
        let (head, hyphen) = split_hyphen(line);
        if hyphen == '\u{AD}' {
            return Some(true);
        }
        let tail: String = next.chars().take_while(|c| c.is_alphabetic()).collect();
        if head.is_empty() || !next.starts_with(char::is_lowercase) {
            return Some(false);
        }
        let (head, tail) = (head.to_lowercase(), tail.to_lowercase());
        if self.compounds.contains(&format!("{head}-{tail}")) {
            return Some(false);
        }
        // The joined word, or another form of it (the same stem with
        // another ending), elsewhere in the document.
        let stem: String = head.chars().chain(tail.chars().take(3)).collect();
        let from = self.words.partition_point(|w| w.as_str() < stem.as_str());
        if self.words.get(from).is_some_and(|w| w.starts_with(&stem)) {
            return Some(true);
        }
        None
    }

    fn splits_word(&self, line: &str, next: &str) -> bool {
        self.evidence(line, next).unwrap_or(self.join_unknown)
    }
}

/// The letters before a line's final hyphen, and the hyphen.
fn split_hyphen(line: &str) -> (&str, char) {
    let hyphen = line.chars().next_back().expect("a hyphen");
    let before = &line[..line.len() - hyphen.len_utf8()];
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic())
        .last()
        .map_or(before.len(), |(i, _)| i);
    (&before[start..], hyphen)
}

/// A paragraph's lines joined into one.
fn join(lines: &[&str], hyphens: &Hyphens) -> String {
    let mut out = String::new();
    let lines: Vec<&str> = lines.iter().copied().filter(|l| !l.is_empty()).collect();
    for (k, line) in lines.iter().enumerate() {
        match k.checked_sub(1).map(|p| lines[p]) {
            None => {}
            Some(prev) if hyphenated(prev) && hyphens.splits_word(prev, line) => {
                out.pop();
            }
            Some(prev) if hyphenated(prev) => {}
            Some(_) => out.push(' '),
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
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
        text(glyphs, &widths)
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

    #[test]
    fn hyphens_at_line_ends_join_split_words_and_keep_compounds() {
        let texts =
            |lines: &[&str]| -> Vec<String> { lines.iter().map(|l| l.to_string()).collect() };
        // The document writes the whole word elsewhere: a split.
        let doc = texts(&["Президент сөйледі, прези-", "дентке сұрақ", "Нью-", "Йорк"]);
        let h = Hyphens::new(&doc);
        assert_eq!(join(&["прези-", "дентке"], &h), "президентке");
        assert_eq!(join(&["Нью-", "Йорк"], &h), "Нью-Йорк");
        assert_eq!(join(&["1990-", "жылдары"], &h), "1990-жылдары");
        assert_eq!(join(&["сөз –", "деді"], &h), "сөз – деді");
        // A compound the document writes with its hyphen stays one.
        let doc = texts(&["жан-жақты түсіндірді", "жан-", "жақты"]);
        assert_eq!(join(&["жан-", "жақты"], &Hyphens::new(&doc)), "жан-жақты");
        // No evidence: as the document does elsewhere.
        let plain = Hyphens::new(&texts(&["бұрын-", "соңды"]));
        assert_eq!(join(&["бұрын-", "соңды"], &plain), "бұрын-соңды");
        let hyphenating = texts(&["үдеріс үдер-", "ісі", "мемле-", "кеттік мемлекет"]);
        assert_eq!(
            join(&["бұрын-", "соңды"], &Hyphens::new(&hyphenating)),
            "бұрынсоңды"
        );
        // A soft hyphen always splits a word.
        assert_eq!(join(&["сапар\u{AD}", "мен"], &plain), "сапармен");
    }

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
