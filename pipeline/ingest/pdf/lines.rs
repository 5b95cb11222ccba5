//! Step 1 of reading a PDF's layout: glyphs on one baseline, in drawing
//! order, are a line; a gap of more than two ems on the baseline starts a
//! new one (a table cell, a column), and a space is read where glyphs stand
//! apart. A line knows its bullet, its first word's width and its note
//! marks (small raised digits).

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
    pub(super) fn blank(&self) -> bool {
        self.text.chars().all(char::is_whitespace)
    }
}

/// A gap on a baseline wider than this many ems separates columns or
/// table cells; justified text stretches spaces to about one em at most.
const WIDE_GAP: f64 = 2.0;
/// Glyphs further apart than this many ems are separate words even where
/// the PDF draws no space glyph between them.
const SPACE_GAP: f64 = 0.15;

/// Glyphs drawn on one baseline, in order.
#[derive(Debug)]
pub(super) struct Line {
    pub(super) page: u32,
    pub(super) y: f64,
    pub(super) size: f64,
    /// The left edge of its text (after a bullet) and the right edge.
    pub(super) x0: f64,
    pub(super) x1: f64,
    /// Indices of its glyphs, spaces included, while it is read.
    glyphs: Vec<usize>,
    /// Its text, by which note marks it keeps (see [`Marks`]).
    texts: [String; 3],
    /// Whether it begins with a note's mark.
    pub(super) begins_note: bool,
    /// Characters shown (not spaces).
    pub(super) chars: usize,
    /// It began after a wide gap on its baseline: a table cell or column.
    pub(super) after_gap: bool,
    pub(super) bullet: bool,
    /// The width of its first word.
    pub(super) first_word: f64,
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

/// Step 1: glyphs grouped into lines. Each line keeps its text, not its
/// glyphs, so a document's glyphs need not be held beyond their page.
pub(super) fn lines(glyphs: &[Glyph]) -> Vec<Line> {
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
            texts: Default::default(),
            begins_note: false,
            chars: 0,
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
pub(super) enum Marks {
    Keep,
    /// Raised digits and asterisks cite a note on the page: dropped.
    Raised,
    /// The mark a note begins with: dropped.
    Lead,
}

impl Line {
    /// Finds the bullet, the text's left edge and the first word's width,
    /// and writes the text down.
    fn finish(&mut self, glyphs: &[Glyph]) {
        self.measure(glyphs);
        self.begins_note = self.starts_with_mark(glyphs);
        self.chars = self.glyphs.iter().filter(|&&i| !glyphs[i].blank()).count();
        for marks in [Marks::Keep, Marks::Raised, Marks::Lead] {
            self.texts[marks as usize] = self.compose(glyphs, marks);
        }
        self.glyphs = Vec::new();
    }

    fn measure(&mut self, glyphs: &[Glyph]) {
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
    fn starts_with_mark(&self, glyphs: &[Glyph]) -> bool {
        let first = self.glyphs.iter().map(|&i| &glyphs[i]).find(|g| !g.blank());
        first.is_some_and(|g| {
            self.is_mark(g) || g.text.starts_with(|c: char| c.is_ascii_digit() || c == '*')
        })
    }

    /// The line's text, without the note marks `marks` says to drop.
    pub(super) fn text(&self, marks: Marks) -> &str {
        &self.texts[marks as usize]
    }

    fn compose(&self, glyphs: &[Glyph], marks: Marks) -> String {
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
                for c in g.text.chars().filter(|&c| !private_use(c)) {
                    push_shown(&mut out, c);
                }
                leading = false;
            }
            space = false;
            end = Some(next_end);
        }
        // A soft hyphen shows only where a line breaks the word.
        let last_soft = out.ends_with('\u{AD}');
        out.retain(|c| c != '\u{AD}');
        if last_soft {
            out.push('\u{AD}');
        }
        if marks == Marks::Lead {
            out = strip_lead_mark(&out).to_string();
        }
        out.trim().to_string()
    }
}

/// Appends a character as text wants it: the typographic ligatures of
/// Latin fonts (`ﬁ`, `ﬂ`) as their letters, so words match their other
/// spellings, and any white space as a space.
fn push_shown(out: &mut String, c: char) {
    let letters = match c {
        'ﬀ' => "ff",
        'ﬁ' => "fi",
        'ﬂ' => "fl",
        'ﬃ' => "ffi",
        'ﬄ' => "ffl",
        'ﬅ' | 'ﬆ' => "st",
        c if c.is_whitespace() => " ",
        c => {
            out.push(c);
            return;
        }
    };
    out.push_str(letters);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ligatures_become_letters_and_soft_hyphens_vanish_inside_a_line() {
        let mut x = 0.0;
        let glyphs: Vec<Glyph> = ["ﬁ", "n", "d", "\u{AD}", "s", " ", "ﬂ", "o", "w", "\u{AD}"]
            .iter()
            .map(|t| {
                let g = Glyph {
                    page: 1,
                    x,
                    y: 100.0,
                    advance: 5.0,
                    size: 10.0,
                    text: t.to_string(),
                };
                x += 5.0;
                g
            })
            .collect();
        let lines = lines(&glyphs);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].text(Marks::Keep), "finds flow\u{AD}");
    }
}
