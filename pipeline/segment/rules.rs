//! The rules that judge a candidate boundary, applied in sequence.
//!
//! Like a pre-tokenizer `Sequence`, each rule is a small function with one
//! concern. It answers [`Verdict::Split`] or [`Verdict::Keep`] when it is
//! sure, [`Verdict::Pass`] otherwise; the first sure answer wins and a
//! candidate no rule claims is a sentence end. The order is part of the
//! design: generic facts about what follows come first (a lowercase word
//! never starts a sentence), then the strong stops, then the rules about the
//! word before a full stop (enumerators, abbreviations, initials, ordinals).

use super::abbrev::{Abbrev, LangRules};
use super::candidate::{Candidate, StopKind};
use super::chars::{
    is_capital, is_closer, is_continuation_punct, is_digits, is_initials, is_numberish, is_opener,
    is_roman,
};

/// A rule's answer about one candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The candidate ends a sentence.
    Split,
    /// The candidate does not end a sentence.
    Keep,
    /// No opinion: ask the next rule.
    Pass,
}
use Verdict::{Keep, Pass, Split};

/// A rule: looks at a candidate, answers or passes.
type RuleFn = fn(&Candidate<'_>, &LangRules) -> Verdict;

/// The rules, in the order they are asked, with the names that
/// [`super::RuleSegmenter::explain`] reports.
pub(crate) const RULES: &[(&str, RuleFn)] = &[
    ("no_content", no_content),
    ("glued", glued),
    ("continuation", continuation),
    ("attribution", attribution),
    ("ellipsis", ellipsis),
    ("strong_stop", strong_stop),
    ("closed_token", closed_token),
    ("enumerator", enumerator),
    ("abbreviation", abbreviation),
    ("initials", initials),
    ("ordinal", ordinal),
];

/// Asks the rules in order; returns whether to split and which rule decided
/// (`"default"`: none did, and a stop followed by a plausible sentence start
/// is a boundary).
pub(crate) fn judge(c: &Candidate<'_>, lang: &LangRules) -> (bool, &'static str) {
    for &(name, rule) in RULES {
        match rule(c, lang) {
            Split => return (true, name),
            Keep => return (false, name),
            Pass => {}
        }
    }
    (true, "default")
}

/// A sentence needs a letter or a digit: stops with nothing before them
/// (`... and then`, `?!`, a line of dots) join the following text.
fn no_content(c: &Candidate<'_>, _: &LangRules) -> Verdict {
    if c.has_content {
        Pass
    } else {
        Keep
    }
}

/// A stop with no space after it ends a sentence only in the unmistakable
/// case of a missing space in scraped text: an ordinary lowercase word, then
/// a capitalised word (`өтті.Ол`, `done.The`). Numbers (`3.5`), domains
/// (`akorda.kz`), initials (`Р.Василенко`), acronyms (`ASP.NET`) and
/// abbreviations (`г.Алматы`, `ул.Абая`) keep their dot.
fn glued(c: &Candidate<'_>, lang: &LangRules) -> Verdict {
    if !c.glued {
        return Pass;
    }
    let word = c.token.trim_end_matches(is_closer);
    let plain = word.chars().count() >= 2
        && word.chars().all(|ch| ch.is_alphabetic() || ch == '-')
        && word.chars().last().is_some_and(char::is_lowercase);
    let mut next = c.next.word.chars();
    let next_is_word =
        next.next().is_some_and(char::is_uppercase) && next.next().is_some_and(char::is_lowercase);
    if plain && next_is_word && lang.abbrev(word).is_none() {
        Split
    } else {
        Keep
    }
}

/// Nothing starts a sentence with a lowercase word or with `,;:` or a
/// closing bracket: `15. наурызда`, `т.б. және`, `«Кто?» — спросил он`,
/// `Why? he asked`, `wait... what`.
fn continuation(c: &Candidate<'_>, _: &LangRules) -> Verdict {
    match c.next.first {
        None => Pass,
        Some(ch) if is_continuation_punct(ch) => Keep,
        Some(_) if c.next.is_lowercase() => Keep,
        Some(_) => Pass,
    }
}

/// A quotation followed by its speaker and a verb of saying goes on:
/// `"Are you ready?" CNN reported.`, `"We won!" Mr Smith said.` Reads at
/// most four capitalised words ahead. A quotation closed by a full stop
/// does not: an attribution would follow a comma (`"We won," he said.`),
/// so `"We won." He said it twice.` is two sentences (NTREX-128 English
/// has thirteen such, and no attribution after `."`).
fn attribution(c: &Candidate<'_>, lang: &LangRules) -> Verdict {
    if !c.quoted || c.kind == StopKind::Period {
        return Pass;
    }
    let rest = c.next.rest;
    let ahead = &rest[..rest.char_indices().nth(80).map_or(rest.len(), |(i, _)| i)];
    let words = ahead.split(|ch: char| !ch.is_alphanumeric() && ch != '\'');
    for word in words.filter(|w| !w.is_empty()).take(4) {
        if lang.is_speech_verb(word) {
            return Keep;
        }
        if !word.chars().next().is_some_and(char::is_uppercase) {
            break;
        }
    }
    Pass
}

/// An ellipsis ends a sentence only before a capitalised word (possibly in
/// quotes or after a dialogue dash); before a number or a symbol it is a
/// pause or an omission (`1, 2, ... 10`).
fn ellipsis(c: &Candidate<'_>, _: &LangRules) -> Verdict {
    if c.kind != StopKind::Ellipsis {
        return Pass;
    }
    if c.next.first.is_none() || c.next.initial().is_some_and(is_capital) {
        Split
    } else {
        Keep
    }
}

/// `?` and `!` (also `?!`, `!!!`, `?..`) end the sentence unless followed by
/// a continuation (handled above).
fn strong_stop(c: &Candidate<'_>, _: &LangRules) -> Verdict {
    if c.kind == StopKind::Strong {
        Split
    } else {
        Pass
    }
}

/// A full stop after a closing quote or bracket ends the outer sentence,
/// whatever is inside: `«Біз келдік».`, `(т.б.).`, `(U.S.).`
fn closed_token(c: &Candidate<'_>, _: &LangRules) -> Verdict {
    if c.token_closed {
        Split
    } else {
        Pass
    }
}

/// `1.`, `а.`, `IV.` opening a sentence or following `:`/`;` number an item
/// (`1. Жалпы ережелер`, `мыналар: 1. Бір`), they do not end anything.
fn enumerator(c: &Candidate<'_>, _: &LangRules) -> Verdict {
    let t = c.token;
    let short_number = is_digits(t) && t.len() <= 3;
    let letter = t.chars().count() == 1 && t.chars().all(char::is_alphabetic);
    let roman = is_roman(t) && t.len() <= 4;
    if (short_number || letter || roman) && (c.first_in_sentence || c.after_clause) {
        Keep
    } else {
        Pass
    }
}

/// The abbreviation tables. Tries the longest spaced form first (`т. с. с.`,
/// `т. е.`), then the token alone.
fn abbreviation(c: &Candidate<'_>, lang: &LangRules) -> Verdict {
    let Some((class, before)) = find_abbrev(c, lang) else {
        return Pass;
    };
    let next = &c.next;
    let suffix = if next.is_number() { Keep } else { Split };
    // A closing bracket or quote after the dot ends the phrase the
    // abbreviation belonged to: `(approx.) The`, `(см. ниже.) Далее`.
    if c.closed {
        return suffix;
    }
    match class {
        Abbrev::Prefix => Keep,
        Abbrev::Suffix => suffix,
        Abbrev::BeforeStarter => starter_split(c, lang),
        Abbrev::BeforeNumber if next.is_number() => Keep,
        Abbrev::BeforeNumber => Pass,
        Abbrev::Dated if is_numberish(before.trim_matches(|ch| is_opener(ch) || is_closer(ch))) => {
            suffix
        }
        Abbrev::Dated => Keep,
    }
}

/// The abbreviation ending at the candidate and the token before it.
fn find_abbrev<'a>(c: &Candidate<'a>, lang: &LangRules) -> Option<(Abbrev, &'a str)> {
    if c.token.is_empty() {
        return None;
    }
    // Spaced forms: every piece before the token is short and ends in a dot.
    let mut pieces = 0;
    for piece in c.before.iter().take(2) {
        let body = piece.strip_suffix('.').unwrap_or("");
        if body.is_empty() || body.chars().count() > 2 || !body.chars().all(char::is_alphabetic) {
            break;
        }
        pieces += 1;
    }
    for n in (1..=pieces).rev() {
        let mut key = String::new();
        for piece in c.before[..n].iter().rev() {
            key.push_str(piece);
        }
        key.push_str(c.token);
        if let Some(class) = lang.abbrev(&key) {
            return Some((class, c.before.get(n).copied().unwrap_or("")));
        }
    }
    lang.abbrev(c.token).map(|class| (class, c.before[0]))
}

/// Initials and dotted acronyms (`Р.`, `J.R.R.`, `Қ.-Ж.`, `U.S.`): followed
/// by another initial or a capitalised name they belong to it; they end the
/// sentence only before a common sentence-starting word (`U.S. The`). This
/// also saves `витамин C. Затем`, but not a one-letter word before a name
/// (`Plan B. Everyone`): a trade-off, since initials are far more common.
fn initials(c: &Candidate<'_>, lang: &LangRules) -> Verdict {
    // `non-U.S.`, `анти-U.S.`: a lowercase prefix does not change the acronym.
    let token = match c.token.split_once('-') {
        Some((head, tail)) if head.chars().all(char::is_lowercase) => tail,
        _ => c.token,
    };
    if !is_initials(token) {
        return Pass;
    }
    let next = &c.next;
    if next.word_dotted && next.word.chars().count() == 1 {
        return Keep;
    }
    starter_split(c, lang)
}

/// A number's dot before a capitalised word in a language that writes
/// ordinals with a dot (German `am 3. März`) is not a sentence end unless
/// the word is a common sentence start.
fn ordinal(c: &Candidate<'_>, lang: &LangRules) -> Verdict {
    if lang.ordinal_dot && is_digits(c.token) && c.token.len() <= 3 {
        starter_split(c, lang)
    } else {
        Pass
    }
}

/// Split only before a common sentence-starting word.
fn starter_split(c: &Candidate<'_>, lang: &LangRules) -> Verdict {
    if lang.is_starter(c.next.word) {
        Split
    } else {
        Keep
    }
}
