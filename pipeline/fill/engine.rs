//! The [`TranslatorFactory`] that loads real models with `shanyraq-models`.

use shanyraq_models::{
    DecodeOptions, Error, MaxLength, ModelSource, Seq2SeqTranslator, Translator,
};

use super::config::{ModelLocation, ModelSpec};
use super::TranslatorFactory;

/// Loads models from the Hub or local directories.
#[derive(Debug, Clone, Copy, Default)]
pub struct EngineFactory;

pub use shanyraq_models::{parse_device, parse_dtype};

fn source_of(spec: &ModelSpec) -> ModelSource {
    match &spec.location {
        ModelLocation::Hub { repo, revision } => ModelSource::Hub {
            repo: repo.clone(),
            revision: Some(revision.clone()),
        },
        ModelLocation::Local(path) => ModelSource::Local(path.clone()),
    }
}

impl TranslatorFactory for EngineFactory {
    /// `repo@commit`: a branch such as `main` moves, and a translation must
    /// name the weights that made it (and not be reused from the cache
    /// once they change).
    fn model_id(&self, spec: &ModelSpec) -> String {
        match &spec.location {
            ModelLocation::Hub { .. } => source_of(spec).pinned_id(),
            ModelLocation::Local(_) => spec.id(),
        }
    }

    fn load(&self, spec: &ModelSpec) -> Result<Box<dyn Translator>, Error> {
        let source = source_of(spec);
        let d = &spec.decode;
        let (device, dtype) = spec.runtime().map_err(|reason| Error::Load {
            model: spec.id(),
            reason,
        })?;
        let options = DecodeOptions {
            dtype,
            beam_size: Some(d.beam.unwrap_or(4)),
            length_penalty: d.length_penalty,
            max_length: d.max_length.map(MaxLength::Absolute),
            batch_size: d.batch_size.unwrap_or(16),
            ..DecodeOptions::default()
        };
        let mut translator =
            Seq2SeqTranslator::load(&source, device, spec.target_token.clone(), options)?;
        // Many-to-many models (NLLB) need the direction; others ignore it.
        translator.set_languages(spec.src.code(), spec.tgt.code())?;
        Ok(Box::new(translator))
    }
}
