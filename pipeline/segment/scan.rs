//! The single left-to-right pass that finds candidate boundaries, asks the
//! rules about each, and cuts the paragraph into trimmed sentence ranges.

use std::ops::Range;

use super::abbrev::LangRules;
use super::candidate::{
    next_after, skip_space_back, token_before, tokens_before, Candidate, StopKind,
};
use super::chars::{
    is_bullet, is_closer, is_digits, is_opener, is_roman, is_stop, is_strong_stop, is_word_char,
};
use super::layout;
use super::rules::judge;

/// The rule name of boundaries made by the layout: a list item, a blank
/// line, or a line of a block that holds a paragraph a line.
pub const LINE_BREAK: &str = "line_break";

/// How a rule (or the layout) decided one candidate boundary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Byte offset of the boundary in the paragraph (after the stop and its
    /// closing quotes; at the line break for layout boundaries).
    pub at: usize,
    /// Whether the paragraph is split there.
    pub split: bool,
    /// The rule that decided: a rule name, `"default"` (no rule objected to
    /// a stop before a plausible sentence start), or [`LINE_BREAK`].
    pub rule: &'static str,
}

/// Finds the boundaries of `text`, reporting each judged candidate.
pub(crate) fn decide(text: &str, lang: &LangRules, mut report: impl FnMut(Decision)) {
    let mut first_word: Option<usize> = None;
    // The last boundary: the rules never look back across it.
    let mut floor = 0;
    let mut i = 0;
    // Whether the block of lines being read holds a paragraph a line; known
    // from its first character on.
    let mut lines_are_paragraphs = None;
    while let Some(c) = text[i..].chars().next() {
        if lines_are_paragraphs.is_none() && !c.is_whitespace() {
            lines_are_paragraphs = Some(layout::lines_are_paragraphs(layout::block_at(text, i)));
        }
        if c == '\n' {
            let blank = layout::line_is_blank(text, i + 1);
            if blank {
                lines_are_paragraphs = None;
            }
            if blank || lines_are_paragraphs == Some(true) || starts_new_item(text, i + 1) {
                report(Decision {
                    at: i,
                    split: true,
                    rule: LINE_BREAK,
                });
                first_word = None;
                floor = i;
            }
            i += 1;
            continue;
        }
        if is_word_char(c) {
            first_word.get_or_insert(i);
        }
        if !is_stop(c) {
            i += c.len_utf8();
            continue;
        }
        let (end, kind) = stop_run(text, i);
        let glued = match text[end..].chars().next() {
            None => false,
            Some(a) if a.is_whitespace() => false,
            Some(a) if a.is_uppercase() => true,
            Some(_) => {
                i = end;
                continue;
            }
        };
        let candidate = candidate(text, floor, i, end, kind, glued, first_word);
        let (split, rule) = judge(&candidate, lang);
        report(Decision {
            at: end,
            split,
            rule,
        });
        if split {
            first_word = None;
            floor = end;
        }
        i = end;
    }
}

/// The run of stops (and closing quotes/brackets glued to them) starting at
/// `start`: its end and kind. `?»)` and `.».` are one run.
fn stop_run(text: &str, start: usize) -> (usize, StopKind) {
    // `..` and longer runs of dots are an ellipsis; `.».` is not.
    let (mut dots, mut strong, mut ellipsis) = (0, false, false);
    let mut end = start;
    for (i, c) in text[start..].char_indices() {
        if !is_stop(c) && !is_closer(c) {
            break;
        }
        dots = if c == '.' { dots + 1 } else { 0 };
        ellipsis |= dots >= 2 || c == '…';
        strong |= is_strong_stop(c);
        end = start + i + c.len_utf8();
    }
    // A closing quote or bracket typed after a space (`ашты. » Сосын`)
    // still closes the sentence when a space or the end follows it.
    let rest = &text[end..];
    let gap = rest.len() - rest.trim_start_matches([' ', '\u{a0}']).len();
    if gap > 0 && gap <= 2 {
        let tail = &rest[gap..];
        let closers = tail.len()
            - tail
                .trim_start_matches(|c| is_closer(c) && !is_opener(c))
                .len();
        let after = tail[closers..].chars().next();
        if closers > 0 && after.is_none_or(char::is_whitespace) {
            end += gap + closers;
        }
    }
    let kind = if strong {
        StopKind::Strong
    } else if ellipsis {
        StopKind::Ellipsis
    } else {
        StopKind::Period
    };
    (end, kind)
}

/// The candidate for the stop run `stop..end`; `floor` is the last boundary.
fn candidate(
    text: &str,
    floor: usize,
    stop: usize,
    end: usize,
    kind: StopKind,
    glued: bool,
    first_word: Option<usize>,
) -> Candidate<'_> {
    // Look back only within the current sentence.
    let head = &text[floor..stop];
    let raw = token_before(head, head.len()).unwrap_or("");
    let raw_start = head.len() - raw.len();
    let token = raw.trim_start_matches(is_opener);
    let token_start = stop - token.len();
    let after_clause = skip_space_back(head, raw_start)
        .and_then(|p| head[..p].chars().next_back())
        .is_some_and(|c| c == ':' || c == ';');
    Candidate {
        kind,
        glued,
        token,
        token_closed: token.chars().next_back().is_some_and(is_closer),
        before: tokens_before(head, raw_start),
        first_in_sentence: first_word.is_none_or(|f| f >= token_start),
        after_clause,
        has_content: first_word.is_some(),
        quoted: text[stop..end].contains(|c| is_closer(c) && !matches!(c, ')' | ']' | '}')),
        closed: text[stop..end].contains(is_closer),
        next: next_after(text, end),
    }
}

/// Whether the line starting at `pos` begins a new sentence by layout: it is
/// blank (a paragraph break inside the text given to `split`) or it starts
/// with a list marker.
fn starts_new_item(text: &str, pos: usize) -> bool {
    let line = &text[pos..];
    match line.find(|c: char| c == '\n' || !c.is_whitespace()) {
        None => true,
        Some(i) => {
            let rest = &line[i..];
            // An empty item (`- ` and nothing else) is no item: it joins the
            // text before, as it does at the end of a trimmed paragraph.
            let this_line = rest[..rest.find('\n').unwrap_or(rest.len())].trim_end();
            rest.starts_with('\n') || is_list_marker(this_line)
        }
    }
}

/// Whether `line` starts with a list marker followed by whitespace: `- `,
/// `– `, `— `, `• `, `* `, `1. `, `1) `, `1.2. `, `a) `, `(a) `, `IV. `.
pub(crate) fn is_list_marker(line: &str) -> bool {
    let mut chars = line.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if is_bullet(first) {
        return chars.next().is_some_and(char::is_whitespace);
    }
    let body = line.strip_prefix('(').unwrap_or(line);
    // The label: a few digits or letters, dots inside (`1.2`); then `.` or `)`.
    let mut end = None;
    for (n, (i, c)) in body.char_indices().enumerate() {
        let inner_dot = c == '.' && body[i + 1..].starts_with(|d: char| d.is_ascii_digit());
        if n == 12 || !(c.is_alphanumeric() || c == ')' || c == '.') {
            return false;
        }
        if c == ')' || (c == '.' && !inner_dot) {
            end = Some(i);
            break;
        }
    }
    let Some(end) = end else {
        return false;
    };
    let label = &body[..end];
    let delim = body[end..].chars().next();
    let after = body[end..].chars().nth(1);
    if label.is_empty() || !after.is_some_and(char::is_whitespace) {
        return false;
    }
    let numbered = label
        .split('.')
        .all(|part| is_digits(part) && part.len() <= 3);
    let mut letters = label.chars();
    let letter = letters.next().is_some_and(char::is_alphabetic) && letters.next().is_none();
    let roman = is_roman(label) && label.len() <= 5;
    let bracketed = body.len() < line.len();
    match delim {
        Some(')') => numbered || letter || roman,
        Some('.') => !bracketed && (numbered || roman),
        _ => false,
    }
}

/// Cuts `text` at the decided boundaries into trimmed, non-empty ranges.
/// A piece with no letter or digit (`!!!`, `)`, an emoji) after a rule's
/// boundary joins the sentence before it; after a line break it stands alone.
pub(crate) fn cut(text: &str, boundaries: &[(usize, bool)]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut start = 0;
    let mut start_is_layout = true;
    let ends = boundaries.iter().copied().chain([(text.len(), true)]);
    for (at, is_layout) in ends {
        let range = trim(text, start..at);
        if !range.is_empty() {
            let wordless = !text[range.clone()].chars().any(is_word_char);
            match out.last_mut() {
                Some(last) if wordless && !start_is_layout => last.end = range.end,
                _ => out.push(range),
            }
        }
        start = at;
        start_is_layout = is_layout;
    }
    out
}

/// `range` without leading and trailing whitespace.
pub(crate) fn trim(text: &str, range: Range<usize>) -> Range<usize> {
    let s = &text[range.clone()];
    let lead = s.len() - s.trim_start().len();
    let trimmed = s.trim();
    let start = range.start + lead;
    start..start + trimmed.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_markers() {
        for yes in [
            "- a",
            "– a",
            "— Сәлем",
            "• x",
            "* x",
            "1. Бір",
            "12) x",
            "1.2. x",
            "1.2) x",
            "a) x",
            "ә) x",
            "(a) x",
            "(1) x",
            "IV. x",
            "II) x",
        ] {
            assert!(is_list_marker(yes), "{yes:?}");
        }
        for no in [
            "-a",
            "1.5 млн",
            "2026. x",
            "1.x",
            "ab) x",
            "Mr. x",
            "a. x",
            "(a. x",
            "x",
            "",
            "1)",
            "1234) x",
            "(1.2. x",
        ] {
            assert!(!is_list_marker(no), "{no:?}");
        }
    }

    #[test]
    fn stop_runs() {
        assert_eq!(stop_run("?»). x", 0), (5, StopKind::Strong));
        assert_eq!(stop_run("...x", 0), (3, StopKind::Ellipsis));
        assert_eq!(stop_run(".» x", 0), (3, StopKind::Period));
        assert_eq!(stop_run(". » x", 0), (4, StopKind::Period));
        assert_eq!(stop_run(". »x", 0), (1, StopKind::Period));
        assert_eq!(stop_run(".». x", 0), (4, StopKind::Period));
        assert_eq!(stop_run("..» x", 0), (4, StopKind::Ellipsis));
    }

    #[test]
    fn cut_merges_wordless_tails() {
        let text = "Hello! !!! - x";
        assert_eq!(cut(text, &[(6, false), (10, true)]), vec![0..10, 11..14]);
    }
}
