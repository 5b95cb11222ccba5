//! `shanyraq-models`: sequence-to-sequence translation for shanyraq, usable on
//! its own.
//!
//! The pipeline reaches models through one interface, [`Translator`]: a batch
//! of source sentences in, one scored hypothesis per sentence out. The candle
//! implementations of Marian and T5, tokenizer loading and Hub download land
//! behind this interface (see the translation engine issue); until then the
//! crate holds the interface and the table of default models per direction.

#![deny(missing_docs)]

mod defaults;

pub use defaults::{default_model, DefaultModel};

/// One translation of one source sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Hypothesis {
    /// The detokenized target text.
    pub text: String,
    /// Sum of the token log-probabilities, after any length penalty.
    pub score: f32,
}

/// Errors a translator can return.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The model cannot be loaded: a file is missing or malformed.
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
}

/// Translates batches of sentences in one direction.
pub trait Translator: Send {
    /// A stable identifier of the model, such as `repo@revision`, recorded in
    /// the output next to every segment it produced.
    fn model_id(&self) -> &str;

    /// Translates every sentence; the result has one hypothesis per input, in
    /// input order. Empty input sentences give empty hypotheses.
    fn translate(&mut self, sentences: &[&str]) -> Result<Vec<Hypothesis>, Error>;
}
