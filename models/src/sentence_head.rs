//! What sentence-transformers runs after the transformer, read from a
//! model's `modules.json`: the pooling (`1_Pooling/config.json`), dense
//! layers (`2_Dense/`, LaBSE's `tanh(W·cls + b)`), and L2 normalisation.
//!
//! A model without `modules.json` gets the pooling and normalisation its
//! [`crate::EncoderOptions`] name; one with it is run the way
//! `SentenceTransformer.encode` runs it, whatever the options say, since
//! that file is what the model's authors published as its definition.

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Module, Tensor};
use serde::Deserialize;

use crate::encoder::Pooling;
use crate::error::{read_json, Error};
use crate::source::{SentenceModuleFiles, WeightsFile};

/// One entry of `modules.json`: a module's directory (the transformer's
/// is the model's own root, `""`) and its Python type.
#[derive(Debug, Clone, Deserialize)]
pub struct ModuleEntry {
    /// Directory of the module's files in the repository.
    #[serde(default)]
    pub path: String,
    /// e.g. `sentence_transformers.models.Pooling`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// The modules a `modules.json` lists, in order.
pub(crate) fn modules(modules_json: &Path) -> Result<Vec<ModuleEntry>, Error> {
    read_json(modules_json)
}

/// `1_Pooling/config.json`: which one of sentence-transformers' pooling
/// modes is on.
#[derive(Debug, Deserialize)]
struct PoolingConfig {
    #[serde(default)]
    pooling_mode_cls_token: bool,
    #[serde(default)]
    pooling_mode_mean_tokens: bool,
    #[serde(default)]
    pooling_mode_max_tokens: bool,
    #[serde(default)]
    pooling_mode_mean_sqrt_len_tokens: bool,
    #[serde(default)]
    pooling_mode_weightedmean_tokens: bool,
    #[serde(default)]
    pooling_mode_lasttoken: bool,
}

/// `2_Dense/config.json`.
#[derive(Debug, Deserialize)]
struct DenseConfig {
    in_features: usize,
    out_features: usize,
    #[serde(default = "yes")]
    bias: bool,
    #[serde(default = "identity")]
    activation_function: String,
}

fn yes() -> bool {
    true
}

fn identity() -> String {
    "torch.nn.modules.linear.Identity".into()
}

/// A sentence-transformers `Dense` module: `activation(W·x + b)`.
#[derive(Debug, Clone)]
struct Dense {
    linear: candle_nn::Linear,
    tanh: bool,
}

/// The modules after the transformer.
#[derive(Debug, Clone)]
pub struct SentenceHead {
    /// How token states become one vector.
    pub pooling: Pooling,
    dense: Vec<Dense>,
    /// Whether a `Normalize` module ends the pipeline.
    pub normalize: bool,
}

impl SentenceHead {
    /// The head `files` describe. Unsupported modules, pooling modes and
    /// activations are errors naming the file, not silently different
    /// vectors.
    pub fn load(files: &SentenceModuleFiles, device: &Device) -> Result<SentenceHead, Error> {
        let unsupported =
            |path: &Path, what: &str, value: &str| Error::unsupported(path, what, value);
        let mut head = SentenceHead {
            pooling: Pooling::Mean,
            dense: Vec::new(),
            normalize: false,
        };
        let mut pooled = false;
        for (k, entry) in files.modules.iter().enumerate() {
            let kind = entry.kind.rsplit('.').next().unwrap_or_default();
            match kind {
                "Transformer" if k == 0 => {}
                "Pooling" if !pooled => {
                    let path = files.require(&entry.path, "config.json")?;
                    head.pooling = pooling(&path, &read_json(&path)?)?;
                    pooled = true;
                }
                "Dense" if pooled => {
                    head.dense.push(dense(files, &entry.path, device)?);
                }
                "Normalize" if pooled => head.normalize = true,
                _ => return Err(unsupported(&files.modules_json, "type", &entry.kind)),
            }
        }
        if !pooled {
            return Err(unsupported(
                &files.modules_json,
                "modules",
                "no sentence_transformers.models.Pooling",
            ));
        }
        Ok(head)
    }

    /// The length of the vectors the head returns, given the transformer's
    /// width.
    pub fn dim(&self, hidden: usize) -> usize {
        self.dense
            .last()
            .map_or(hidden, |d| d.linear.weight().dim(0).unwrap_or(hidden))
    }

    /// The dense layers over pooled vectors `(b, hidden)`, in float32.
    pub fn dense(&self, pooled: Tensor) -> candle_core::Result<Tensor> {
        let mut xs = pooled;
        for d in &self.dense {
            xs = d.linear.forward(&xs)?;
            if d.tanh {
                xs = xs.tanh()?;
            }
        }
        Ok(xs)
    }
}

fn pooling(path: &Path, cfg: &PoolingConfig) -> Result<Pooling, Error> {
    let others = [
        ("pooling_mode_max_tokens", cfg.pooling_mode_max_tokens),
        (
            "pooling_mode_mean_sqrt_len_tokens",
            cfg.pooling_mode_mean_sqrt_len_tokens,
        ),
        (
            "pooling_mode_weightedmean_tokens",
            cfg.pooling_mode_weightedmean_tokens,
        ),
        ("pooling_mode_lasttoken", cfg.pooling_mode_lasttoken),
    ];
    if let Some((name, _)) = others.iter().find(|(_, on)| *on) {
        return Err(Error::unsupported(path, name, "true"));
    }
    match (cfg.pooling_mode_cls_token, cfg.pooling_mode_mean_tokens) {
        (true, false) => Ok(Pooling::Cls),
        (false, true) => Ok(Pooling::Mean),
        _ => Err(Error::unsupported(
            path,
            "pooling_mode_*",
            "exactly one of pooling_mode_cls_token and pooling_mode_mean_tokens must be true",
        )),
    }
}

fn dense(files: &SentenceModuleFiles, dir: &str, device: &Device) -> Result<Dense, Error> {
    let config = files.require(dir, "config.json")?;
    let cfg: DenseConfig = read_json(&config)?;
    let tanh = match cfg.activation_function.as_str() {
        "torch.nn.modules.activation.Tanh" => true,
        "torch.nn.modules.linear.Identity" => false,
        other => return Err(Error::unsupported(&config, "activation_function", other)),
    };
    let weights = match files.find(dir, "model.safetensors") {
        Some(p) => WeightsFile::Safetensors(p),
        None => WeightsFile::Pytorch(files.require(dir, "pytorch_model.bin")?),
    };
    let path = weights.path().to_path_buf();
    let vb = crate::weights::var_builder(&weights, DType::F32, device)?;
    let (i, o) = (cfg.in_features, cfg.out_features);
    let linear = if cfg.bias {
        candle_nn::linear(i, o, vb.pp("linear"))
    } else {
        candle_nn::linear_no_bias(i, o, vb.pp("linear"))
    }
    .map_err(|source| Error::Weights { path, source })?;
    Ok(Dense { linear, tanh })
}

impl SentenceModuleFiles {
    /// The local path of `file` in module directory `dir`, if present.
    pub(crate) fn find(&self, dir: &str, file: &str) -> Option<PathBuf> {
        let name = format!("{dir}/{file}");
        self.files
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, p)| p.clone())
    }

    fn require(&self, dir: &str, file: &str) -> Result<PathBuf, Error> {
        self.find(dir, file).ok_or_else(|| Error::MissingFile {
            model: self.modules_json.display().to_string(),
            file: format!("{dir}/{file}"),
        })
    }
}
