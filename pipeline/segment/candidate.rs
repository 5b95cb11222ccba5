//! A candidate boundary and the context the rules look at.
//!
//! All look-around is bounded by small constants ([`MAX_TOKEN`],
//! [`MAX_GAP`]) so that judging one candidate costs O(1) whatever the input:
//! a 1 MB token or a 1 MB run of spaces cannot make segmentation quadratic.

use super::chars::{is_dash, is_opener, is_word_char};

/// The longest token (in chars) the rules look at; longer ones are URLs or
/// junk and are treated as ordinary words.
pub(crate) const MAX_TOKEN: usize = 64;
/// The longest run of whitespace (in chars) skipped when looking back.
pub(crate) const MAX_GAP: usize = 64;

/// What kind of stop the candidate ends with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StopKind {
    /// A single `.`: may also close an abbreviation, an initial or a number.
    Period,
    /// `…`, `...` (or `..`): a pause as often as an end.
    Ellipsis,
    /// Contains `?` or `!` (`?!`, `!!!`, `?..`).
    Strong,
}

/// A possible sentence end: a run of stops, the closing quotes and brackets
/// glued to it, and its surroundings.
#[derive(Debug, Clone)]
pub(crate) struct Candidate<'a> {
    /// The stop run.
    pub kind: StopKind,
    /// No whitespace after the run: the next sentence would start right
    /// after it (`келді.Ол`).
    pub glued: bool,
    /// The word right before the stop, opening quotes/brackets stripped;
    /// empty after whitespace or when longer than [`MAX_TOKEN`].
    pub token: &'a str,
    /// The token ends with a closing quote or bracket (`(т.б.).`,
    /// `«Біз келдік».`): the stop ends the outer sentence.
    pub token_closed: bool,
    /// Up to three whitespace-separated tokens before `token`, nearest
    /// first (for `т. е.` written with spaces, and `2026 г.`).
    pub before: [&'a str; 3],
    /// The token is the first word of the sentence being built.
    pub first_in_sentence: bool,
    /// The token follows `:` or `;` (an inline enumeration: `мыналар: 1. Бір`).
    pub after_clause: bool,
    /// A letter or digit occurs between the last boundary and the stop.
    pub has_content: bool,
    /// A closing quote is part of the stop run (`?"`, `.»`).
    pub quoted: bool,
    /// A closing quote or bracket is part of the stop run (`.)`, `.»`).
    pub closed: bool,
    /// What follows.
    pub next: Next<'a>,
}

/// What follows a candidate.
#[derive(Debug, Clone, Default)]
pub(crate) struct Next<'a> {
    /// The first non-whitespace character; `None` at the end of the paragraph.
    pub first: Option<char>,
    /// The first word after skipping whitespace, opening quotes/brackets and
    /// dashes (letters and digits); empty if something else comes first.
    pub word: &'a str,
    /// A dot right after `word` (`Б.` in `А. Б. Иванов`).
    pub word_dotted: bool,
    /// The text from `word` on, for rules that read a few words ahead
    /// (they must bound how far they read).
    pub rest: &'a str,
}

impl Next<'_> {
    /// The first character of the next word.
    pub fn initial(&self) -> Option<char> {
        self.word.chars().next()
    }

    /// The next word starts with a digit.
    pub fn is_number(&self) -> bool {
        self.initial().is_some_and(|c| c.is_ascii_digit())
    }

    /// The next word starts with a lowercase letter.
    pub fn is_lowercase(&self) -> bool {
        self.initial().is_some_and(char::is_lowercase)
    }
}

/// The token (run of non-whitespace) that ends at `end`, at most
/// [`MAX_TOKEN`] chars; `None` if it is longer.
pub(crate) fn token_before(text: &str, end: usize) -> Option<&str> {
    let head = &text[..end];
    let mut start = end;
    for (n, (i, c)) in head.char_indices().rev().enumerate() {
        if c.is_whitespace() {
            break;
        }
        if n == MAX_TOKEN {
            return None;
        }
        start = i;
    }
    Some(&text[start..end])
}

/// The position of the last non-whitespace char before `end`, skipping at
/// most [`MAX_GAP`] whitespace chars; `None` at the start or past the limit.
pub(crate) fn skip_space_back(text: &str, end: usize) -> Option<usize> {
    for (n, (i, c)) in text[..end].char_indices().rev().enumerate() {
        if !c.is_whitespace() {
            return Some(i + c.len_utf8());
        }
        if n == MAX_GAP {
            return None;
        }
    }
    None
}

/// Up to three tokens before position `start` (nearest first); empty strings
/// where there are none.
pub(crate) fn tokens_before(text: &str, mut start: usize) -> [&str; 3] {
    let mut out = [""; 3];
    for slot in &mut out {
        let Some(end) = skip_space_back(text, start) else {
            break;
        };
        let Some(token) = token_before(text, end) else {
            break;
        };
        *slot = token;
        start = end - token.len();
    }
    out
}

/// Looks at what follows position `from` (the end of a candidate).
pub(crate) fn next_after(text: &str, from: usize) -> Next<'_> {
    let rest = &text[from..];
    let Some(offset) = rest.find(|c: char| !c.is_whitespace()) else {
        return Next::default();
    };
    let rest = &rest[offset..];
    let first = rest.chars().next();
    // Skip a few openers and dashes (with spaces between): `— «Біз`.
    let mut word_start = None;
    for (n, (i, c)) in rest.char_indices().enumerate() {
        if is_word_char(c) {
            word_start = Some(i);
            break;
        }
        if n == 8 || !(is_opener(c) || is_dash(c) || c.is_whitespace()) {
            break;
        }
    }
    let Some(word_start) = word_start else {
        return Next {
            first,
            ..Next::default()
        };
    };
    let tail = &rest[word_start..];
    let mut word_end = tail.len();
    for (n, (i, c)) in tail.char_indices().enumerate() {
        if !is_word_char(c) || n == MAX_TOKEN {
            word_end = i;
            break;
        }
    }
    Next {
        first,
        word: &tail[..word_end],
        word_dotted: tail[word_end..].starts_with('.'),
        rest: tail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_before_handles_starts_and_spaces() {
        let text = "и т. е. x";
        let end = text.rfind(" x").unwrap();
        assert_eq!(token_before(text, end), Some("е."));
        assert_eq!(tokens_before(text, end - "е.".len()), ["т.", "и", ""]);
        assert_eq!(token_before("", 0), Some(""));
        let long = "a".repeat(MAX_TOKEN + 1);
        assert_eq!(token_before(&long, long.len()), None);
    }

    #[test]
    fn next_skips_openers_and_dashes() {
        let n = next_after("x. — «Біз келдік", 2);
        assert_eq!(n.first, Some('—'));
        assert_eq!(n.word, "Біз");
        let n = next_after(". А. Б. Иванов", 1);
        assert!(n.word == "А" && n.word_dotted);
        let n = next_after(".   ", 1);
        assert!(n.first.is_none() && n.word.is_empty());
        let n = next_after(". , и", 1);
        assert_eq!((n.first, n.word), (Some(','), ""));
    }
}
