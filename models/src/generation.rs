//! `generation_config.json`: the decoding defaults a checkpoint ships
//! (`num_beams`, `max_length`, `bad_words_ids`, ...), read tolerantly; fields
//! this crate cannot honour are errors naming the field.

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::decode::{EarlyStopping, MaxLength, SearchParams};
use crate::error::Error;

/// The generation fields this crate reads. Every field is optional, and
/// `null` means absent (transformers writes `"forced_eos_token_id": null`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GenerationConfig {
    /// Beam size.
    pub num_beams: Option<usize>,
    /// Decoder length bound, start token included.
    pub max_length: Option<usize>,
    /// Bound on generated tokens; overrides `max_length` as in HF.
    pub max_new_tokens: Option<usize>,
    /// Decoder length below which EOS is forbidden.
    pub min_length: Option<usize>,
    /// Exponent of the length normalisation.
    pub length_penalty: Option<f32>,
    /// `true`, `false` or `"never"`.
    pub early_stopping: Option<Value>,
    /// Token forced at the last position: an id or a one-element list.
    pub forced_eos_token_id: Option<Value>,
    /// Banned token sequences; only single tokens are supported.
    pub bad_words_ids: Option<Vec<Vec<u32>>>,
    /// Log-softmax again after the logits processors.
    pub renormalize_logits: Option<bool>,
    /// Sampling is not implemented; `true` is refused.
    pub do_sample: Option<bool>,
    /// More than one returned sequence is not implemented.
    pub num_return_sequences: Option<usize>,
}

impl GenerationConfig {
    /// Reads `path`; `from_model_config` is true for `config.json`, whose
    /// many other fields are ignored.
    pub fn from_file(path: &Path) -> Result<Self, Error> {
        crate::error::read_json(path)
    }

    /// The search settings this file asks for, on top of transformers'
    /// `GenerationConfig` defaults; `path` names the file in errors.
    pub fn search_params(&self, path: &Path) -> Result<SearchParams, Error> {
        let unsupported = |field: &str, value: String| Error::unsupported(path, field, value);
        if self.do_sample == Some(true) {
            return Err(unsupported("do_sample", "true".into()));
        }
        if self.num_return_sequences.is_some_and(|n| n > 1) {
            return Err(unsupported(
                "num_return_sequences",
                format!("{:?}", self.num_return_sequences),
            ));
        }
        let mut p = SearchParams::default();
        if let Some(n) = self.num_beams {
            p.beam_size = n.max(1);
        }
        if let Some(n) = self.max_length {
            p.max_length = MaxLength::Absolute(n);
        }
        if let Some(n) = self.max_new_tokens {
            // One decoder start token precedes the new ones.
            p.max_length = MaxLength::Absolute(n + 1);
        }
        if let Some(n) = self.min_length {
            p.min_length = n;
        }
        if let Some(lp) = self.length_penalty {
            p.length_penalty = lp;
        }
        p.early_stopping = match &self.early_stopping {
            None | Some(Value::Bool(false)) | Some(Value::Null) => EarlyStopping::Heuristic,
            Some(Value::Bool(true)) => EarlyStopping::Eager,
            Some(Value::String(s)) if s == "never" => EarlyStopping::Never,
            Some(v) => return Err(unsupported("early_stopping", v.to_string())),
        };
        p.forced_eos = match &self.forced_eos_token_id {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => n.as_u64().map(|n| n as u32),
            Some(Value::Array(a)) if a.len() == 1 => a[0].as_u64().map(|n| n as u32),
            Some(v) => return Err(unsupported("forced_eos_token_id", v.to_string())),
        };
        for seq in self.bad_words_ids.iter().flatten() {
            match seq.as_slice() {
                [t] => p.bad_words.push(*t),
                _ => {
                    return Err(unsupported(
                        "bad_words_ids",
                        format!("{seq:?} (only single tokens)"),
                    ))
                }
            }
        }
        p.renormalize_logits = self.renormalize_logits.unwrap_or(false);
        Ok(p)
    }
}
