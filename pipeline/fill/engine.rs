//! The [`TranslatorFactory`] that loads real models with `shanyraq-models`.

use shanyraq_models::{Error, Translator};

use super::config::ModelSpec;
use super::TranslatorFactory;

/// Loads models from the Hub or local directories.
#[derive(Debug, Clone, Copy, Default)]
pub struct EngineFactory;

impl TranslatorFactory for EngineFactory {
    fn load(&self, spec: &ModelSpec) -> Result<Box<dyn Translator>, Error> {
        Err(Error::Load {
            model: spec.id(),
            reason: "this build has no translation engine yet (see the translation engine issue)"
                .into(),
        })
    }
}
