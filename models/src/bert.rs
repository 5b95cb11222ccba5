//! BERT and XLM-RoBERTa encoders on candle, computing what Hugging Face's
//! `BertModel` and `XLMRobertaModel` compute
//! (`transformers/models/bert/modeling_bert.py`,
//! `transformers/models/xlm_roberta/modeling_xlm_roberta.py`, v5.24):
//! learned absolute positions, post-norm layers, exact GELU, an optional
//! pooler. The two differ only in their position ids: BERT counts from 0,
//! XLM-R from `pad_token_id + 1` over non-pad tokens.
//!
//! Read top to bottom: [`Config`], embeddings, attention and layers, the
//! model. Sentence embeddings (pooling, normalisation, batching) are in
//! [`crate::encoder`].

use std::path::Path;

use candle_core::{DType, Module, Result, Tensor, D};
use candle_nn::{Embedding, LayerNorm, VarBuilder};
use serde::Deserialize;

use crate::error::Error;
use crate::layers::{self, Activation, Attention, AttentionSpec, Linear, TokenTable};
use crate::source::WeightsFile;

/// `config.json` of a BERT or XLM-R checkpoint. Defaults are those of HF's
/// `BertConfig`, so a file that omits a field means what it means to
/// transformers; unknown fields are ignored.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Config {
    /// `bert` or `xlm-roberta` (which only changes the position ids).
    pub model_type: String,
    /// Rows of the token embedding table.
    pub vocab_size: usize,
    /// Model width.
    pub hidden_size: usize,
    /// Number of layers.
    pub num_hidden_layers: usize,
    /// Attention heads.
    pub num_attention_heads: usize,
    /// Feed-forward width.
    pub intermediate_size: usize,
    /// HF activation name (`gelu`, `gelu_new`, `relu`, `silu`).
    pub hidden_act: String,
    /// Rows of the position table.
    pub max_position_embeddings: usize,
    /// Rows of the token-type table; every token here has type 0.
    pub type_vocab_size: usize,
    /// LayerNorm epsilon.
    pub layer_norm_eps: f64,
    /// Padding token id (XLM-R's position ids start after it).
    pub pad_token_id: u32,
    /// Only `absolute` is implemented.
    pub position_embedding_type: String,
}

impl Default for Config {
    fn default() -> Self {
        // transformers' BertConfig defaults.
        Self {
            model_type: "bert".into(),
            vocab_size: 30522,
            hidden_size: 768,
            num_hidden_layers: 12,
            num_attention_heads: 12,
            intermediate_size: 3072,
            hidden_act: "gelu".into(),
            max_position_embeddings: 512,
            type_vocab_size: 2,
            layer_norm_eps: 1e-12,
            pad_token_id: 0,
            position_embedding_type: "absolute".into(),
        }
    }
}

impl Config {
    /// Reads and checks `config.json`; unsupported settings are errors that
    /// name the field.
    pub fn from_file(path: &Path) -> std::result::Result<Self, Error> {
        let cfg: Self = crate::error::read_json(path)?;
        let unsupported = |field: &str, value: String| Error::unsupported(path, field, value);
        if !matches!(cfg.model_type.as_str(), "bert" | "xlm-roberta" | "roberta") {
            return Err(unsupported("model_type", cfg.model_type.clone()));
        }
        if cfg.position_embedding_type != "absolute" {
            return Err(unsupported(
                "position_embedding_type",
                cfg.position_embedding_type.clone(),
            ));
        }
        if cfg.activation().is_none() {
            return Err(unsupported("hidden_act", cfg.hidden_act.clone()));
        }
        let heads = cfg.num_attention_heads;
        if heads == 0 || !cfg.hidden_size.is_multiple_of(heads) {
            return Err(unsupported(
                "num_attention_heads",
                format!("{heads} (hidden_size {})", cfg.hidden_size),
            ));
        }
        Ok(cfg)
    }

    fn activation(&self) -> Option<Activation> {
        Activation::from_hf_name(&self.hidden_act)
    }

    /// Whether positions follow RoBERTa (`create_position_ids_from_input_ids`).
    fn roberta_positions(&self) -> bool {
        self.model_type != "bert"
    }

    /// The longest input, special tokens included, the position table allows.
    pub fn max_tokens(&self) -> usize {
        if self.roberta_positions() {
            // Positions pad+1 ..= pad+n must exist (XLM-R: 514 rows, 512 tokens).
            self.max_position_embeddings
                .saturating_sub(self.pad_token_id as usize + 1)
        } else {
            self.max_position_embeddings
        }
    }

    fn attention(&self) -> AttentionSpec {
        let head_dim = self.hidden_size / self.num_attention_heads;
        AttentionSpec {
            d_model: self.hidden_size,
            heads: self.num_attention_heads,
            head_dim,
            bias: true,
            // BertSelfAttention divides the scores by sqrt(head_dim).
            scale: Some((head_dim as f64).powf(-0.5)),
            // Relative to `attention`: `self.query` ... `output.dense`.
            names: ["self.query", "self.key", "self.value", "output.dense"],
        }
    }
}

/// `BertEmbeddings`: token + position + token type 0, then LayerNorm
/// (dropout is off at inference).
#[derive(Debug, Clone)]
struct Embeddings {
    tokens: TokenTable,
    positions: Embedding,
    token_type0: Tensor,
    norm: LayerNorm,
    roberta_positions: bool,
    pad: u32,
}

impl Embeddings {
    fn new(cfg: &Config, vb: VarBuilder, tokens: TokenTable) -> Result<Self> {
        let h = cfg.hidden_size;
        let types = vb.get((cfg.type_vocab_size, h), "token_type_embeddings.weight")?;
        Ok(Self {
            tokens,
            positions: candle_nn::embedding(
                cfg.max_position_embeddings,
                h,
                vb.pp("position_embeddings"),
            )?,
            token_type0: types.get(0)?,
            norm: candle_nn::layer_norm(h, cfg.layer_norm_eps, vb.pp("LayerNorm"))?,
            roberta_positions: cfg.roberta_positions(),
            pad: cfg.pad_token_id,
        })
    }

    /// `(b, t)` ids and `(b, t)` 0/1 mask → `(b, t, hidden)`.
    fn forward(&self, ids: &Tensor, mask: &Tensor) -> Result<Tensor> {
        let (b, t) = ids.dims2()?;
        let positions = if self.roberta_positions {
            // create_position_ids_from_input_ids: cumsum(mask)·mask + pad,
            // so padding sits at `pad` and real tokens count from pad+1.
            // (In float32: candle's cumsum is a matmul.)
            let m = mask.to_dtype(DType::F32)?;
            (m.cumsum(1)?.mul(&m)? + self.pad as f64)?.to_dtype(DType::U32)?
        } else {
            Tensor::arange(0u32, t as u32, ids.device())?
                .unsqueeze(0)?
                .expand((b, t))?
                .contiguous()?
        };
        let xs = self
            .tokens
            .forward(ids)?
            .add(&self.positions.forward(&positions)?)?
            .broadcast_add(&self.token_type0)?;
        self.norm.forward(&xs)
    }
}

/// `BertLayer`: post-norm self-attention (`BertAttention`) and feed-forward
/// (`BertIntermediate` + `BertOutput`).
#[derive(Debug, Clone)]
struct Layer {
    attention: Attention,
    attention_norm: LayerNorm,
    intermediate: Linear,
    output: Linear,
    output_norm: LayerNorm,
    act: Activation,
}

impl Layer {
    fn new(cfg: &Config, vb: VarBuilder) -> Result<Self> {
        let (h, ff) = (cfg.hidden_size, cfg.intermediate_size);
        Ok(Self {
            attention: Attention::new(cfg.attention(), vb.pp("attention"))?,
            attention_norm: candle_nn::layer_norm(
                h,
                cfg.layer_norm_eps,
                vb.pp("attention.output.LayerNorm"),
            )?,
            intermediate: layers::linear(h, ff, true, vb.pp("intermediate.dense"))?,
            output: layers::linear(ff, h, true, vb.pp("output.dense"))?,
            output_norm: candle_nn::layer_norm(h, cfg.layer_norm_eps, vb.pp("output.LayerNorm"))?,
            act: cfg.activation().unwrap_or(Activation::GeluErf),
        })
    }

    fn forward(&self, xs: &Tensor, mask_bias: &Tensor) -> Result<Tensor> {
        let (k, v) = self.attention.project_kv(xs)?;
        let h = self.attention.attend(xs, &k, &v, Some(mask_bias))?;
        let xs = (xs + h)?.apply(&self.attention_norm)?;
        let h = self
            .act
            .apply(&xs.apply(&self.intermediate)?)?
            .apply(&self.output)?;
        (xs + h)?.apply(&self.output_norm)
    }
}

/// `BertModel` / `XLMRobertaModel`: embeddings, layers and, when the
/// checkpoint has one, the pooler (`dense` + tanh on the first token).
#[derive(Debug, Clone)]
pub struct Bert {
    cfg: Config,
    embeddings: Embeddings,
    layers: Vec<Layer>,
    pooler: Option<Linear>,
}

/// Prefixes under which checkpoints store the encoder: none for a saved
/// `BertModel` (multilingual-e5, LaBSE), `bert.` / `roberta.` for models
/// saved with a task head.
const PREFIXES: [&str; 3] = ["", "bert", "roberta"];

impl Bert {
    /// Loads the weights under `vb`, looking for the embeddings at the top
    /// level, then under `bert.` and `roberta.`. The pooler is optional.
    pub fn new(cfg: Config, vb: VarBuilder) -> Result<Self> {
        Self::load(cfg, vb, None)
    }

    /// [`Bert::new`], with the token embeddings read from `weights` as
    /// batches need them when it is a safetensors file (the same outputs,
    /// a fraction of the memory).
    pub fn with_rows_on_disk(cfg: Config, vb: VarBuilder, weights: &WeightsFile) -> Result<Self> {
        Self::load(cfg, vb, Some(weights))
    }

    fn load(cfg: Config, vb: VarBuilder, weights: Option<&WeightsFile>) -> Result<Self> {
        const TABLE: &str = "embeddings.word_embeddings.weight";
        let (prefix, vb) = PREFIXES
            .iter()
            .map(|&p| (p, if p.is_empty() { vb.clone() } else { vb.pp(p) }))
            .find(|(_, vb)| vb.contains_tensor(TABLE))
            .unwrap_or(("", vb));
        let h = cfg.hidden_size;
        let name = match prefix {
            "" => TABLE.to_string(),
            p => format!("{p}.{TABLE}"),
        };
        let tokens = TokenTable::open_or(weights, &name, (cfg.vocab_size, h), vb.dtype(), || {
            candle_nn::embedding(cfg.vocab_size, h, vb.pp("embeddings.word_embeddings"))
        })?;
        let embeddings = Embeddings::new(&cfg, vb.pp("embeddings"), tokens)?;
        let layers = (0..cfg.num_hidden_layers)
            .map(|i| Layer::new(&cfg, vb.pp(format!("encoder.layer.{i}"))))
            .collect::<Result<_>>()?;
        let pooler = if vb.contains_tensor("pooler.dense.weight") {
            Some(layers::linear(h, h, true, vb.pp("pooler.dense"))?)
        } else {
            None
        };
        Ok(Self {
            cfg,
            embeddings,
            layers,
            pooler,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Runs every linear layer of the encoder in int8
    /// ([`Linear::quantize_int8`]); returns whether the CPU allows it.
    pub fn quantize_int8(&mut self) -> Result<bool> {
        let mut all = true;
        for layer in &mut self.layers {
            all &= layer.attention.quantize_int8()?;
            all &= layer.intermediate.quantize_int8()?;
            all &= layer.output.quantize_int8()?;
        }
        Ok(all)
    }

    /// Last hidden states `(b, t, hidden)` of `(b, t)` ids with a `(b, t)`
    /// attention mask (1 = token, 0 = padding).
    pub fn forward(&self, ids: &Tensor, mask: &Tensor) -> Result<Tensor> {
        let mut xs = self.embeddings.forward(ids, mask)?;
        let bias = layers::padding_bias(mask, xs.dtype())?;
        for layer in &self.layers {
            xs = layer.forward(&xs, &bias)?;
        }
        Ok(xs)
    }

    /// Whether the checkpoint has a pooler (`pooler.dense`).
    pub fn has_pooler(&self) -> bool {
        self.pooler.is_some()
    }

    /// `BertPooler`: tanh(dense(hidden[:, 0])), `(b, hidden)`; `None` when the
    /// checkpoint has no pooler.
    pub fn pool(&self, hidden: &Tensor) -> Option<Result<Tensor>> {
        let dense = self.pooler.as_ref()?;
        Some(
            hidden
                .narrow(1, 0, 1)
                .and_then(|x| x.squeeze(1))
                // CUDA's matmul takes no strided rows (see `encode_batch`).
                .and_then(|x| x.contiguous())
                .and_then(|x| x.apply(dense))
                .and_then(|x| x.tanh()),
        )
    }
}

/// Mean of `hidden` `(b, t, h)` over the positions where `mask` `(b, t)` is
/// 1 (sentence-transformers' `Pooling(pooling_mode_mean_tokens=True)`).
pub fn mean_pool(hidden: &Tensor, mask: &Tensor) -> Result<Tensor> {
    let m = mask.to_dtype(hidden.dtype())?.unsqueeze(D::Minus1)?;
    let sum = hidden.broadcast_mul(&m)?.sum(1)?;
    // torch.clamp(mask.sum(1), min=1e-9), as sentence-transformers does.
    let count = m.sum(1)?.clamp(1e-9, f64::MAX)?;
    sum.broadcast_div(&count)
}

/// Rows divided by their L2 norm (`torch.nn.functional.normalize`, eps 1e-12).
pub fn l2_normalize(xs: &Tensor) -> Result<Tensor> {
    let norm = xs
        .sqr()?
        .sum_keepdim(D::Minus1)?
        .sqrt()?
        .clamp(1e-12, f64::MAX)?;
    xs.broadcast_div(&norm)
}
