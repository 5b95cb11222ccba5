//! BLEU tokenizers of sacrebleu 2.5.1: `13a` (`tokenizer_13a.Tokenizer13a`
//! plus `tokenizer_re.TokenizerRegexp`), `intl`
//! (`tokenizer_intl.TokenizerV14International`), `char` and `none`.
//!
//! sacrebleu runs a few regex substitutions in sequence. Each one is
//! re-expressed as a left-to-right scan that consumes exactly what the regex
//! match would consume, so the non-overlapping semantics of `re.sub` (a
//! character eaten by one match cannot start the next) are preserved.

use super::text::{is_py_space, py_split_spans};
use super::ScoreError;

/// Word tokenizer applied before BLEU n-gram extraction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tokenize {
    /// mteval-v13a, sacrebleu's default (`tok:13a`).
    #[default]
    V13a,
    /// mteval-v14 international tokenization (`tok:intl`).
    Intl,
    /// Every non-space character is a token (`tok:char`).
    Char,
    /// Whitespace splitting only (`tok:none`).
    None,
}

impl Tokenize {
    /// The name sacrebleu uses in signatures and on its command line.
    pub fn name(self) -> &'static str {
        match self {
            Tokenize::V13a => "13a",
            Tokenize::Intl => "intl",
            Tokenize::Char => "char",
            Tokenize::None => "none",
        }
    }
}

impl std::str::FromStr for Tokenize {
    type Err = ScoreError;
    fn from_str(s: &str) -> Result<Self, ScoreError> {
        match s {
            "13a" => Ok(Tokenize::V13a),
            "intl" => Ok(Tokenize::Intl),
            "char" => Ok(Tokenize::Char),
            "none" => Ok(Tokenize::None),
            _ => Err(ScoreError::InvalidOption(format!(
                "unknown tokenizer {s:?}"
            ))),
        }
    }
}

/// Tokens of one segment as byte spans into `buf`.
#[derive(Default)]
pub(crate) struct Tokens {
    pub(crate) buf: Vec<u8>,
    pub(crate) spans: Vec<(u32, u32)>,
}

impl Tokens {
    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }
    pub(crate) fn get(&self, i: usize) -> &[u8] {
        let (a, b) = self.spans[i];
        &self.buf[a as usize..b as usize]
    }
    pub(crate) fn iter(&self) -> impl Iterator<Item = &[u8]> + '_ {
        (0..self.len()).map(move |i| self.get(i))
    }
    /// Re-splits `self.buf` on Python whitespace.
    fn split_buf(&mut self) {
        self.spans.clear();
        let spans = &mut self.spans;
        py_split_spans(&self.buf, |a, b| spans.push((a as u32, b as u32)));
    }
}

/// Reusable buffers for the substitution passes.
#[derive(Default)]
pub(crate) struct Scratch {
    a: Vec<u8>,
    b: Vec<u8>,
    ca: Vec<char>,
    cb: Vec<char>,
}

/// Tokenizes an already lowercased (if requested) and `rstrip`ped line into
/// `out`, i.e. `tokenizer(line).split()` in sacrebleu terms.
pub(crate) fn tokenize_into(tok: Tokenize, line: &str, out: &mut Tokens, sc: &mut Scratch) {
    out.buf.clear();
    match tok {
        Tokenize::V13a => {
            let line = mteval_preprocess(line);
            sc.a.clear();
            sc.a.push(b' ');
            sc.a.extend_from_slice(line.as_bytes());
            sc.a.push(b' ');
            western_passes(&mut sc.a, &mut sc.b, false);
            std::mem::swap(&mut out.buf, &mut sc.a);
        }
        Tokenize::Intl => {
            super::intl::intl_passes(line, &mut sc.ca, &mut sc.cb);
            out.buf.reserve(line.len() * 2);
            let mut tmp = [0u8; 4];
            for &c in &sc.ca {
                out.buf
                    .extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
            }
        }
        Tokenize::Char => {
            // `" ".join(line)` followed by `.split()`: every non-space char.
            out.spans.clear();
            out.buf.extend_from_slice(line.as_bytes());
            for (i, c) in line.char_indices() {
                if !is_py_space(c) {
                    out.spans.push((i as u32, (i + c.len_utf8()) as u32));
                }
            }
            return;
        }
        Tokenize::None => out.buf.extend_from_slice(line.as_bytes()),
    }
    out.split_buf();
}

/// The language-independent part of `Tokenizer13a.__call__`: sequential
/// `str.replace` calls (Rust's `replace` has the same left-to-right,
/// non-overlapping semantics).
fn mteval_preprocess(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.contains("<skipped>") && !line.contains('\n') && !line.contains('&') {
        return std::borrow::Cow::Borrowed(line);
    }
    let mut s = line
        .replace("<skipped>", "")
        .replace("-\n", "")
        .replace('\n', " ");
    if s.contains('&') {
        s = s
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">");
    }
    std::borrow::Cow::Owned(s)
}

/// `[{-~[-` -&(-+:-@/]`: ASCII punctuation/symbols isolated by 13a and tercom.
const PUNCT_13A: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] =
            matches!(c, b'{'..=b'~' | b'['..=b'`' | b' '..=b'&' | b'('..=b'+' | b':'..=b'@' | b'/');
        b += 1;
    }
    t
};

fn is_dot_comma(b: u8) -> bool {
    b == b'.' || b == b','
}

/// The regex substitutions of `TokenizerRegexp` (also used by tercom's
/// normalizer, which adds its possessive rule in between when `possessive`).
/// Input and output are in `a`; `b` is scratch. Working on bytes is exact:
/// every pattern's literal side is ASCII and `[^0-9]` matches any code point,
/// whose UTF-8 bytes are all non-digits. Each pass copies the long runs that
/// cannot match in bulk and only inspects the bytes around `.`, `,` and `-`.
pub(crate) fn western_passes(a: &mut Vec<u8>, b: &mut Vec<u8>, possessive: bool) {
    // ([\{-\~\[-\` -\&\(-\+\:-\@\/]) -> " \1 "
    b.clear();
    let mut i = 0;
    while let Some(k) = a[i..].iter().position(|&x| PUNCT_13A[usize::from(x)]) {
        b.extend_from_slice(&a[i..i + k]);
        b.extend_from_slice(&[b' ', a[i + k], b' ']);
        i += k + 1;
    }
    b.extend_from_slice(&a[i..]);
    std::mem::swap(a, b);
    if possessive {
        // tercom: "'s " -> " 's ", then "'s$" -> " 's"
        b.clear();
        let mut i = 0;
        while i < a.len() {
            if a[i..].starts_with(b"'s ") {
                b.extend_from_slice(b" 's ");
                i += 3;
            } else {
                b.push(a[i]);
                i += 1;
            }
        }
        if b.ends_with(b"'s") {
            b.truncate(b.len() - 2);
            b.extend_from_slice(b" 's");
        }
        std::mem::swap(a, b);
    }
    if a.iter().any(|&x| is_dot_comma(x)) {
        // ([^0-9])([\.,]) -> "\1 \2 ": a match starts one byte before a trigger.
        pair_pass(
            a,
            b,
            is_dot_comma,
            1,
            |x, _| !x.is_ascii_digit(),
            |o, x, y| o.extend_from_slice(&[x, b' ', y, b' ']),
        );
        // ([\.,])([^0-9]) -> " \1 \2": a match starts at a trigger.
        pair_pass(
            a,
            b,
            is_dot_comma,
            0,
            |_, y| !y.is_ascii_digit(),
            |o, x, y| o.extend_from_slice(&[b' ', x, b' ', y]),
        );
    }
    // ([0-9])(-) -> "\1 \2 "
    if a.contains(&b'-') {
        pair_pass(
            a,
            b,
            |x| x == b'-',
            1,
            |x, _| x.is_ascii_digit(),
            |o, x, y| o.extend_from_slice(&[x, b' ', y, b' ']),
        );
    }
}

/// One `re.sub` with a two-character pattern whose character at `lead`
/// (0 or 1) must satisfy `trigger`: scan left to right; on a match emit the
/// replacement and skip both characters, as `re.sub` does.
fn pair_pass(
    a: &mut Vec<u8>,
    b: &mut Vec<u8>,
    trigger: impl Fn(u8) -> bool,
    lead: usize,
    is_match: impl Fn(u8, u8) -> bool,
    emit: impl Fn(&mut Vec<u8>, u8, u8),
) {
    b.clear();
    let mut i = 0;
    // Find the next trigger that can complete a match starting at >= i.
    while let Some(k) = a[i + lead..].iter().position(|&x| trigger(x)) {
        let j = i + k; // match start
        if j + 1 >= a.len() {
            break;
        }
        b.extend_from_slice(&a[i..j]);
        if is_match(a[j], a[j + 1]) {
            emit(b, a[j], a[j + 1]);
            i = j + 2;
        } else {
            b.push(a[j]);
            i = j + 1;
        }
        if i + lead > a.len() {
            break;
        }
    }
    b.extend_from_slice(&a[i.min(a.len())..]);
    std::mem::swap(a, b);
}

/// Convenience for tests and callers: the tokenized line as sacrebleu's
/// tokenizer would return it (tokens joined by single spaces).
pub fn tokenize(tok: Tokenize, line: &str) -> String {
    let mut out = Tokens::default();
    tokenize_into(tok, line, &mut out, &mut Scratch::default());
    let parts: Vec<&str> = out
        .iter()
        .map(|t| std::str::from_utf8(t).unwrap_or_default())
        .collect();
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v13a() {
        let t = |s| tokenize(Tokenize::V13a, s);
        assert_eq!(t("Hello, world!"), "Hello , world !");
        assert_eq!(
            t("It costs $3.50, i.e. 1,000 tenge."),
            "It costs $ 3.50 , i . e . 1,000 tenge ."
        );
        assert_eq!(t("a.. b"), "a . . b");
        assert_eq!(t("2020-2021 «Қазақстан»"), "2020 - 2021 «Қазақстан»");
        assert_eq!(t("x &amp;lt; y<skipped>"), "x < y");
        assert_eq!(t(""), "");
    }

    #[test]
    fn intl() {
        let t = |s| tokenize(Tokenize::Intl, s);
        assert_eq!(t("«Сәлем», — деді ол."), "« Сәлем » , — деді ол .");
        assert_eq!(t("1,000.5 $5 (x)"), "1,000.5 $ 5 ( x )");
        assert_eq!(t("a+b=c"), "a + b = c");
        assert_eq!(t("Year 2020."), "Year 2020.");
    }

    #[test]
    fn char_and_none() {
        assert_eq!(tokenize(Tokenize::Char, "әб в"), "ә б в");
        assert_eq!(tokenize(Tokenize::None, " a\u{a0}b  c"), "a b c");
    }
}
