//! Step 5 of reading a PDF's layout: a paragraph's lines joined into one,
//! with the words its line ends hyphenate joined or kept.

use std::collections::HashSet;

/// Whether a line ends in a hyphen that splits a word (`прези-`), not a
/// dash standing apart (`сөз –`).
pub(super) fn hyphenated(text: &str) -> bool {
    let mut rev = text.chars().rev();
    matches!(rev.next(), Some('-' | '\u{2010}' | '\u{AD}'))
        && rev.next().is_some_and(char::is_alphanumeric)
}

/// What the document says about the words its line ends hyphenate:
/// whether a hyphen at a line end split a word (`государ-ственный`) or is
/// part of it (`Нью-Йорк`, `жан-жақты`). PDF writers draw the hyphen of a
/// soft hyphen as a plain one, so the text alone must tell.
pub(super) struct Hyphens {
    /// Every word of the document in lower case, sorted.
    words: Vec<String>,
    /// The words written with a hyphen inside a line, in lower case.
    compounds: HashSet<String>,
    /// Whether a split with no evidence either way is joined: the document
    /// hyphenates words at line ends more often than it breaks compounds.
    join_unknown: bool,
}

impl Hyphens {
    pub(super) fn new(texts: &[&str]) -> Hyphens {
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
            match hyphens.evidence(pair[0], pair[1]) {
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
    pub(super) fn evidence(&self, line: &str, next: &str) -> Option<bool> {
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

    pub(super) fn splits_word(&self, line: &str, next: &str) -> bool {
        self.evidence(line, next).unwrap_or(self.join_unknown)
    }
}

/// The letters before a line's final hyphen, and the hyphen.
pub(super) fn split_hyphen(line: &str) -> (&str, char) {
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
pub(super) fn join(lines: &[&str], hyphens: &Hyphens) -> String {
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

    #[test]
    fn hyphens_at_line_ends_join_split_words_and_keep_compounds() {
        // The document writes the whole word elsewhere: a split.
        let doc = ["Президент сөйледі, прези-", "дентке сұрақ", "Нью-", "Йорк"];
        let h = Hyphens::new(&doc);
        assert_eq!(join(&["прези-", "дентке"], &h), "президентке");
        assert_eq!(join(&["Нью-", "Йорк"], &h), "Нью-Йорк");
        assert_eq!(join(&["1990-", "жылдары"], &h), "1990-жылдары");
        assert_eq!(join(&["сөз –", "деді"], &h), "сөз – деді");
        // A compound the document writes with its hyphen stays one.
        let doc = ["жан-жақты түсіндірді", "жан-", "жақты"];
        assert_eq!(join(&["жан-", "жақты"], &Hyphens::new(&doc)), "жан-жақты");
        // No evidence: as the document does elsewhere.
        let plain = Hyphens::new(&["бұрын-", "соңды"]);
        assert_eq!(join(&["бұрын-", "соңды"], &plain), "бұрын-соңды");
        let hyphenating = ["үдеріс үдер-", "ісі", "мемле-", "кеттік мемлекет"];
        assert_eq!(
            join(&["бұрын-", "соңды"], &Hyphens::new(&hyphenating)),
            "бұрынсоңды"
        );
        // A soft hyphen always splits a word.
        assert_eq!(join(&["сапар\u{AD}", "мен"], &plain), "сапармен");
    }
}
