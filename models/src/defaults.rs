//! The default model for each translation direction between kk, ru and en.
//!
//! Licences: the Helsinki-NLP OPUS-MT models are CC-BY-4.0, deepvk's kazRush
//! models Apache-2.0. Scores are FLORES-200 devtest chrF as published on the
//! model cards.

/// A Hugging Face Hub model used by default for one direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefaultModel {
    /// Source language (ISO 639-1).
    pub src: &'static str,
    /// Target language (ISO 639-1).
    pub tgt: &'static str,
    /// Hub repository id.
    pub repo: &'static str,
    /// Token that multi-target models need at the start of the source.
    pub target_token: Option<&'static str>,
}

const TABLE: [DefaultModel; 6] = [
    DefaultModel {
        src: "kk",
        tgt: "en",
        repo: "Helsinki-NLP/opus-mt-tc-bible-big-trk-deu_eng_fra_por_spa",
        target_token: Some(">>eng<<"),
    },
    DefaultModel {
        src: "en",
        tgt: "kk",
        repo: "Helsinki-NLP/opus-mt-tc-bible-big-deu_eng_fra_por_spa-trk",
        target_token: Some(">>kaz<<"),
    },
    DefaultModel {
        src: "kk",
        tgt: "ru",
        repo: "deepvk/kazRush-kk-ru",
        target_token: None,
    },
    DefaultModel {
        src: "ru",
        tgt: "kk",
        repo: "deepvk/kazRush-ru-kk",
        target_token: None,
    },
    DefaultModel {
        src: "ru",
        tgt: "en",
        repo: "Helsinki-NLP/opus-mt-tc-big-zle-en",
        target_token: None,
    },
    DefaultModel {
        src: "en",
        tgt: "ru",
        repo: "Helsinki-NLP/opus-mt-tc-big-en-zle",
        target_token: Some(">>rus<<"),
    },
];

/// The default model for `src → tgt`, if shanyraq has one.
pub fn default_model(src: &str, tgt: &str) -> Option<&'static DefaultModel> {
    TABLE.iter().find(|m| m.src == src && m.tgt == tgt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_direction_between_corpus_languages_has_a_model() {
        for src in ["kk", "ru", "en"] {
            for tgt in ["kk", "ru", "en"] {
                assert_eq!(
                    default_model(src, tgt).is_some(),
                    src != tgt,
                    "{src}->{tgt}"
                );
            }
        }
    }
}
