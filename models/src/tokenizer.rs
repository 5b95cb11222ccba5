//! Text ↔ ids. A model directory either ships `tokenizer.json` (read with
//! the `tokenizers` crate) or, like every OPUS-MT repository, only
//! `source.spm`, `target.spm` and `vocab.json`, which [`MarianTokenizer`]
//! handles as transformers' `MarianTokenizer` does; a T5 repository with only
//! `spiece.model` gets the SentencePiece ids directly.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::spm::{SpmModel, SPACE};

/// transformers' `MarianTokenizer` (v5.24) over SentencePiece models read
/// by [`SpmModel`]: a leading `>>xxx<<` language label is split off, the
/// rest segmented by the source model, pieces mapped through `vocab.json`
/// (unknown → `<unk>`), `</s>` appended.
#[derive(Debug, Clone)]
pub struct MarianTokenizer {
    source: SpmModel,
    vocab: HashMap<String, u32>,
    inverse: HashMap<u32, String>,
    unk: u32,
    eos: u32,
    special: Vec<u32>,
}

impl MarianTokenizer {
    /// Reads `source.spm` and `vocab.json` (`target.spm` is not needed:
    /// with a shared vocabulary transformers decodes with the source model,
    /// and decoding only joins pieces).
    pub fn from_files(source_spm: &Path, vocab_json: &Path) -> Result<Self, Error> {
        let source = SpmModel::from_file(source_spm)?;
        let vocab: HashMap<String, u32> = crate::error::read_json(vocab_json)?;
        let get = |t: &str| {
            vocab.get(t).copied().ok_or_else(|| {
                Error::tokenizer(vocab_json, format!("{t} is not in the vocabulary"))
            })
        };
        let (unk, eos) = (get("<unk>")?, get("</s>")?);
        let special = ["<unk>", "</s>", "<pad>"]
            .iter()
            .filter_map(|t| vocab.get(*t).copied())
            .collect();
        let inverse = vocab.iter().map(|(k, &v)| (v, k.clone())).collect();
        Ok(Self {
            source,
            vocab,
            inverse,
            unk,
            eos,
            special,
        })
    }

    /// `MarianTokenizer.remove_language_code`: a text that starts with `>>`
    /// and contains `<<` has its label cut off up to that `<<`.
    fn split_language_code(text: &str) -> (Option<&str>, &str) {
        if text.starts_with(">>") {
            if let Some(end) = text.find("<<") {
                return (Some(&text[..end + 2]), &text[end + 2..]);
            }
        }
        (None, text)
    }

    /// Ids of `text` followed by `</s>`.
    pub fn encode(&self, text: &str) -> Result<Vec<u32>, String> {
        let (code, rest) = Self::split_language_code(text);
        let id = |p: &str| self.vocab.get(p).copied().unwrap_or(self.unk);
        let mut ids: Vec<u32> = code.into_iter().map(id).collect();
        ids.extend(self.source.encode(rest)?.iter().map(|p| id(p)));
        ids.push(self.eos);
        Ok(ids)
    }

    /// `decode(ids, skip_special_tokens=True)`: special tokens dropped,
    /// pieces joined, `▁` turned into spaces, the ends stripped.
    pub fn decode(&self, ids: &[u32]) -> String {
        let joined: String = ids
            .iter()
            .filter(|id| !self.special.contains(id))
            .filter_map(|id| self.inverse.get(id).map(String::as_str))
            .collect();
        joined.replace(SPACE, " ").trim().to_string()
    }

    /// The id of a vocabulary entry.
    pub fn token_to_id(&self, token: &str) -> Option<u32> {
        self.vocab.get(token).copied()
    }
}

/// A tokenizer read from a model directory.
#[derive(Debug, Clone)]
pub enum TextTokenizer {
    /// `tokenizer.json`.
    Json(Box<tokenizers::Tokenizer>),
    /// OPUS-MT `source.spm` + `vocab.json`.
    Marian(Box<MarianTokenizer>),
    /// A lone SentencePiece model (`spiece.model`): ids are piece ids, `</s>`
    /// appended.
    Spm {
        /// The model.
        model: Box<SpmModel>,
        /// Id of `</s>`.
        eos: u32,
        /// Id of `<unk>`.
        unk: u32,
    },
}

/// Where each tokenizer file of a model is, when it has it.
#[derive(Debug, Clone, Default)]
pub struct TokenizerFiles {
    /// `tokenizer.json`.
    pub tokenizer_json: Option<PathBuf>,
    /// `source.spm`.
    pub source_spm: Option<PathBuf>,
    /// `vocab.json`.
    pub vocab_json: Option<PathBuf>,
    /// `spiece.model`.
    pub spiece_model: Option<PathBuf>,
}

impl TextTokenizer {
    /// Picks `tokenizer.json` first, then the Marian files, then `spiece.model`.
    pub fn load(files: &TokenizerFiles, model: &str) -> Result<Self, Error> {
        if let Some(path) = &files.tokenizer_json {
            let tok =
                tokenizers::Tokenizer::from_file(path).map_err(|e| Error::tokenizer(path, e))?;
            return Ok(Self::Json(Box::new(tok)));
        }
        if let (Some(spm), Some(vocab)) = (&files.source_spm, &files.vocab_json) {
            return Ok(Self::Marian(Box::new(MarianTokenizer::from_files(
                spm, vocab,
            )?)));
        }
        if let Some(path) = &files.spiece_model {
            let model = SpmModel::from_file(path)?;
            let eos = model
                .piece_to_id("</s>")
                .ok_or_else(|| Error::tokenizer(path, "no </s> piece"))?;
            let unk = model
                .piece_to_id("<unk>")
                .ok_or_else(|| Error::tokenizer(path, "no <unk> piece"))?;
            return Ok(Self::Spm {
                model: Box::new(model),
                eos,
                unk,
            });
        }
        Err(Error::MissingFile {
            model: model.into(),
            file: "tokenizer.json (or source.spm + vocab.json, or spiece.model)".into(),
        })
    }

    /// Ids of `text` with the model's special tokens (`</s>`).
    pub fn encode(&self, text: &str) -> Result<Vec<u32>, String> {
        self.encode_with(text, true)
    }

    /// Ids of `text`, with or without the special tokens `tokenizer.json`'s
    /// template adds (the other tokenizers always append `</s>`).
    pub fn encode_with(&self, text: &str, specials: bool) -> Result<Vec<u32>, String> {
        match self {
            Self::Json(t) => Ok(t
                .encode(text, specials)
                .map_err(|e| e.to_string())?
                .get_ids()
                .to_vec()),
            Self::Marian(t) => t.encode(text),
            Self::Spm { model, eos, unk } => {
                let mut ids: Vec<u32> = model
                    .encode(text)?
                    .iter()
                    .map(|p| model.piece_to_id(p).unwrap_or(*unk))
                    .collect();
                ids.push(*eos);
                Ok(ids)
            }
        }
    }

    /// Text of `ids`, special tokens skipped.
    pub fn decode(&self, ids: &[u32]) -> Result<String, String> {
        match self {
            Self::Json(t) => t.decode(ids, true).map_err(|e| e.to_string()),
            Self::Marian(t) => Ok(t.decode(ids)),
            Self::Spm { model, .. } => {
                let joined: String = ids
                    .iter()
                    .filter(|&&i| !model.is_special(i as usize))
                    .filter_map(|&i| model.piece(i as usize))
                    .collect();
                Ok(joined.replace(SPACE, " ").trim().to_string())
            }
        }
    }

    /// The language labels of the vocabulary (`>>kaz<<`, `>>kaz_Cyrl<<`),
    /// sorted.
    pub fn labels(&self) -> Vec<String> {
        let is_label = |t: &str| t.len() > 4 && t.starts_with(">>") && t.ends_with("<<");
        let mut out: Vec<String> = match self {
            Self::Json(t) => t
                .get_vocab(true)
                .into_keys()
                .filter(|t| is_label(t))
                .collect(),
            Self::Marian(t) => t.vocab.keys().filter(|t| is_label(t)).cloned().collect(),
            Self::Spm { model, .. } => (0..model.len())
                .filter_map(|i| model.piece(i))
                .filter(|t| is_label(t))
                .map(str::to_string)
                .collect(),
        };
        out.sort();
        out
    }

    /// The id of a vocabulary entry (e.g. a `>>kaz<<` label).
    pub fn token_to_id(&self, token: &str) -> Option<u32> {
        match self {
            Self::Json(t) => t.token_to_id(token),
            Self::Marian(t) => t.token_to_id(token),
            Self::Spm { model, .. } => model.piece_to_id(token),
        }
    }
}
