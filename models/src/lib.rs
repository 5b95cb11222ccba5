//! `shanyraq-models`: sequence-to-sequence translation for shanyraq, usable on
//! its own.
//!
//! The pipeline reaches models through one interface, [`Translator`]: a batch
//! of source sentences in, one scored hypothesis per sentence out.
//! [`Seq2SeqTranslator`] implements it on candle for Marian (OPUS-MT), T5
//! v1.1 and M2M100/NLLB checkpoints in the Hugging Face layout, from a local directory or
//! the Hub, reproducing what transformers computes (see the parity tests).
//!
//! For the embedding aligner, [`SentenceEncoder`] turns sentences into
//! L2-normalised vectors with a BERT or XLM-R encoder ([`bert`], pooling and
//! batching in [`encoder`]); the default is multilingual-e5-small.
//!
//! Layers, from the bottom: [`layers`] (attention, KV cache, masks,
//! positions), [`marian`], [`t5`] and [`m2m100`] (one file per architecture),
//! [`decode`] (batching, greedy and beam search), [`tokenizer`] / [`spm`]
//! (text ↔ ids), [`source`] (files from a directory or the Hub) and
//! [`translator`] (all of it behind [`Translator`]).

#![deny(missing_docs)]

mod beam;
pub mod bert;
mod cpu;
pub mod decode;
mod defaults;
pub mod encoder;
mod error;
pub mod generation;
mod host;
mod kv_cache;
pub mod layers;
pub mod m2m100;
pub mod marian;
pub mod model;
pub mod sentence_head;
pub mod source;
pub mod spm;
mod step;
pub mod t5;
pub mod tokenizer;
pub mod translator;
mod weights;

/// Weight types, for [`DecodeOptions::dtype`].
pub use candle_core::DType;
pub use cpu::fast_paths_on as cpu_fast_paths_on;
pub use decode::{EarlyStopping, MaxLength, SearchParams};
pub use defaults::{default_model, DefaultModel};
pub use encoder::{EncoderOptions, Pooling, SentenceEncoder, DEFAULT_ENCODER};
pub use error::Error;
pub use model::Seq2SeqModel;
pub use source::ModelSource;
pub use translator::{parse_device, parse_dtype, DecodeOptions, DeviceChoice, Seq2SeqTranslator};

/// One translation of one source sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Hypothesis {
    /// The detokenized target text.
    pub text: String,
    /// Sum of the token log-probabilities, after any length penalty.
    pub score: f32,
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
