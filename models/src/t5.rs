//! T5 (v1.0 and v1.1, e.g. deepvk/kazRush-kk-ru) on candle, computing what
//! Hugging Face's `T5ForConditionalGeneration`
//! (`transformers/models/t5/modeling_t5.py`, v5.24) computes: pre-norm
//! RMS layer norms, unscaled attention, relative position buckets shared
//! by all layers of a stack (bidirectional in the encoder, unidirectional
//! in the decoder), gated-GELU or ReLU feed-forward, tied or untied output.
//!
//! Read top to bottom: [`Config`], positions, attention, layers, encoder,
//! decoder, the model.

use std::path::Path;

use candle_core::{Device, Module, Result, Tensor};
use candle_nn::{Embedding, VarBuilder};
use serde::Deserialize;

use crate::error::Error;
use crate::layers::{
    self, Activation, Attention, AttentionSpec, CacheSlot, EncoderState, KvCache, Linear,
    OutputLayer, RmsNorm, TokenTable,
};
use crate::model::{Seq2SeqModel, SpecialTokens};
use crate::source::WeightsFile;

/// `config.json` of a T5 checkpoint, with `T5Config`'s defaults.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Vocabulary size (input and output).
    pub vocab_size: usize,
    /// Model width.
    pub d_model: usize,
    /// Width of one attention head.
    pub d_kv: usize,
    /// Feed-forward width.
    pub d_ff: usize,
    /// Encoder layers.
    pub num_layers: usize,
    /// Decoder layers (default: `num_layers`).
    pub num_decoder_layers: Option<usize>,
    /// Attention heads.
    pub num_heads: usize,
    /// Number of relative position buckets.
    pub relative_attention_num_buckets: usize,
    /// Distance beyond which buckets stop growing.
    pub relative_attention_max_distance: usize,
    /// RMS norm epsilon.
    pub layer_norm_epsilon: f64,
    /// `relu`, `gated-gelu`, `gated-silu`, ...
    pub feed_forward_proj: String,
    /// Padding id.
    pub pad_token_id: u32,
    /// End-of-sentence id.
    pub eos_token_id: u32,
    /// First decoder input (T5: the pad id).
    pub decoder_start_token_id: Option<u32>,
    /// v1.0 ties the output layer to the embeddings and rescales the decoder
    /// output by `d_model^-0.5`; v1.1 (`false`) has its own `lm_head`.
    pub tie_word_embeddings: bool,
    /// Written by transformers 5, which always sets `tie_word_embeddings`
    /// and records here whether the decoder output is rescaled.
    pub scale_decoder_outputs: Option<bool>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            vocab_size: 32128,
            d_model: 512,
            d_kv: 64,
            d_ff: 2048,
            num_layers: 6,
            num_decoder_layers: None,
            num_heads: 8,
            relative_attention_num_buckets: 32,
            relative_attention_max_distance: 128,
            layer_norm_epsilon: 1e-6,
            feed_forward_proj: "relu".into(),
            pad_token_id: 0,
            eos_token_id: 1,
            decoder_start_token_id: None,
            tie_word_embeddings: true,
            scale_decoder_outputs: None,
        }
    }
}

impl Config {
    /// Reads and checks `config.json`.
    pub fn from_file(path: &Path) -> std::result::Result<Self, Error> {
        let cfg: Self = crate::error::read_json(path)?;
        if cfg.feed_forward().is_none() {
            return Err(Error::unsupported(
                path,
                "feed_forward_proj",
                cfg.feed_forward_proj.clone(),
            ));
        }
        Ok(cfg)
    }

    /// `T5Config.__post_init__`: `gated-ACT` or `ACT`; `gated-gelu` means
    /// the tanh GELU (`gelu_new`).
    fn feed_forward(&self) -> Option<(bool, Activation)> {
        let parts: Vec<&str> = self.feed_forward_proj.split('-').collect();
        match parts.as_slice() {
            ["gated", "gelu"] => Some((true, Activation::GeluTanh)),
            ["gated", act] => Activation::from_hf_name(act).map(|a| (true, a)),
            [act] => Activation::from_hf_name(act).map(|a| (false, a)),
            _ => None,
        }
    }

    fn decoder_layers(&self) -> usize {
        self.num_decoder_layers.unwrap_or(self.num_layers)
    }

    fn attention(&self) -> AttentionSpec {
        AttentionSpec {
            d_model: self.d_model,
            heads: self.num_heads,
            head_dim: self.d_kv,
            bias: false,
            // T5 folds 1/sqrt(d_kv) into the initialisation: no scaling.
            scale: None,
            names: ["q", "k", "v", "o"],
        }
    }
}

/// `T5Attention._relative_position_bucket`: the bucket of `memory - context`.
/// The logarithmic part is computed in float32 and truncated, as
/// `torch.log(rp.float() / max_exact) / math.log(max_distance / max_exact)
/// * (num_buckets - max_exact)` then `.to(long)` does.
pub fn relative_position_bucket(
    relative: i64,
    bidirectional: bool,
    num_buckets: usize,
    max_distance: usize,
) -> u32 {
    let mut num_buckets = num_buckets as i64;
    let mut bucket = 0i64;
    let distance = if bidirectional {
        num_buckets /= 2;
        if relative > 0 {
            bucket += num_buckets;
        }
        relative.abs()
    } else {
        // The decoder only looks back: positive distances count as 0.
        (-relative).max(0)
    };
    let max_exact = num_buckets / 2;
    if distance < max_exact {
        return (bucket + distance) as u32;
    }
    let ratio = (distance as f32 / max_exact as f32).ln();
    let scale = (max_distance as f64 / max_exact as f64).ln() as f32;
    let large = max_exact + (ratio / scale * (num_buckets - max_exact) as f32) as i64;
    (bucket + large.min(num_buckets - 1)) as u32
}

/// The relative position bias of one stack: `relative_attention_bias` of
/// its first layer, used by every layer (`T5Attention.compute_bias`).
#[derive(Debug, Clone)]
struct PositionBias {
    table: Embedding,
    bidirectional: bool,
    num_buckets: usize,
    max_distance: usize,
}

impl PositionBias {
    /// `(1, heads, q, k)` for queries at `offset..offset+q` over keys `0..k`.
    fn forward(&self, q: usize, k: usize, offset: usize, device: &Device) -> Result<Tensor> {
        let buckets: Vec<u32> = (0..q)
            .flat_map(|i| {
                (0..k).map(move |j| {
                    let rel = j as i64 - (i + offset) as i64;
                    relative_position_bucket(
                        rel,
                        self.bidirectional,
                        self.num_buckets,
                        self.max_distance,
                    )
                })
            })
            .collect();
        let buckets = Tensor::from_vec(buckets, (q, k), device)?;
        self.table
            .forward(&buckets)?
            .permute((2, 0, 1))?
            .unsqueeze(0)
    }
}

/// `T5DenseActDense` / `T5DenseGatedActDense`.
#[derive(Debug, Clone)]
struct FeedForward {
    wi: Linear,
    wi_1: Option<Linear>,
    wo: Linear,
    act: Activation,
}

impl FeedForward {
    fn new(cfg: &Config, vb: VarBuilder) -> Result<Self> {
        let (gated, act) = cfg.feed_forward().unwrap_or((false, Activation::Relu));
        let (d, f) = (cfg.d_model, cfg.d_ff);
        Ok(Self {
            wi: layers::linear(d, f, false, vb.pp(if gated { "wi_0" } else { "wi" }))?,
            wi_1: if gated {
                Some(layers::linear(d, f, false, vb.pp("wi_1"))?)
            } else {
                None
            },
            wo: layers::linear(f, d, false, vb.pp("wo"))?,
            act,
        })
    }

    fn forward(&self, xs: &Tensor) -> Result<Tensor> {
        let h = self.act.apply(&xs.apply(&self.wi)?)?;
        let h = match &self.wi_1 {
            Some(wi_1) => (h * xs.apply(wi_1)?)?,
            None => h,
        };
        h.apply(&self.wo)
    }
}

/// One `T5Block`: `layer.0` self-attention, (decoder) `layer.1`
/// cross-attention, then the feed-forward; each pre-normed with a residual.
#[derive(Debug, Clone)]
struct Block {
    self_attn: Attention,
    self_norm: RmsNorm,
    cross: Option<(Attention, RmsNorm)>,
    ffn: FeedForward,
    ffn_norm: RmsNorm,
}

impl Block {
    fn new(cfg: &Config, decoder: bool, vb: VarBuilder) -> Result<Self> {
        let vl = vb.pp("layer");
        let eps = cfg.layer_norm_epsilon;
        let cross = if decoder {
            Some((
                Attention::new(cfg.attention(), vl.pp(1).pp("EncDecAttention"))?,
                RmsNorm::new(cfg.d_model, eps, vl.pp(1).pp("layer_norm"))?,
            ))
        } else {
            None
        };
        let f = if decoder { 2 } else { 1 };
        Ok(Self {
            self_attn: Attention::new(cfg.attention(), vl.pp(0).pp("SelfAttention"))?,
            self_norm: RmsNorm::new(cfg.d_model, eps, vl.pp(0).pp("layer_norm"))?,
            cross,
            ffn: FeedForward::new(cfg, vl.pp(f).pp("DenseReluDense"))?,
            ffn_norm: RmsNorm::new(cfg.d_model, eps, vl.pp(f).pp("layer_norm"))?,
        })
    }

    fn forward(
        &self,
        xs: &Tensor,
        slot: &mut CacheSlot,
        self_bias: &Tensor,
        cross: Option<(&(Tensor, Tensor), &Tensor)>,
    ) -> Result<Tensor> {
        let h = self
            .self_attn
            .self_attend(&xs.apply(&self.self_norm)?, slot, Some(self_bias))?;
        let mut xs = (xs + h)?;
        if let (Some((attn, norm)), Some(((k, v), mask))) = (&self.cross, cross) {
            let h = attn.attend(&xs.apply(norm)?, k, v, Some(mask))?;
            xs = (xs + h)?;
        }
        &xs + self.ffn.forward(&xs.apply(&self.ffn_norm)?)?
    }
}

/// A stack (`T5Stack`): blocks, their shared position bias, the final norm.
#[derive(Debug, Clone)]
struct Stack {
    blocks: Vec<Block>,
    bias: PositionBias,
    final_norm: RmsNorm,
}

impl Stack {
    fn new(cfg: &Config, decoder: bool, layers: usize, vb: VarBuilder) -> Result<Self> {
        let vbb = vb.pp("block");
        let table = candle_nn::embedding(
            cfg.relative_attention_num_buckets,
            cfg.num_heads,
            vbb.pp(0)
                .pp("layer")
                .pp(0)
                .pp("SelfAttention")
                .pp("relative_attention_bias"),
        )?;
        Ok(Self {
            blocks: (0..layers)
                .map(|i| Block::new(cfg, decoder, vbb.pp(i)))
                .collect::<Result<_>>()?,
            bias: PositionBias {
                table,
                bidirectional: !decoder,
                num_buckets: cfg.relative_attention_num_buckets,
                max_distance: cfg.relative_attention_max_distance,
            },
            final_norm: RmsNorm::new(
                cfg.d_model,
                cfg.layer_norm_epsilon,
                vb.pp("final_layer_norm"),
            )?,
        })
    }
}

/// `T5ForConditionalGeneration`.
#[derive(Debug, Clone)]
pub struct T5 {
    cfg: Config,
    shared: TokenTable,
    encoder: Stack,
    decoder: Stack,
    lm_head: OutputLayer,
    device: Device,
}

impl T5 {
    /// Builds the model from checkpoint weights named as HF names them.
    pub fn new(cfg: Config, vb: VarBuilder) -> Result<Self> {
        Self::load(cfg, vb, None)
    }

    /// [`T5::new`], with the input embeddings left in `weights` and read
    /// as batches need them when the checkpoint has an output layer of its
    /// own (v1.1) in a safetensors file: the same outputs, without the
    /// vocabulary × width table in memory.
    pub fn with_rows_on_disk(cfg: Config, vb: VarBuilder, weights: &WeightsFile) -> Result<Self> {
        Self::load(cfg, vb, Some(weights))
    }

    fn load(cfg: Config, vb: VarBuilder, weights: Option<&WeightsFile>) -> Result<Self> {
        let device = vb.device().clone();
        let key = if vb.contains_tensor("shared.weight") {
            "shared.weight"
        } else {
            "encoder.embed_tokens.weight"
        };
        let dims = (cfg.vocab_size, cfg.d_model);
        // A checkpoint's own lm_head wins (v1.1); otherwise it is tied, and
        // the output layer needs the whole table in memory anyway.
        let (shared, lm_head) = if vb.contains_tensor("lm_head.weight") || !cfg.tie_word_embeddings
        {
            let shared = TokenTable::open_or(weights, key, dims, vb.dtype(), || {
                Ok(Embedding::new(vb.get(dims, key)?, cfg.d_model))
            })?;
            (shared, vb.get(dims, "lm_head.weight")?)
        } else {
            let w = vb.get(dims, key)?;
            (
                TokenTable::Loaded(Embedding::new(w.clone(), cfg.d_model)),
                w,
            )
        };
        Ok(Self {
            shared,
            encoder: Stack::new(&cfg, false, cfg.num_layers, vb.pp("encoder"))?,
            decoder: Stack::new(&cfg, true, cfg.decoder_layers(), vb.pp("decoder"))?,
            lm_head: OutputLayer::new(lm_head, None)?,
            cfg,
            device,
        })
    }
}

impl Seq2SeqModel for T5 {
    fn encode(&self, input_ids: &Tensor, attention_mask: &Tensor) -> Result<EncoderState> {
        let mask_bias = layers::padding_bias(attention_mask, self.lm_head.dtype())?;
        let s = input_ids.dim(1)?;
        let bias = self
            .encoder
            .bias
            .forward(s, s, 0, &self.device)?
            .broadcast_add(&mask_bias)?;
        let mut xs = self.shared.forward(input_ids)?;
        for block in &self.encoder.blocks {
            xs = block.forward(&xs, &mut CacheSlot::default(), &bias, None)?;
        }
        let hidden = xs.apply(&self.encoder.final_norm)?;
        let cross_kv = self
            .decoder
            .blocks
            .iter()
            .map(|b| match &b.cross {
                Some((attn, _)) => attn.project_kv(&hidden),
                None => Err(candle_core::Error::Msg(
                    "decoder block without cross-attention".into(),
                )),
            })
            .collect::<Result<_>>()?;
        Ok(EncoderState {
            hidden,
            mask_bias,
            cross_kv,
        })
    }

    fn decode_states(
        &self,
        decoder_ids: &Tensor,
        encoder: &EncoderState,
        cache: &mut KvCache,
        self_mask: Option<&Tensor>,
    ) -> Result<Tensor> {
        let (t, offset) = (decoder_ids.dim(1)?, cache.len());
        let mut bias = self
            .decoder
            .bias
            .forward(t, offset + t, offset, &self.device)?;
        if let Some(mask) = self_mask {
            bias = bias.broadcast_add(mask)?;
        }
        let mut xs = self.shared.forward(decoder_ids)?;
        for (i, block) in self.decoder.blocks.iter().enumerate() {
            xs = block.forward(
                &xs,
                cache.slot(i),
                &bias,
                Some((&encoder.cross_kv[i], &encoder.mask_bias)),
            )?;
        }
        let mut xs = xs.apply(&self.decoder.final_norm)?;
        if self
            .cfg
            .scale_decoder_outputs
            .unwrap_or(self.cfg.tie_word_embeddings)
        {
            // `scale_decoder_outputs`: tied v1.0 checkpoints rescale.
            xs = (xs * (self.cfg.d_model as f64).powf(-0.5))?;
        }
        Ok(xs)
    }

    fn output_layer(&self) -> &OutputLayer {
        &self.lm_head
    }

    fn new_cache(&self) -> KvCache {
        KvCache::new(self.cfg.decoder_layers())
    }

    fn special_tokens(&self) -> SpecialTokens {
        SpecialTokens {
            pad: self.cfg.pad_token_id,
            eos: self.cfg.eos_token_id,
            decoder_start: self
                .cfg
                .decoder_start_token_id
                .unwrap_or(self.cfg.pad_token_id),
            vocab_size: self.cfg.vocab_size,
        }
    }

    fn max_positions(&self) -> Option<usize> {
        None
    }

    fn device(&self) -> &Device {
        &self.device
    }
}
