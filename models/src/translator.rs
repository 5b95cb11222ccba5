//! [`Seq2SeqTranslator`]: a model, its tokenizer and decoding settings
//! behind the [`Translator`] interface.

use std::path::Path;

use candle_core::{DType, Device};

use crate::decode::{self, MaxLength, SearchParams};
use crate::error::Error;
use crate::generation::GenerationConfig;
use crate::m2m100::{self, M2M100};
use crate::marian::{self, Marian};
use crate::model::Seq2SeqModel;
use crate::source::{ModelFiles, ModelSource};
use crate::t5::{self, T5};
use crate::tokenizer::TextTokenizer;
use crate::{Hypothesis, Translator};

/// Where to run the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeviceChoice {
    /// The CPU (float32).
    #[default]
    Cpu,
    /// CUDA device `n` (feature `cuda`).
    Cuda(usize),
    /// Metal device `n` (feature `metal`).
    Metal(usize),
}

impl DeviceChoice {
    /// The weight and activation type used when none is asked for: float32
    /// on the CPU, where the fast paths are; bfloat16 on CUDA, which keeps
    /// float32's range (T5 overflows float16); float16 on Metal.
    pub fn default_dtype(self) -> DType {
        match self {
            DeviceChoice::Cpu => DType::F32,
            DeviceChoice::Cuda(_) => DType::BF16,
            DeviceChoice::Metal(_) => DType::F16,
        }
    }

    /// The candle device; fails, saying what to do, when the feature is not
    /// compiled in or the GPU cannot be opened.
    pub fn device(self) -> Result<Device, Error> {
        let (feature, built, n, hint) = match self {
            DeviceChoice::Cpu => return Ok(Device::Cpu),
            DeviceChoice::Cuda(n) => (
                "cuda",
                cfg!(feature = "cuda"),
                n,
                "`nvidia-smi -L` lists the GPUs the driver sees",
            ),
            DeviceChoice::Metal(n) => (
                "metal",
                cfg!(feature = "metal"),
                n,
                "is this a Mac with a Metal GPU?",
            ),
        };
        let fail = |reason: String| Error::Device {
            device: format!("{feature}:{n}"),
            reason,
        };
        if !built {
            return Err(fail(format!(
                "this build has no {feature} support; rebuild with \
                 `cargo build --release --features shanyraq-models/{feature}`, or use the cpu"
            )));
        }
        let opened = match self {
            DeviceChoice::Metal(_) => Device::new_metal(n),
            _ => Device::new_cuda(n),
        };
        opened.map_err(|e| fail(format!("{e} ({hint})")))
    }
}

/// Parses a weight type as `--dtype` takes it: `auto` (the device's
/// default), `f32`, `f16`, `bf16`.
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

/// Parses a device as `--device` takes it: `cpu`, `cuda[:N]` (or
/// `gpu[:N]`), `metal[:N]`.
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

/// Decoding settings. `None` fields take the model's
/// `generation_config.json` value, and failing that transformers' default.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeOptions {
    /// Beam size; 1 is greedy. Default: the model's `num_beams` (OPUS-MT: 4–6), else 1.
    pub beam_size: Option<usize>,
    /// HF `length_penalty`: finished beams are ranked by
    /// `sum logprob / generated_len^length_penalty`. Default: the model's, else 1.0.
    pub length_penalty: Option<f32>,
    /// Bound on the decoder length, start token included. Default: the
    /// model's `max_length` (OPUS-MT: 512), else 20; always capped by the
    /// model's position table.
    pub max_length: Option<MaxLength>,
    /// EOS is forbidden below this decoder length. Default: the model's, else 0.
    pub min_length: Option<usize>,
    /// Sentences per batch (sorted by length first). Default 16.
    pub batch_size: usize,
    /// Optional bound on padded source tokens per batch. Default none.
    pub max_batch_tokens: Option<usize>,
    /// Weight and activation type: f32, f16 or bf16. Default: the
    /// device's ([`DeviceChoice::default_dtype`]).
    pub dtype: Option<DType>,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        Self {
            beam_size: None,
            length_penalty: None,
            max_length: None,
            min_length: None,
            batch_size: 16,
            max_batch_tokens: None,
            dtype: None,
        }
    }
}

impl DecodeOptions {
    /// `base` (from the model) with these options on top.
    pub fn apply(&self, mut base: SearchParams) -> SearchParams {
        if let Some(b) = self.beam_size {
            base.beam_size = b.max(1);
        }
        if let Some(lp) = self.length_penalty {
            base.length_penalty = lp;
        }
        if let Some(m) = self.max_length {
            base.max_length = m;
        }
        if let Some(m) = self.min_length {
            base.min_length = m;
        }
        base
    }
}

/// A loaded encoder–decoder model with its tokenizer, implementing [`Translator`].
pub struct Seq2SeqTranslator {
    id: String,
    model: Box<dyn Seq2SeqModel>,
    tokenizer: TextTokenizer,
    params: SearchParams,
    batch_size: usize,
    max_batch_tokens: Option<usize>,
    target_token: Option<String>,
    /// Many-to-many models (M2M100, NLLB): the language tokens the source
    /// starts with and the output is forced to begin with.
    languages: Option<LanguageTokens>,
}

/// The source and target language tokens of a many-to-many model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LanguageTokens {
    source: u32,
    target: u32,
}

/// The vocabulary entries that name a language in NLLB-200 (`kaz_Cyrl`) and
/// in M2M100 (`__kk__`), for the ISO 639-1 codes shanyraq uses.
fn language_tokens(iso: &str) -> Vec<String> {
    let nllb = match iso {
        "kk" => Some("kaz_Cyrl"),
        "ru" => Some("rus_Cyrl"),
        "en" => Some("eng_Latn"),
        "de" => Some("deu_Latn"),
        "fr" => Some("fra_Latn"),
        "is" => Some("isl_Latn"),
        _ => None,
    };
    nllb.map(str::to_string)
        .into_iter()
        .chain([format!("__{iso}__")])
        .collect()
}

/// Loads the architecture `config.json` names (`model_type`) in float32.
pub fn load_model(files: &ModelFiles, device: &Device) -> Result<Box<dyn Seq2SeqModel>, Error> {
    load_model_as(files, device, DType::F32)
}

/// Loads the model with weights and activations in `dtype` (f32, f16 or
/// bf16); log-probabilities are always computed in float32.
pub fn load_model_as(
    files: &ModelFiles,
    device: &Device,
    dtype: DType,
) -> Result<Box<dyn Seq2SeqModel>, Error> {
    let vb = crate::weights::float_var_builder(files, dtype, device)?;
    let value: serde_json::Value = crate::error::read_json(&files.config)?;
    let model_type = value
        .get("model_type")
        .and_then(|v| v.as_str())
        .unwrap_or("");
    let path = files.weights.path();
    let weights_err = |source| Error::Weights {
        path: path.into(),
        source,
    };
    Ok(match model_type {
        "marian" => {
            let cfg = marian::Config::from_file(&files.config)?;
            Box::new(Marian::with_rows_on_disk(cfg, vb, &files.weights).map_err(weights_err)?)
        }
        "m2m_100" => {
            let cfg = m2m100::Config::from_file(&files.config)?;
            Box::new(M2M100::with_rows_on_disk(cfg, vb, &files.weights).map_err(weights_err)?)
        }
        "t5" | "mt5" => {
            let cfg = t5::Config::from_file(&files.config)?;
            Box::new(T5::with_rows_on_disk(cfg, vb, &files.weights).map_err(weights_err)?)
        }
        other => return Err(Error::unsupported(&files.config, "model_type", other)),
    })
}

/// The vocabulary's label for the language `wanted` names when `wanted`
/// itself is missing: multi-target OPUS-MT models differ in how they write
/// it (`>>kaz<<`, `>>kaz_Cyrl<<`). The labels of that language code with a
/// script or region after it; the Cyrillic one when there are several (the
/// corpus languages kk and ru are written in Cyrillic); `None` when that
/// leaves no single label.
pub fn matching_label(wanted: &str, labels: &[String]) -> Option<String> {
    let code = wanted.strip_prefix(">>")?.strip_suffix("<<")?;
    let candidates: Vec<&String> = labels
        .iter()
        .filter(|l| {
            l.strip_prefix(">>")
                .and_then(|r| r.strip_prefix(code))
                .is_some_and(|r| r.starts_with(['_', '-']))
        })
        .collect();
    match candidates.as_slice() {
        [one] => Some((*one).clone()),
        many => {
            let cyrillic: Vec<&&String> = many.iter().filter(|l| l.contains("Cyrl")).collect();
            (cyrillic.len() == 1).then(|| (*cyrillic[0]).clone())
        }
    }
}

/// The model's decoding defaults: `generation_config.json`, else the
/// generation fields of `config.json` (as transformers'
/// `GenerationConfig.from_model_config` does).
pub fn model_search_params(files: &ModelFiles) -> Result<SearchParams, Error> {
    let path = files.generation_config.as_deref().unwrap_or(&files.config);
    GenerationConfig::from_file(path)?.search_params(path)
}

impl Seq2SeqTranslator {
    /// Loads a model. `target_token` (e.g. `>>kaz<<`) is prepended to every
    /// source sentence of multi-target models and must be in the vocabulary.
    pub fn load(
        source: &ModelSource,
        device: DeviceChoice,
        target_token: Option<String>,
        options: DecodeOptions,
    ) -> Result<Self, Error> {
        let files = source.resolve()?;
        let dtype = options.dtype.unwrap_or(device.default_dtype());
        let device = device.device()?;
        let model = load_model_as(&files, &device, dtype)?;
        let tokenizer = TextTokenizer::load(&files.tokenizer, &files.id)?;
        let target_token = match target_token {
            Some(t) if tokenizer.token_to_id(&t).is_none() => {
                let Some(found) = matching_label(&t, &tokenizer.labels()) else {
                    return Err(Error::UnknownToken {
                        model: files.id.clone(),
                        token: t,
                    });
                };
                tracing::info!("{}: {t} is not in the vocabulary; using {found}", files.id);
                Some(found)
            }
            other => other,
        };
        let params = options.apply(model_search_params(&files)?);
        Ok(Self {
            id: files.id,
            model,
            tokenizer,
            params,
            batch_size: options.batch_size,
            max_batch_tokens: options.max_batch_tokens,
            target_token,
            languages: None,
        })
    }

    /// Names the direction (ISO 639-1 codes, `kk` → `en`). A many-to-many
    /// model (NLLB, M2M100) needs it: each source starts with the source
    /// language's token and each translation with the target's (a target
    /// token given to [`Seq2SeqTranslator::load`], such as `kaz_Cyrl`, wins
    /// for the target). Other models translate one direction and ignore it.
    pub fn set_languages(&mut self, src: &str, tgt: &str) -> Result<(), Error> {
        if !self.model.many_to_many() {
            return Ok(());
        }
        let find = |iso: &str, given: Option<&String>| -> Result<u32, Error> {
            let wanted: Vec<String> = match given {
                Some(t) => vec![t.clone()],
                None => language_tokens(iso),
            };
            wanted
                .iter()
                .find_map(|t| self.tokenizer.token_to_id(t))
                .ok_or_else(|| Error::UnknownToken {
                    model: self.id.clone(),
                    token: wanted.join(" or "),
                })
        };
        let languages = LanguageTokens {
            source: find(src, None)?,
            target: find(tgt, self.target_token.as_ref())?,
        };
        self.params.forced_bos = Some(languages.target);
        self.languages = Some(languages);
        Ok(())
    }

    /// A source sentence's ids as the model reads them: with the target
    /// token of a multi-target model, or between the language token and
    /// `</s>` for a many-to-many one.
    pub fn source_ids(&self, sentence: &str) -> Result<Vec<u32>, Error> {
        let encode = |text: &str, specials: bool| {
            self.tokenizer
                .encode_with(text, specials)
                .map_err(|e| self.decode_err(e))
        };
        if self.model.many_to_many() {
            // NLLB's own framing: `kaz_Cyrl … </s>`; the tokenizer's
            // template holds one fixed source language, so it is not used.
            let Some(lang) = self.languages else {
                return Err(self.decode_err(
                    "a many-to-many model needs the direction (set_languages) before translating",
                ));
            };
            let mut ids = vec![lang.source];
            ids.extend(encode(sentence, false)?);
            ids.push(self.model.special_tokens().eos);
            return Ok(ids);
        }
        match &self.target_token {
            Some(t) => encode(&format!("{t} {sentence}"), true),
            None => encode(sentence, true),
        }
    }

    /// Loads from a local directory on the CPU with default options.
    pub fn from_dir(dir: &Path) -> Result<Self, Error> {
        Self::load(
            &ModelSource::Local(dir.into()),
            DeviceChoice::Cpu,
            None,
            DecodeOptions::default(),
        )
    }

    /// The resolved search settings.
    pub fn params(&self) -> &SearchParams {
        &self.params
    }

    /// Replaces the search settings.
    pub fn set_params(&mut self, params: SearchParams) {
        self.params = params;
    }

    /// The model.
    pub fn model(&self) -> &dyn Seq2SeqModel {
        self.model.as_ref()
    }

    /// The tokenizer.
    pub fn tokenizer(&self) -> &TextTokenizer {
        &self.tokenizer
    }

    fn decode_err(&self, reason: impl std::fmt::Display) -> Error {
        Error::Decode {
            model: self.id.clone(),
            reason: reason.to_string(),
        }
    }
}

impl Translator for Seq2SeqTranslator {
    fn model_id(&self) -> &str {
        &self.id
    }

    fn translate(&mut self, sentences: &[&str]) -> Result<Vec<Hypothesis>, Error> {
        let mut out = vec![
            Hypothesis {
                text: String::new(),
                score: 0.0
            };
            sentences.len()
        ];
        let mut idx = Vec::new();
        let mut sources = Vec::new();
        for (i, s) in sentences.iter().enumerate() {
            if s.trim().is_empty() {
                continue;
            }
            sources.push(self.source_ids(s)?);
            idx.push(i);
        }
        let generated = decode::generate_all(
            self.model.as_ref(),
            &sources,
            &self.params,
            self.batch_size,
            self.max_batch_tokens,
        )
        .map_err(|e| self.decode_err(e))?;
        for (i, g) in idx.into_iter().zip(generated) {
            out[i] = Hypothesis {
                text: self
                    .tokenizer
                    .decode(&g.tokens)
                    .map_err(|e| self.decode_err(e))?,
                score: g.score,
            };
        }
        Ok(out)
    }
}
