//! The crate's one error type.

use std::path::PathBuf;

/// Errors a translator can return.
///
/// Loading errors name the file, key or field at fault so that a user can
/// tell a missing download from an unsupported checkpoint.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The model cannot be loaded for a reason no more specific variant covers.
    #[error("cannot load model {model}: {reason}")]
    Load {
        /// The model id or directory.
        model: String,
        /// What went wrong, for the user.
        reason: String,
    },
    /// The model was loaded but translation failed.
    #[error("translation with {model} failed: {reason}")]
    Decode {
        /// The model id or directory.
        model: String,
        /// What went wrong, for the user.
        reason: String,
    },
    /// A file the model needs is not in its directory or Hub repository.
    #[error("model {model} has no file {file}")]
    MissingFile {
        /// The model id or directory.
        model: String,
        /// The file name that was looked for (e.g. `config.json`).
        file: String,
    },
    /// Reading a file failed.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A JSON file (config.json, generation_config.json, vocab.json,
    /// tokenizer.json) is malformed or lacks a required field.
    #[error("cannot parse {path}: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// The parser's error, which names the field.
        source: serde_json::Error,
    },
    /// The configuration asks for something this crate does not implement.
    #[error("{path}: unsupported {field} = {value}")]
    Unsupported {
        /// The configuration file.
        path: PathBuf,
        /// The field, e.g. `normalize_before` or `feed_forward_proj`.
        field: String,
        /// Its value as written in the file.
        value: String,
    },
    /// The weights file lacks a tensor, or a tensor has the wrong shape.
    /// candle's message names the key (e.g. `model.encoder.layers.0.fc1.weight`).
    #[error("weights {path}: {source}")]
    Weights {
        /// The weights file.
        path: PathBuf,
        /// candle's error, naming the key.
        source: candle_core::Error,
    },
    /// A tokenizer file is malformed or inconsistent.
    #[error("tokenizer {path}: {reason}")]
    Tokenizer {
        /// The tokenizer file (tokenizer.json, source.spm, vocab.json, ...).
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A token the model needs (target-language token, `</s>`, `<pad>`) is
    /// not in its vocabulary.
    #[error("token {token} is not in the vocabulary of {model}")]
    UnknownToken {
        /// The model id or directory.
        model: String,
        /// The token.
        token: String,
    },
    /// The Hugging Face Hub could not provide a file.
    #[error("cannot fetch {file} of {repo} from the Hugging Face Hub: {reason}")]
    Hub {
        /// The repository id.
        repo: String,
        /// The file.
        file: String,
        /// Why (unreachable, offline with nothing cached, not found...).
        reason: String,
    },
    /// The device asked for cannot be used: not compiled in, or no such GPU.
    #[error("cannot run on {device}: {reason}")]
    Device {
        /// The device, e.g. `cuda:0`.
        device: String,
        /// Why, and what to do.
        reason: String,
    },
    /// A tensor operation failed while running the model.
    #[error("tensor operation failed: {0}")]
    Candle(#[from] candle_core::Error),
}

impl Error {
    /// An [`Error::Io`] for `path`.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// An [`Error::Unsupported`]: `field` of the file at `path` holds
    /// `value`, which this crate does not implement.
    pub(crate) fn unsupported(
        path: impl Into<PathBuf>,
        field: &str,
        value: impl Into<String>,
    ) -> Self {
        Error::Unsupported {
            path: path.into(),
            field: field.into(),
            value: value.into(),
        }
    }

    /// An [`Error::Tokenizer`] for `path`.
    pub(crate) fn tokenizer(path: impl Into<PathBuf>, reason: impl std::fmt::Display) -> Self {
        Error::Tokenizer {
            path: path.into(),
            reason: reason.to_string(),
        }
    }
}

/// Reads a JSON file (config.json, generation_config.json, vocab.json),
/// naming the file in every error.
pub(crate) fn read_json<T: serde::de::DeserializeOwned>(
    path: &std::path::Path,
) -> Result<T, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    serde_json::from_str(&text).map_err(|source| Error::Json {
        path: path.into(),
        source,
    })
}
