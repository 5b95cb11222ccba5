//! Abbreviation classes and the per-language tables the rules consult.
//!
//! An abbreviation's final dot is ambiguous: it may also end the sentence.
//! Instead of one global "abbreviations never end a sentence" list, every
//! entry carries a class that says what its dot means depending on what
//! follows (see [`Abbrev`]). The tables themselves live in `kk.rs`, `ru.rs`,
//! `en.rs` and `generic.rs`.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use crate::lang::Lang;

/// What the dot after an abbreviation means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Abbrev {
    /// Always followed by more of the same sentence, never a sentence end:
    /// titles and words that introduce something (`Mr.`, `Dr.`, `им.`, `ул.`,
    /// `т.е.`, `мыс.`, `қ.` in addresses).
    Prefix,
    /// Usually closes a phrase and may end the sentence: ends it before a
    /// capitalised word, not before a digit or lowercase word (`т.д.`, `т.б.`,
    /// `etc.`, `млн.`, `руб.`).
    Suffix,
    /// Ends a sentence only before a common sentence-starting word (`The`,
    /// `Ол`, `Это`), because it is mostly followed by a name (`St. Louis`,
    /// `Apple Inc. CEO`, `Jan. 5`, `5 p.m. Eastern`).
    BeforeStarter,
    /// An abbreviation only when a number follows (`No. 5`, `p. 12`,
    /// `бет. 5`); before anything else the word is an ordinary word (`No.`
    /// as an answer).
    BeforeNumber,
    /// After a number it is a unit that may end the sentence (`в 2026 г.`,
    /// `1941–1945 гг.`, `XX ғ.`, `200 с.`); elsewhere it introduces a name
    /// and never ends one (`г. Алматы`, `с. Петровка`, `см. выше`).
    Dated,
}

/// The language-specific data of the rules. Keys are written without
/// spaces and without the final dot: `т.е` matches `т.е.` and `т. е.`.
pub(crate) struct LangData {
    /// Abbreviation tables (the language's own, then shared ones) and
    /// their classes; an earlier table wins.
    pub abbrevs: &'static [&'static [(&'static str, Abbrev)]],
    /// Capitalised words that commonly start a sentence: they decide the
    /// ambiguous cases (`U.S. The`, `витамин C. Затем`).
    pub starters: &'static [&'static str],
    /// Lowercase verbs that introduce a speaker after a quotation
    /// (`"Why?" Smith asked.`); empty where attributions start lowercase or
    /// with a dash anyway (Kazakh, Russian).
    pub speech_verbs: &'static [&'static str],
    /// Whether `3.` before a capitalised word is an ordinal (German
    /// `am 3. März`, `der 2. Weltkrieg`), not a sentence end.
    pub ordinal_dot: bool,
}

/// [`LangData`] indexed for lookup.
pub(crate) struct LangRules {
    abbrevs: HashMap<&'static str, Abbrev>,
    starters: HashSet<&'static str>,
    speech_verbs: HashSet<&'static str>,
    /// See [`LangData::ordinal_dot`].
    pub ordinal_dot: bool,
}

impl LangRules {
    fn new(data: &LangData) -> LangRules {
        LangRules {
            abbrevs: data
                .abbrevs
                .iter()
                .rev()
                .flat_map(|table| table.iter().copied())
                .collect(),
            starters: data.starters.iter().copied().collect(),
            speech_verbs: data.speech_verbs.iter().copied().collect(),
            ordinal_dot: data.ordinal_dot,
        }
    }

    /// The rules of `lang`, built once per process.
    pub(crate) fn for_lang(lang: Lang) -> &'static LangRules {
        static KK: OnceLock<LangRules> = OnceLock::new();
        static RU: OnceLock<LangRules> = OnceLock::new();
        static EN: OnceLock<LangRules> = OnceLock::new();
        static DE: OnceLock<LangRules> = OnceLock::new();
        static OTHER: OnceLock<LangRules> = OnceLock::new();
        match lang {
            Lang::Kk => KK.get_or_init(|| LangRules::new(&super::kk::DATA)),
            Lang::Ru => RU.get_or_init(|| LangRules::new(&super::ru::DATA)),
            Lang::En => EN.get_or_init(|| LangRules::new(&super::en::DATA)),
            Lang::De => DE.get_or_init(|| LangRules::new(&super::generic::DATA_DE)),
            Lang::Fr | Lang::Is => OTHER.get_or_init(|| LangRules::new(&super::generic::DATA)),
        }
    }

    /// The class of the abbreviation `key` (no final dot, no spaces), trying
    /// it as written and then with its first letter lowercased, so that a
    /// sentence-initial `См.` or `Т.е.` is found as `см` / `т.е`. Single
    /// capital letters are not lowercased: they are initials.
    pub(crate) fn abbrev(&self, key: &str) -> Option<Abbrev> {
        if let Some(&class) = self.abbrevs.get(key) {
            return Some(class);
        }
        let mut chars = key.chars();
        let first = chars.next()?;
        let rest = chars.as_str();
        if !first.is_uppercase() || rest.is_empty() {
            return None;
        }
        let lowered: String = first.to_lowercase().chain(rest.chars()).collect();
        self.abbrevs.get(lowered.as_str()).copied()
    }

    /// Whether `word` is a verb of saying (`said`, `asked`).
    pub(crate) fn is_speech_verb(&self, word: &str) -> bool {
        self.speech_verbs.contains(word)
    }

    /// Whether `word` commonly starts a sentence.
    pub(crate) fn is_starter(&self, word: &str) -> bool {
        self.starters.contains(word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables() -> [(&'static str, &'static LangData); 5] {
        [
            ("kk", &super::super::kk::DATA),
            ("ru", &super::super::ru::DATA),
            ("en", &super::super::en::DATA),
            ("de", &super::super::generic::DATA_DE),
            ("generic", &super::super::generic::DATA),
        ]
    }

    /// Keys must be written the way the rules build them, or they never match.
    #[test]
    fn keys_are_normalised_and_unique() {
        for (name, data) in tables() {
            for table in data.abbrevs {
                let mut seen = HashSet::new();
                for (key, _) in *table {
                    assert!(!key.is_empty(), "{name}: empty key");
                    assert!(!key.ends_with('.'), "{name}: `{key}` ends with a dot");
                    assert!(!key.contains(char::is_whitespace), "{name}: `{key}`");
                    assert!(seen.insert(key), "{name}: `{key}` listed twice");
                }
            }
            for word in data.starters {
                let first = word.chars().next().unwrap();
                assert!(first.is_uppercase(), "{name}: starter `{word}`");
                assert!(word.chars().all(char::is_alphanumeric), "{name}: `{word}`");
            }
        }
    }

    #[test]
    fn lookup_lowercases_only_longer_keys() {
        let ru = LangRules::for_lang(Lang::Ru);
        assert_eq!(ru.abbrev("См"), Some(Abbrev::Dated));
        assert_eq!(ru.abbrev("Т.е"), Some(Abbrev::Prefix));
        assert_eq!(ru.abbrev("Г"), None);
        assert_eq!(ru.abbrev("г"), Some(Abbrev::Dated));
    }
}
