//! The [`TranslatorFactory`] that loads real models with `shanyraq-models`.

use shanyraq_models::{
    DType, DecodeOptions, DeviceChoice, Error, MaxLength, ModelSource, Seq2SeqTranslator,
    Translator,
};

use super::config::{ModelLocation, ModelSpec};
use super::TranslatorFactory;

/// Loads models from the Hub or local directories.
#[derive(Debug, Clone, Copy, Default)]
pub struct EngineFactory;

/// Parses `--dtype`: `auto` (the device's default), `f32`, `f16`, `bf16`.
pub fn parse_dtype(s: &str) -> Result<Option<DType>, String> {
    match s.to_ascii_lowercase().as_str() {
        "auto" => Ok(None),
        "f32" | "float32" => Ok(Some(DType::F32)),
        "f16" | "float16" => Ok(Some(DType::F16)),
        "bf16" | "bfloat16" => Ok(Some(DType::BF16)),
        _ => Err(format!(
            "unknown dtype `{s}`; use auto (f32 on cpu, bf16 on cuda, f16 on metal), f32, f16 or bf16"
        )),
    }
}

/// Parses `--device`: `cpu`, `cuda[:N]` (or `gpu[:N]`), `metal[:N]`.
pub fn parse_device(s: &str) -> Result<DeviceChoice, String> {
    let (kind, index) = match s.split_once(':') {
        Some((k, i)) => (
            k,
            i.parse().map_err(|_| format!("`{s}`: bad device index"))?,
        ),
        None => (s, 0),
    };
    match kind.to_ascii_lowercase().as_str() {
        "cpu" => Ok(DeviceChoice::Cpu),
        "cuda" | "gpu" => Ok(DeviceChoice::Cuda(index)),
        "metal" => Ok(DeviceChoice::Metal(index)),
        _ => Err(format!(
            "unknown device `{s}`; use cpu, cuda[:N] or metal[:N]"
        )),
    }
}

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
        let translator =
            Seq2SeqTranslator::load(&source, device, spec.target_token.clone(), options)?;
        Ok(Box::new(translator))
    }
}
