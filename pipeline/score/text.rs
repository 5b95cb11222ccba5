//! Python `str` semantics that sacrebleu relies on implicitly: `str.split()`,
//! `str.rstrip()` and `str.lower()`. Rust's own notions differ in small ways
//! (e.g. `char::is_whitespace` excludes U+001C..U+001F, and Rust's Unicode
//! tables are newer than CPython 3.11's), and any difference changes scores.

use std::borrow::Cow;

/// Python's `str.isspace()` set (bidi classes WS/B/S plus category Zs), which
/// is what `str.split()` and `str.rstrip()` without arguments use.
pub(crate) fn is_py_space(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | '\u{1c}'..='\u{20}'
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// All non-ASCII Python whitespace lives in U+0085..U+3000 (2 or 3 bytes).
#[cold]
fn py_space_len_multibyte(b: &[u8], i: usize) -> usize {
    let x = b[i];
    if x == 0xc2 {
        return usize::from(matches!(b.get(i + 1), Some(0x85) | Some(0xa0))) * 2;
    }
    let (Some(&y), Some(&z)) = (b.get(i + 1), b.get(i + 2)) else {
        return 0;
    };
    let c = (u32::from(x & 0x0f) << 12) | (u32::from(y & 0x3f) << 6) | u32::from(z & 0x3f);
    match char::from_u32(c) {
        Some(ch) if is_py_space(ch) => 3,
        _ => 0,
    }
}

/// Byte classes for `py_split_spans`: 0 = part of a token, 1 = ASCII
/// whitespace, 2 = lead byte of a possibly-whitespace multibyte character.
const SPLIT_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match b {
            9..=13 | 0x1c..=0x20 => 1,
            0xc2 | 0xe1..=0xe3 => 2,
            _ => 0,
        };
        b += 1;
    }
    t
};

/// Calls `f(start, end)` for every token of Python's `s.split()`, as byte
/// offsets into `b` (which must be valid UTF-8).
pub(crate) fn py_split_spans(b: &[u8], mut f: impl FnMut(usize, usize)) {
    let mut i = 0;
    let mut start: Option<usize> = None;
    while i < b.len() {
        let w = match SPLIT_CLASS[usize::from(b[i])] {
            0 => 0,
            1 => 1,
            _ => py_space_len_multibyte(b, i),
        };
        if w > 0 {
            if let Some(s) = start.take() {
                f(s, i);
            }
            i += w;
        } else {
            if start.is_none() {
                start = Some(i);
            }
            i += 1;
        }
    }
    if let Some(s) = start {
        f(s, b.len());
    }
}

/// Python's `s.split()` as string slices.
pub(crate) fn py_split(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    py_split_spans(s.as_bytes(), |a, b| out.push(&s[a..b]));
    out
}

/// Python's `s.rstrip()`.
pub(crate) fn py_rstrip(s: &str) -> &str {
    s.trim_end_matches(is_py_space)
}

/// Characters that Rust's (newer) tables lowercase but CPython 3.11's
/// Unicode 14.0 `str.lower()` leaves alone (they were assigned later).
fn lower_exception(c: char) -> bool {
    matches!(
        c,
        '\u{1c89}'
            | '\u{a7cb}'
            | '\u{a7cc}'
            | '\u{a7ce}'
            | '\u{a7d2}'
            | '\u{a7d4}'
            | '\u{a7da}'
            | '\u{a7dc}'
            | '\u{10d50}'..='\u{10d65}'
            | '\u{16ea0}'..='\u{16eb8}'
    )
}

/// Python's `s.lower()` (full case mapping with the Final_Sigma rule, which
/// `str::to_lowercase` also implements).
pub(crate) fn py_lower(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    if !s.chars().any(lower_exception) {
        return s.to_lowercase();
    }
    // Python treats the exception characters as unassigned: neither cased nor
    // case-ignorable. Lowercasing the runs between them separately therefore
    // gives the same Final_Sigma context as Python.
    let mut out = String::with_capacity(s.len());
    let mut run_start = 0;
    for (i, c) in s.char_indices() {
        if lower_exception(c) {
            out.push_str(&s[run_start..i].to_lowercase());
            out.push(c);
            run_start = i + c.len_utf8();
        }
    }
    out.push_str(&s[run_start..].to_lowercase());
    out
}

/// `py_lower` when `lowercase` is set, the text unchanged otherwise.
pub(crate) fn maybe_lower(s: &str, lowercase: bool) -> Cow<'_, str> {
    if lowercase {
        Cow::Owned(py_lower(s))
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_matches_python_whitespace() {
        assert_eq!(
            py_split(" a\u{1c}b\u{a0}c\u{3000}d  "),
            ["a", "b", "c", "d"]
        );
        assert_eq!(py_split("\u{200b}x"), ["\u{200b}x"]); // ZWSP is not whitespace
        assert!(py_split(" \t\n").is_empty());
        assert_eq!(py_split("әлем\u{2028}мир"), ["әлем", "мир"]);
    }

    #[test]
    fn rstrip_and_lower() {
        assert_eq!(py_rstrip("ab \u{1f}\u{85}"), "ab");
        assert_eq!(py_lower("ӘҒҚҢӨҰҮҺІ Σ"), "әғқңөұүһі σ");
        assert_eq!(py_lower("ΑΣ ΑΣ"), "ας ας");
        assert_eq!(py_lower("A\u{a7cb}B"), "a\u{a7cb}b");
    }
}
