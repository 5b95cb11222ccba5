//! Character classes shared by the scanner and the rules.
//!
//! Everything here is a pure function of one `char` (or of a short slice), so
//! the rules can stay free of Unicode trivia.

/// A character that can end a sentence: full stop, question and exclamation
/// marks (also the fullwidth and combined forms) and the ellipsis character.
pub(crate) fn is_stop(c: char) -> bool {
    matches!(
        c,
        '.' | '?' | '!' | '…' | '‼' | '⁇' | '⁈' | '⁉' | '？' | '！'
    )
}

/// A stop that ends a sentence by itself (unlike `.`, which may close an
/// abbreviation): question and exclamation marks.
pub(crate) fn is_strong_stop(c: char) -> bool {
    is_stop(c) && c != '.' && c != '…'
}

/// A closing quote or bracket that, written right after a stop, still belongs
/// to the sentence: `«Біз келдік.»`, `(see above.)`, `"Why?"`.
///
/// `"` and `'` are ambiguous (they open and close); they count as closing only
/// when glued to the stop, which is the only place the scanner asks.
pub(crate) fn is_closer(c: char) -> bool {
    matches!(
        c,
        '»' | '"' | '”' | '“' | '’' | '\'' | ')' | ']' | '}' | '›' | '」' | '』'
    )
}

/// An opening quote or bracket, skipped when looking at how the next sentence
/// starts (`«Біз`, `"The`, `(In`). `”` is here too: Kazakh and Swedish texts
/// (and careless typing) open quotes with it.
pub(crate) fn is_opener(c: char) -> bool {
    matches!(
        c,
        '«' | '"'
            | '“'
            | '”'
            | '„'
            | '‘'
            | '\''
            | '('
            | '['
            | '{'
            | '‹'
            | '¿'
            | '¡'
            | '「'
            | '『'
    )
}

/// A dash or hyphen that can open a line of dialogue or a list item.
pub(crate) fn is_dash(c: char) -> bool {
    matches!(c, '-' | '–' | '—' | '‒' | '―' | '−')
}

/// Punctuation that cannot start a sentence; a stop followed by one of these
/// (`etc.,`  written with a space, `т.б. ;`) is not a boundary.
pub(crate) fn is_continuation_punct(c: char) -> bool {
    matches!(c, ',' | ';' | ':' | '%' | '‰') || is_closer(c) && !is_opener(c)
}

/// A bullet that starts a list item when followed by a space.
pub(crate) fn is_bullet(c: char) -> bool {
    is_dash(c)
        || matches!(
            c,
            '•' | '*'
                | '·'
                | '◦'
                | '▪'
                | '▫'
                | '●'
                | '○'
                | '■'
                | '□'
                | '►'
                | '▸'
                | '‣'
                | '⁃'
                | '✓'
                | '✔'
        )
}

/// A letter or digit: what makes a span of text a sentence rather than stray
/// punctuation.
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Whether `s` is a non-empty run of ASCII digits.
pub(crate) fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `s` is an uppercase Roman numeral (`IV`, `XIX`), as in `XIX в.`,
/// `ХХ ғ.` (Cyrillic `Х` and `І` are accepted too: Kazakh and Russian texts
/// often type centuries with them).
pub(crate) fn is_roman(s: &str) -> bool {
    !s.is_empty()
        && s.chars().count() <= 8
        && s.chars()
            .all(|c| matches!(c, 'I' | 'V' | 'X' | 'L' | 'C' | 'D' | 'M' | 'Х' | 'І'))
}

/// Whether `s` looks like a number or a range of numbers: `2026`, `15.03.2026`,
/// `1941–1945`, `2025-2026`, `3,5`, `XIX`, `XIX–XX`.
pub(crate) fn is_numberish(s: &str) -> bool {
    let mut parts = 0;
    for part in s.split(|c: char| is_dash(c) || c == '.' || c == ',' || c == '/') {
        if part.is_empty() {
            continue;
        }
        if !is_digits(part) && !is_roman(part) {
            return false;
        }
        parts += 1;
    }
    parts > 0
}

/// Whether `c` starts a word the way a sentence starts: an uppercase letter.
/// Letters without case (none in kk/ru/en) count as uppercase: a boundary
/// before them is more likely right than wrong.
pub(crate) fn is_capital(c: char) -> bool {
    c.is_uppercase() || (c.is_alphabetic() && !c.is_lowercase())
}

/// Two-letter initials of transliterated names: `Дж. Буш`, `Ch. Aitmatov`.
const DIGRAPH_INITIALS: &[&str] = &["Дж", "Ch", "Sh", "Th", "Zh", "Kh", "Ph"];

/// Whether `token` is one or more initials: single uppercase letters each
/// followed by a dot and optionally a hyphen, the last dot excluded
/// (`Р`, `J.R.R`, `Қ.-Ж`, `U.S.A`, `J.-C`), or a two-letter initial (`Дж`).
pub(crate) fn is_initials(token: &str) -> bool {
    if DIGRAPH_INITIALS.contains(&token) {
        return true;
    }
    let mut letters = 0;
    let mut expect_letter = true;
    let mut chars = token.chars().peekable();
    while let Some(c) = chars.next() {
        if expect_letter {
            if !c.is_uppercase() {
                return false;
            }
            letters += 1;
            expect_letter = false;
        } else {
            if c != '.' {
                return false;
            }
            if chars.peek().copied().is_some_and(is_dash) {
                chars.next();
            }
            expect_letter = true;
        }
    }
    letters > 0 && !expect_letter
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials() {
        for yes in ["Р", "J.R.R", "Қ.-Ж", "U.S.A", "J.-C", "Ә", "Дж"] {
            assert!(is_initials(yes), "{yes}");
        }
        for no in ["", "т.е", "Mr", "US", "J.", "J..R", "Қ.-", "р"] {
            assert!(!is_initials(no), "{no}");
        }
    }

    #[test]
    fn numberish() {
        for yes in ["2026", "15.03.2026", "1941–1945", "XIX", "ХХ", "3,5"] {
            assert!(is_numberish(yes), "{yes}");
        }
        for no in ["", "-", "2026ж", "abc", "Mix"] {
            assert!(!is_numberish(no), "{no}");
        }
    }
}
