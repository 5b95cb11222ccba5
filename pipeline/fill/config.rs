//! Which model translates which direction, and how: the built-in defaults
//! of `shanyraq-models`, overridden by `shanyraq.toml` and then by flags.
//!
//! ```toml
//! [defaults]            # for every direction
//! beam = 4
//! batch_size = 16
//! device = "cpu"        # or "cuda", "metal"
//! dtype = "auto"        # f32 on cpu, bf16 on cuda, f16 on metal; or f32, f16, bf16
//!
//! [models.kk-en]        # one table per direction
//! repo = "Helsinki-NLP/opus-mt-tc-bible-big-trk-deu_eng_fra_por_spa"
//! revision = "main"
//! target_token = ">>eng<<"
//!
//! [models.kk-ru]
//! path = "/models/kazRush-kk-ru"   # a local directory instead of the Hub
//! beam = 5
//!
//! [align]               # see `AlignSettings`
//! encoder = "e5-small"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::lang::{Lang, CORPUS_LANGS};

/// Decoding settings; unset fields fall back to `[defaults]`, then to the
/// built-in values.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecodeSettings {
    /// Beam size (1 = greedy). Default 4.
    pub beam: Option<usize>,
    /// Sentences per batch. Default 16.
    pub batch_size: Option<usize>,
    /// `cpu` (default), `cuda` or `metal`.
    pub device: Option<String>,
    /// Weight type: `auto` (default: f32 on cpu, bf16 on cuda, f16 on
    /// metal), `f32`, `f16` or `bf16`.
    pub dtype: Option<String>,
    /// Length penalty exponent. Default: the model's generation config.
    pub length_penalty: Option<f32>,
    /// Maximum output tokens. Default: the model's generation config.
    pub max_length: Option<usize>,
}

impl DecodeSettings {
    fn or(&self, base: &DecodeSettings) -> DecodeSettings {
        DecodeSettings {
            beam: self.beam.or(base.beam),
            batch_size: self.batch_size.or(base.batch_size),
            device: self.device.clone().or_else(|| base.device.clone()),
            dtype: self.dtype.clone().or_else(|| base.dtype.clone()),
            length_penalty: self.length_penalty.or(base.length_penalty),
            max_length: self.max_length.or(base.max_length),
        }
    }
}

/// One `[models.xx-yy]` table.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelEntry {
    /// Hub repository id.
    pub repo: Option<String>,
    /// Hub revision (branch, tag or commit). Default `main`.
    pub revision: Option<String>,
    /// A local model directory instead of the Hub.
    pub path: Option<PathBuf>,
    /// Token multi-target models need at the start of the source; for a
    /// many-to-many model (NLLB), the target language token (default: the
    /// direction's, e.g. `eng_Latn`).
    pub target_token: Option<String>,
    /// Decoding settings for this direction.
    #[serde(flatten)]
    pub decode: DecodeSettings,
}

/// The whole `shanyraq.toml`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FillConfig {
    /// Settings for every direction.
    #[serde(default)]
    pub defaults: DecodeSettings,
    /// Per-direction tables, keyed `kk-en`, `ru-kk`, ...
    #[serde(default)]
    pub models: BTreeMap<String, ModelEntry>,
    /// The aligner's resources.
    #[serde(default)]
    pub align: AlignSettings,
}

/// The `[align]` table: what the aligner uses besides the text.
///
/// ```toml
/// [align]
/// encoder = "e5-small"                          # none, e5-small, labse or a directory
/// encoder_float32 = false                       # true: no int8, same vectors everywhere
/// dictionaries = { kk-en = "dicts/kk-en.dic" }  # hunalign format, relative to this file
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlignSettings {
    /// Sentence encoder for embedding evidence (`--encoder` overrides it).
    pub encoder: Option<String>,
    /// Keep the encoder in float32 where it would run in int8
    /// (`--encoder-float32` turns it on too).
    #[serde(default)]
    pub encoder_float32: bool,
    /// Bilingual dictionaries per pair (`--dict` adds to and overrides them).
    #[serde(default)]
    pub dictionaries: BTreeMap<String, PathBuf>,
}

/// Where a model comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelLocation {
    /// The Hugging Face Hub.
    Hub {
        /// Repository id.
        repo: String,
        /// Branch, tag or commit.
        revision: String,
    },
    /// A local directory in the Hugging Face layout.
    Local(PathBuf),
}

/// Everything needed to load and run the model of one direction.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSpec {
    /// Source language.
    pub src: Lang,
    /// Target language.
    pub tgt: Lang,
    /// Where the model is.
    pub location: ModelLocation,
    /// Token prepended to the source, e.g. `>>eng<<`.
    pub target_token: Option<String>,
    /// Resolved decoding settings.
    pub decode: DecodeSettings,
}

impl ModelSpec {
    /// The weight type the model runs in (`f32`, `f16`, `bf16`): the
    /// configured one, else the device's default; `None` when either is
    /// not understood (loading then fails with the reason).
    pub fn dtype(&self) -> Option<&'static str> {
        let (device, dtype) = self.runtime().ok()?;
        Some(dtype.unwrap_or(device.default_dtype()).as_str())
    }

    /// The device (default `cpu`) and weight type (`None`: the device's)
    /// the settings name, or why they cannot be read.
    pub fn runtime(
        &self,
    ) -> std::result::Result<
        (
            shanyraq_models::DeviceChoice,
            Option<shanyraq_models::DType>,
        ),
        String,
    > {
        let d = &self.decode;
        let device = super::engine::parse_device(d.device.as_deref().unwrap_or("cpu"))?;
        let dtype = super::engine::parse_dtype(d.dtype.as_deref().unwrap_or("auto"))?;
        Ok((device, dtype))
    }

    /// The id recorded next to each machine translation.
    pub fn id(&self) -> String {
        match &self.location {
            ModelLocation::Hub { repo, revision } => format!("{repo}@{revision}"),
            ModelLocation::Local(p) => p.display().to_string(),
        }
    }

    /// The settings that change the output, as recorded in the output and
    /// in cache keys (batch size does not change it; the device does only
    /// through the weight type, named when it is not float32).
    pub fn settings(&self) -> String {
        let d = &self.decode;
        let mut s = format!("beam={}", d.beam.unwrap_or(4));
        if let Some(dtype) = self.dtype().filter(|t| *t != "f32") {
            s.push_str(&format!(";dtype={dtype}"));
        }
        if let Some(lp) = d.length_penalty {
            s.push_str(&format!(";length_penalty={lp}"));
        }
        if let Some(ml) = d.max_length {
            s.push_str(&format!(";max_length={ml}"));
        }
        if let Some(t) = &self.target_token {
            s.push_str(&format!(";target_token={t}"));
        }
        s
    }
}

impl FillConfig {
    /// Reads `shanyraq.toml`; errors name the file, line and column.
    pub fn read(path: &Path) -> Result<FillConfig> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let config: FillConfig = toml::from_str(&text).map_err(|e| Error::Config {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        for key in config.models.keys() {
            let ok = key
                .split_once('-')
                .and_then(|(a, b)| {
                    Some((Lang::from_tag(a)?.column()?, Lang::from_tag(b)?.column()?))
                })
                .is_some_and(|(a, b)| a != b);
            if !ok {
                return Err(Error::Config {
                    path: path.to_path_buf(),
                    message: format!("[models.{key}]: name a direction between kk, ru and en, e.g. [models.kk-en]"),
                });
            }
        }
        // Dictionary paths are relative to the file that names them.
        let base = path.parent().unwrap_or(Path::new("."));
        let mut config = config;
        for file in config.align.dictionaries.values_mut() {
            if file.is_relative() {
                *file = base.join(&*file);
            }
        }
        Ok(config)
    }

    /// The model for `src → tgt`, or `None` when there is none configured
    /// and no built-in default.
    pub fn spec(&self, src: Lang, tgt: Lang) -> Option<ModelSpec> {
        let key = format!("{src}-{tgt}");
        let entry = self.models.get(&key).cloned().unwrap_or_default();
        let default = shanyraq_models::default_model(src.code(), tgt.code());
        let location = if let Some(path) = entry.path.clone() {
            ModelLocation::Local(path)
        } else {
            let repo = entry
                .repo
                .clone()
                .or_else(|| default.map(|d| d.repo.to_string()))?;
            ModelLocation::Hub {
                repo,
                revision: entry.revision.clone().unwrap_or_else(|| "main".into()),
            }
        };
        // A configured model keeps only its own target token; the built-in
        // token belongs to the built-in model.
        let target_token = if entry.repo.is_some() || entry.path.is_some() {
            entry.target_token.clone()
        } else {
            entry
                .target_token
                .clone()
                .or_else(|| default.and_then(|d| d.target_token.map(str::to_string)))
        };
        Some(ModelSpec {
            src,
            tgt,
            location,
            target_token,
            decode: entry.decode.or(&self.defaults),
        })
    }

    /// Every direction between the corpus languages.
    pub fn directions() -> impl Iterator<Item = (Lang, Lang)> {
        CORPUS_LANGS
            .into_iter()
            .flat_map(|a| CORPUS_LANGS.into_iter().map(move |b| (a, b)))
            .filter(|(a, b)| a != b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<FillConfig> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shanyraq.toml");
        std::fs::write(&path, text).unwrap();
        FillConfig::read(&path)
    }

    #[test]
    fn defaults_come_from_the_model_table() {
        let spec = FillConfig::default().spec(Lang::Kk, Lang::En).unwrap();
        assert_eq!(
            spec.id(),
            "Helsinki-NLP/opus-mt-tc-bible-big-trk-deu_eng_fra_por_spa@main"
        );
        assert_eq!(spec.target_token.as_deref(), Some(">>eng<<"));
        assert_eq!(spec.settings(), "beam=4;target_token=>>eng<<");
    }

    #[test]
    fn the_weight_type_is_in_the_settings_unless_float32() {
        let c = parse("[defaults]\ndevice = \"cuda\"\n[models.kk-ru]\ndevice = \"cpu\"\n[models.ru-kk]\ndtype = \"f16\"\n").unwrap();
        let kk_en = c.spec(Lang::Kk, Lang::En).unwrap();
        assert_eq!(kk_en.dtype(), Some("bf16"));
        assert_eq!(kk_en.settings(), "beam=4;dtype=bf16;target_token=>>eng<<");
        let kk_ru = c.spec(Lang::Kk, Lang::Ru).unwrap();
        assert_eq!(kk_ru.settings(), "beam=4");
        assert_eq!(c.spec(Lang::Ru, Lang::Kk).unwrap().dtype(), Some("f16"));
        let bad = parse("[defaults]\ndtype = \"int8\"\n").unwrap();
        assert_eq!(bad.spec(Lang::Kk, Lang::Ru).unwrap().dtype(), None);
    }

    #[test]
    fn file_overrides_defaults() {
        let c = parse(
            "[defaults]\nbeam = 2\n[models.kk-ru]\npath = \"/m/kk-ru\"\nbeam = 5\n[models.en-kk]\nrevision = \"abc\"\n",
        )
        .unwrap();
        let kk_ru = c.spec(Lang::Kk, Lang::Ru).unwrap();
        assert_eq!(kk_ru.location, ModelLocation::Local("/m/kk-ru".into()));
        assert_eq!(kk_ru.decode.beam, Some(5));
        assert_eq!(kk_ru.target_token, None);
        let en_kk = c.spec(Lang::En, Lang::Kk).unwrap();
        assert!(en_kk.id().ends_with("@abc"));
        assert_eq!(en_kk.decode.beam, Some(2));
    }

    #[test]
    fn the_align_table_takes_the_encoder_and_its_precision() {
        let c = parse("[align]\nencoder = \"e5-small\"\nencoder_float32 = true\n").unwrap();
        assert_eq!(c.align.encoder.as_deref(), Some("e5-small"));
        assert!(c.align.encoder_float32);
        assert!(
            !parse("[align]\nencoder = \"labse\"\n")
                .unwrap()
                .align
                .encoder_float32
        );
    }

    #[test]
    fn mistakes_are_named() {
        let err = parse("[models.kk-xx]\nrepo = \"a\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("kk-xx"), "{err}");
        let err = parse("[defaults]\nbeem = 4\n").unwrap_err().to_string();
        assert!(
            err.contains("shanyraq.toml") && err.contains("beem"),
            "{err}"
        );
    }
}
