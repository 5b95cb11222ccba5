//! Language codes shanyraq knows.
//!
//! Kazakh, Russian and English have their own segmentation rules and length
//! statistics; German, French and Icelandic appear in the alignment evaluation
//! data and get generic rules.

use std::fmt;
use std::str::FromStr;

/// A language shanyraq can segment and align.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    /// Kazakh (Cyrillic script), the pivot language of a corpus.
    Kk,
    /// Russian.
    Ru,
    /// English.
    En,
    /// German (evaluation data only; generic rules).
    De,
    /// French (evaluation data only; generic rules).
    Fr,
    /// Icelandic (evaluation data only; generic rules).
    Is,
}

/// The three languages of a shanyraq corpus, in column order: the pivot first.
pub const CORPUS_LANGS: [Lang; 3] = [Lang::Kk, Lang::Ru, Lang::En];

impl Lang {
    /// Every supported language, in the order error messages list them.
    pub const ALL: [Lang; 6] = [Lang::Kk, Lang::Ru, Lang::En, Lang::De, Lang::Fr, Lang::Is];

    /// The ISO 639-1 code, as used in file names and `xml:lang`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Kk => "kk",
            Lang::Ru => "ru",
            Lang::En => "en",
            Lang::De => "de",
            Lang::Fr => "fr",
            Lang::Is => "is",
        }
    }

    /// Position of a corpus language in a row (`kk` 0, `ru` 1, `en` 2).
    pub fn column(self) -> Option<usize> {
        CORPUS_LANGS.iter().position(|&l| l == self)
    }

    /// Parses a language tag leniently: case-insensitive, region subtags
    /// ignored (`kk-KZ` and `KK_kz` are Kazakh), ISO 639-2/3 codes accepted.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let lang = match primary.as_str() {
            "kk" | "kaz" => Lang::Kk,
            "ru" | "rus" => Lang::Ru,
            "en" | "eng" => Lang::En,
            "de" | "deu" | "ger" => Lang::De,
            "fr" | "fra" | "fre" => Lang::Fr,
            "is" | "isl" | "ice" => Lang::Is,
            _ => return None,
        };
        Some(lang)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A language code that shanyraq does not support.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported language code `{code}`; supported: kk, ru, en, de, fr, is")]
pub struct UnknownLang {
    /// The code as the user typed it.
    pub code: String,
}

impl FromStr for Lang {
    type Err = UnknownLang;

    fn from_str(s: &str) -> Result<Lang, UnknownLang> {
        Lang::from_tag(s).ok_or_else(|| UnknownLang {
            code: s.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_lenient() {
        assert_eq!("kk-KZ".parse::<Lang>().unwrap(), Lang::Kk);
        assert_eq!("RU".parse::<Lang>().unwrap(), Lang::Ru);
        assert_eq!("eng".parse::<Lang>().unwrap(), Lang::En);
    }

    #[test]
    fn unknown_code_lists_supported() {
        let err = "xx".parse::<Lang>().unwrap_err().to_string();
        assert!(err.contains("`xx`") && err.contains("kk, ru, en"), "{err}");
    }
}
