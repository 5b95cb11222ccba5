//! Marian (OPUS-MT) on candle, computing what Hugging Face's
//! `MarianMTModel` computes
//! (`transformers/models/marian/modeling_marian.py`, v5.24):
//! post-norm transformer, sinusoidal positions, optional embedding scaling,
//! `final_logits_bias`, decoding that starts from `<pad>`.
//!
//! Read top to bottom: [`Config`], positions, attention, layers, encoder,
//! decoder, the model.

use std::path::Path;

use candle_core::{Device, Result, Tensor};
use candle_nn::{Embedding, LayerNorm, VarBuilder};
use serde::Deserialize;

use crate::error::Error;
use crate::layers::{
    self, Activation, Attention, AttentionSpec, CacheSlot, EncoderState, KvCache, Linear,
    OutputLayer, TokenTable,
};
use crate::model::{Seq2SeqModel, SpecialTokens};
use crate::source::WeightsFile;
use crate::weights::same_tensor;

/// `config.json` of a Marian checkpoint. Defaults are those of HF's
/// `MarianConfig`, so a file that omits a field means what it means to
/// transformers (older OPUS-MT conversions omit several).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Source (and, when shared, target) vocabulary size.
    pub vocab_size: usize,
    /// Target vocabulary size when the embeddings are not shared.
    pub decoder_vocab_size: Option<usize>,
    /// Length of the sinusoidal position tables: the longest source, and
    /// the longest decoder sequence, the model can take.
    pub max_position_embeddings: usize,
    /// Number of encoder layers.
    pub encoder_layers: usize,
    /// Encoder feed-forward width.
    pub encoder_ffn_dim: usize,
    /// Encoder attention heads.
    pub encoder_attention_heads: usize,
    /// Number of decoder layers.
    pub decoder_layers: usize,
    /// Decoder feed-forward width.
    pub decoder_ffn_dim: usize,
    /// Decoder attention heads.
    pub decoder_attention_heads: usize,
    /// HF activation name (`swish`, `relu`, `gelu`, `gelu_new`).
    pub activation_function: String,
    /// Model width.
    pub d_model: usize,
    /// First decoder input; Marian uses `<pad>`.
    pub decoder_start_token_id: u32,
    /// Multiply token embeddings by `sqrt(d_model)`.
    pub scale_embedding: bool,
    /// Padding token id.
    pub pad_token_id: u32,
    /// End-of-sentence token id.
    pub eos_token_id: u32,
    /// Token forced at the last position, if any (`null` allowed).
    pub forced_eos_token_id: Option<u32>,
    /// One embedding matrix for encoder, decoder and output layer.
    pub share_encoder_decoder_embeddings: bool,
    /// Output layer tied to the decoder embeddings (a checkpoint's own
    /// `lm_head.weight` wins, as in transformers 5).
    pub tie_word_embeddings: bool,
    /// Pre-norm layers. Hugging Face ignores this field and always runs
    /// post-norm; we refuse `true` instead of computing something else.
    pub normalize_before: bool,
    /// Sinusoidal (not learned) positions; only `true` is implemented, as in HF.
    pub static_position_embeddings: bool,
}

impl Default for Config {
    fn default() -> Self {
        // transformers' MarianConfig defaults.
        Self {
            vocab_size: 58101,
            decoder_vocab_size: None,
            max_position_embeddings: 1024,
            encoder_layers: 12,
            encoder_ffn_dim: 4096,
            encoder_attention_heads: 16,
            decoder_layers: 12,
            decoder_ffn_dim: 4096,
            decoder_attention_heads: 16,
            activation_function: "gelu".into(),
            d_model: 1024,
            decoder_start_token_id: 58100,
            scale_embedding: false,
            pad_token_id: 58100,
            eos_token_id: 0,
            forced_eos_token_id: Some(0),
            share_encoder_decoder_embeddings: true,
            tie_word_embeddings: true,
            normalize_before: false,
            static_position_embeddings: true,
        }
    }
}

impl Config {
    /// Reads and checks `config.json`; unsupported settings are errors that
    /// name the field.
    pub fn from_file(path: &Path) -> std::result::Result<Self, Error> {
        let cfg: Self = crate::error::read_json(path)?;
        let unsupported = |field: &str, value: String| Error::unsupported(path, field, value);
        if cfg.normalize_before {
            return Err(unsupported("normalize_before", "true".into()));
        }
        if !cfg.static_position_embeddings {
            return Err(unsupported("static_position_embeddings", "false".into()));
        }
        layers::check_bart_config(
            path,
            &cfg.activation_function,
            cfg.d_model,
            [
                ("encoder_attention_heads", cfg.encoder_attention_heads),
                ("decoder_attention_heads", cfg.decoder_attention_heads),
            ],
        )?;
        Ok(cfg)
    }

    fn activation(&self) -> Option<Activation> {
        Activation::from_hf_name(&self.activation_function)
    }

    /// Vocabulary of the decoder and output layer (HF's `target_vocab_size`).
    pub fn target_vocab_size(&self) -> usize {
        if self.share_encoder_decoder_embeddings {
            self.vocab_size
        } else {
            self.decoder_vocab_size.unwrap_or(self.vocab_size)
        }
    }

    fn embed_scale(&self) -> f64 {
        if self.scale_embedding {
            (self.d_model as f64).sqrt()
        } else {
            1.0
        }
    }

    fn attention(&self, heads: usize) -> AttentionSpec {
        AttentionSpec::bart(self.d_model, heads)
    }
}

/// Token embeddings scaled as in `MarianEncoder.forward` / `MarianDecoder.forward`,
/// plus the sinusoidal position of each step (`MarianSinusoidalPositionalEmbedding`).
#[derive(Debug, Clone)]
struct Embeddings {
    tokens: TokenTable,
    positions: Tensor,
    scale: f64,
}

impl Embeddings {
    /// `(b, t)` ids starting at position `offset` → `(b, t, d_model)`.
    fn forward(&self, ids: &Tensor, offset: usize) -> Result<Tensor> {
        let t = ids.dim(1)?;
        let xs = (self.tokens.forward(ids)? * self.scale)?;
        xs.broadcast_add(&self.positions.narrow(0, offset, t)?)
    }
}

/// `fc1 → activation → fc2`, the position-wise feed-forward block.
#[derive(Debug, Clone)]
struct FeedForward {
    fc1: Linear,
    fc2: Linear,
    act: Activation,
}

impl FeedForward {
    fn new(cfg: &Config, ffn_dim: usize, vb: &VarBuilder) -> Result<Self> {
        Ok(Self {
            fc1: layers::linear(cfg.d_model, ffn_dim, true, vb.pp("fc1"))?,
            fc2: layers::linear(ffn_dim, cfg.d_model, true, vb.pp("fc2"))?,
            act: cfg.activation().unwrap_or(Activation::GeluErf),
        })
    }

    fn forward(&self, xs: &Tensor) -> Result<Tensor> {
        self.act.apply(&xs.apply(&self.fc1)?)?.apply(&self.fc2)
    }
}

/// `MarianEncoderLayer`: post-norm self-attention and feed-forward.
#[derive(Debug, Clone)]
struct EncoderLayer {
    self_attn: Attention,
    self_attn_layer_norm: LayerNorm,
    ffn: FeedForward,
    final_layer_norm: LayerNorm,
}

impl EncoderLayer {
    fn new(cfg: &Config, vb: VarBuilder) -> Result<Self> {
        Ok(Self {
            self_attn: Attention::new(
                cfg.attention(cfg.encoder_attention_heads),
                vb.pp("self_attn"),
            )?,
            self_attn_layer_norm: candle_nn::layer_norm(
                cfg.d_model,
                1e-5,
                vb.pp("self_attn_layer_norm"),
            )?,
            ffn: FeedForward::new(cfg, cfg.encoder_ffn_dim, &vb)?,
            final_layer_norm: candle_nn::layer_norm(cfg.d_model, 1e-5, vb.pp("final_layer_norm"))?,
        })
    }

    fn forward(&self, xs: &Tensor, mask: &Tensor) -> Result<Tensor> {
        let (k, v) = self.self_attn.project_kv(xs)?;
        let xs = (xs + self.self_attn.attend(xs, &k, &v, Some(mask))?)?
            .apply(&self.self_attn_layer_norm)?;
        (&xs + self.ffn.forward(&xs)?)?.apply(&self.final_layer_norm)
    }
}

/// `MarianDecoderLayer`: post-norm causal self-attention, cross-attention
/// and feed-forward.
#[derive(Debug, Clone)]
struct DecoderLayer {
    self_attn: Attention,
    self_attn_layer_norm: LayerNorm,
    encoder_attn: Attention,
    encoder_attn_layer_norm: LayerNorm,
    ffn: FeedForward,
    final_layer_norm: LayerNorm,
}

impl DecoderLayer {
    fn new(cfg: &Config, vb: VarBuilder) -> Result<Self> {
        let spec = cfg.attention(cfg.decoder_attention_heads);
        Ok(Self {
            self_attn: Attention::new(spec, vb.pp("self_attn"))?,
            self_attn_layer_norm: candle_nn::layer_norm(
                cfg.d_model,
                1e-5,
                vb.pp("self_attn_layer_norm"),
            )?,
            encoder_attn: Attention::new(spec, vb.pp("encoder_attn"))?,
            encoder_attn_layer_norm: candle_nn::layer_norm(
                cfg.d_model,
                1e-5,
                vb.pp("encoder_attn_layer_norm"),
            )?,
            ffn: FeedForward::new(cfg, cfg.decoder_ffn_dim, &vb)?,
            final_layer_norm: candle_nn::layer_norm(cfg.d_model, 1e-5, vb.pp("final_layer_norm"))?,
        })
    }

    fn forward(
        &self,
        xs: &Tensor,
        slot: &mut CacheSlot,
        self_mask: Option<&Tensor>,
        cross_kv: &(Tensor, Tensor),
        cross_mask: &Tensor,
    ) -> Result<Tensor> {
        let h = self.self_attn.self_attend(xs, slot, self_mask)?;
        let xs = (xs + h)?.apply(&self.self_attn_layer_norm)?;
        let h = self
            .encoder_attn
            .attend(&xs, &cross_kv.0, &cross_kv.1, Some(cross_mask))?;
        let xs = (&xs + h)?.apply(&self.encoder_attn_layer_norm)?;
        (&xs + self.ffn.forward(&xs)?)?.apply(&self.final_layer_norm)
    }
}

/// `MarianEncoder`: embeddings and the encoder layers (no final norm).
#[derive(Debug, Clone)]
struct Encoder {
    embed: Embeddings,
    layers: Vec<EncoderLayer>,
}

impl Encoder {
    fn forward(&self, ids: &Tensor, mask_bias: &Tensor) -> Result<Tensor> {
        let mut xs = self.embed.forward(ids, 0)?;
        for layer in &self.layers {
            xs = layer.forward(&xs, mask_bias)?;
        }
        Ok(xs)
    }
}

/// `MarianDecoder`: embeddings and the decoder layers (no final norm).
#[derive(Debug, Clone)]
struct Decoder {
    embed: Embeddings,
    layers: Vec<DecoderLayer>,
}

/// `MarianMTModel`: encoder, decoder, output layer and `final_logits_bias`.
#[derive(Debug, Clone)]
pub struct Marian {
    cfg: Config,
    encoder: Encoder,
    decoder: Decoder,
    output: OutputLayer,
    device: Device,
}

/// The first of `names` present in the checkpoint, else the first (so the
/// missing-weight error names the canonical key).
fn first_present<'a>(vb: &VarBuilder, names: &[&'a str]) -> &'a str {
    names
        .iter()
        .copied()
        .find(|n| vb.contains_tensor(n))
        .unwrap_or(names[0])
}

impl Marian {
    /// Builds the model from checkpoint weights named as HF names them
    /// (`model.encoder.layers.0.self_attn.q_proj.weight`, ...).
    pub fn new(cfg: Config, vb: VarBuilder) -> Result<Self> {
        Self::load(cfg, vb, None)
    }

    /// [`Marian::new`], with the embedding tables the output layer does
    /// not use (the encoder's when it has its own, both with a separate
    /// `lm_head`) left in `weights` and read as batches need them, when it
    /// is a safetensors file: the same outputs, less memory.
    pub fn with_rows_on_disk(cfg: Config, vb: VarBuilder, weights: &WeightsFile) -> Result<Self> {
        Self::load(cfg, vb, Some(weights))
    }

    fn load(cfg: Config, vb: VarBuilder, weights: Option<&WeightsFile>) -> Result<Self> {
        let device = vb.device().clone();
        let d = cfg.d_model;
        // HF stores tied embeddings once, as `model.shared.weight`; older
        // conversions store every copy, some only the encoder's.
        let vbm = vb.pp("model");
        let src_key = first_present(&vbm, &["shared.weight", "encoder.embed_tokens.weight"]);
        let shared = cfg.share_encoder_decoder_embeddings;
        let tgt_key = if shared {
            src_key
        } else {
            "decoder.embed_tokens.weight"
        };
        let (src_dims, tgt_dims) = ((cfg.vocab_size, d), (cfg.target_vocab_size(), d));
        let table = |key: &str, dims: (usize, usize)| {
            TokenTable::open_or(weights, &format!("model.{key}"), dims, vb.dtype(), || {
                Ok(Embedding::new(vbm.get(dims, key)?, d))
            })
        };
        // `_tied_weights_keys` ties lm_head to the decoder embedding; like
        // transformers 5, a checkpoint that has its own lm_head keeps it.
        // A table the output layer reads is needed whole in memory.
        // A pytorch_model.bin may store lm_head as the decoder's table under
        // a second name: then it is tied, and loaded once.
        let own_head = vb.contains_tensor("lm_head.weight")
            && !weights
                .is_some_and(|w| same_tensor(w, "lm_head.weight", &format!("model.{tgt_key}")));
        let (src_embed, tgt_embed, lm_head) = if own_head {
            let src = table(src_key, src_dims)?;
            let tgt = if shared {
                src.clone()
            } else {
                table(tgt_key, tgt_dims)?
            };
            (src, tgt, vb.get(tgt_dims, "lm_head.weight")?)
        } else {
            let w = vbm.get(tgt_dims, tgt_key)?;
            let tgt = TokenTable::Loaded(Embedding::new(w.clone(), d));
            let src = if shared {
                tgt.clone()
            } else {
                table(src_key, src_dims)?
            };
            (src, tgt, w)
        };
        // Missing in some checkpoints: HF then keeps its zero initialisation.
        let final_logits_bias = if vb.contains_tensor("final_logits_bias") {
            vb.get((1, cfg.target_vocab_size()), "final_logits_bias")?
        } else {
            Tensor::zeros((1, cfg.target_vocab_size()), vb.dtype(), &device)?
        };
        // HF recomputes the tables (`_keys_to_ignore_on_save`), so do we.
        let positions = layers::sinusoidal_table(cfg.max_position_embeddings, d, &device)?
            .to_dtype(vb.dtype())?;
        let embeddings = |tokens: TokenTable| Embeddings {
            tokens,
            positions: positions.clone(),
            scale: cfg.embed_scale(),
        };
        let venc = vbm.pp("encoder").pp("layers");
        let vdec = vbm.pp("decoder").pp("layers");
        let encoder = Encoder {
            embed: embeddings(src_embed),
            layers: (0..cfg.encoder_layers)
                .map(|i| EncoderLayer::new(&cfg, venc.pp(i)))
                .collect::<Result<_>>()?,
        };
        let decoder = Decoder {
            embed: embeddings(tgt_embed),
            layers: (0..cfg.decoder_layers)
                .map(|i| DecoderLayer::new(&cfg, vdec.pp(i)))
                .collect::<Result<_>>()?,
        };
        Ok(Self {
            cfg,
            encoder,
            decoder,
            output: OutputLayer::new(lm_head, Some(final_logits_bias))?,
            device,
        })
    }

    /// The configuration the model was built from.
    pub fn config(&self) -> &Config {
        &self.cfg
    }
}

impl Seq2SeqModel for Marian {
    fn encode(&self, input_ids: &Tensor, attention_mask: &Tensor) -> Result<EncoderState> {
        let mask_bias = layers::padding_bias(attention_mask, self.output.dtype())?;
        let hidden = self.encoder.forward(input_ids, &mask_bias)?;
        let cross_kv = self
            .decoder
            .layers
            .iter()
            .map(|l| l.encoder_attn.project_kv(&hidden))
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
        let mut xs = self.decoder.embed.forward(decoder_ids, cache.len())?;
        for (i, layer) in self.decoder.layers.iter().enumerate() {
            xs = layer.forward(
                &xs,
                cache.slot(i),
                self_mask,
                &encoder.cross_kv[i],
                &encoder.mask_bias,
            )?;
        }
        Ok(xs)
    }

    fn output_layer(&self) -> &OutputLayer {
        &self.output
    }

    fn new_cache(&self) -> KvCache {
        KvCache::new(self.cfg.decoder_layers)
    }

    fn special_tokens(&self) -> SpecialTokens {
        SpecialTokens {
            pad: self.cfg.pad_token_id,
            eos: self.cfg.eos_token_id,
            decoder_start: self.cfg.decoder_start_token_id,
            vocab_size: self.cfg.target_vocab_size(),
        }
    }

    fn max_positions(&self) -> Option<usize> {
        Some(self.cfg.max_position_embeddings)
    }

    fn device(&self) -> &Device {
        &self.device
    }
}
