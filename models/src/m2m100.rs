//! M2M100 and NLLB-200 (`facebook/nllb-200-distilled-600M`) on candle,
//! computing what Hugging Face's `M2M100ForConditionalGeneration`
//! (`transformers/models/m2m_100/modeling_m2m_100.py`) computes: pre-norm
//! transformer with a final layer norm on each stack, sinusoidal positions
//! counted from `pad_token_id + 1`, scaled embeddings, an output layer tied
//! to the shared embeddings. One model translates between all its
//! languages: the source sentence starts with its language's token
//! (`kaz_Cyrl`), and the first generated token is forced to the target's
//! (see `SearchParams::forced_bos`).
//!
//! Read top to bottom: [`Config`], positions, layers, the model.

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

/// `config.json` of an M2M100 / NLLB checkpoint, with `M2M100Config`'s
/// defaults.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Shared vocabulary size.
    pub vocab_size: usize,
    /// Longest source, and longest decoder sequence.
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
    /// HF activation name (`relu` in every released checkpoint).
    pub activation_function: String,
    /// Model width.
    pub d_model: usize,
    /// Multiply token embeddings by `sqrt(d_model)`.
    pub scale_embedding: bool,
    /// Padding id; positions count from the one after it.
    pub pad_token_id: u32,
    /// End-of-sentence id.
    pub eos_token_id: u32,
    /// First decoder input (`</s>` for M2M100 and NLLB).
    pub decoder_start_token_id: u32,
}

impl Default for Config {
    fn default() -> Self {
        // transformers' M2M100Config defaults.
        Self {
            vocab_size: 128112,
            max_position_embeddings: 1024,
            encoder_layers: 12,
            encoder_ffn_dim: 4096,
            encoder_attention_heads: 16,
            decoder_layers: 12,
            decoder_ffn_dim: 4096,
            decoder_attention_heads: 16,
            activation_function: "relu".into(),
            d_model: 1024,
            scale_embedding: true,
            pad_token_id: 1,
            eos_token_id: 2,
            decoder_start_token_id: 2,
        }
    }
}

impl Config {
    /// Reads and checks `config.json`; unsupported settings are errors that
    /// name the field.
    pub fn from_file(path: &Path) -> std::result::Result<Self, Error> {
        let cfg: Self = crate::error::read_json(path)?;
        let value: serde_json::Value = crate::error::read_json(path)?;
        let unsupported = |field: &str, value: String| Error::unsupported(path, field, value);
        // NLLB-MoE shares the model type's name but not its layers.
        if let Some(experts) = value.get("num_experts") {
            return Err(unsupported("num_experts", experts.to_string()));
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

    fn attention(&self, heads: usize) -> AttentionSpec {
        AttentionSpec::bart(self.d_model, heads)
    }

    /// Where the first token's position lies in the table: positions are
    /// counted from the padding id on, so that padding gets a row of its own.
    fn position_offset(&self) -> usize {
        self.pad_token_id as usize + 1
    }
}

/// `M2M100SinusoidalPositionalEmbedding.get_embedding`: `n` rows of
/// `[sin(p·f) | cos(p·f)]` with `f_i = 10000^(−i / (dim/2 − 1))` (not
/// Marian's exponent), and the padding row zero.
fn position_table(n: usize, dim: usize, pad: usize, device: &Device) -> Result<Tensor> {
    let half = dim / 2;
    let step = (10000f64).ln() / (half.max(2) - 1) as f64;
    let mut data = vec![0f32; n * dim];
    for pos in (0..n).filter(|&p| p != pad) {
        let row = &mut data[pos * dim..(pos + 1) * dim];
        for i in 0..half {
            // HF computes the frequencies in float32, then the angle.
            let freq = (-(i as f64) * step).exp() as f32;
            let angle = pos as f32 * freq;
            row[i] = angle.sin();
            row[half + i] = angle.cos();
        }
    }
    Tensor::from_vec(data, (n, dim), device)
}

/// Scaled token embeddings plus positions.
#[derive(Debug, Clone)]
struct Embeddings {
    tokens: TokenTable,
    positions: Tensor,
    scale: f64,
    offset: usize,
}

impl Embeddings {
    /// `(b, t)` ids whose first is token number `start` → `(b, t, d_model)`.
    fn forward(&self, ids: &Tensor, start: usize) -> Result<Tensor> {
        let t = ids.dim(1)?;
        let xs = (self.tokens.forward(ids)? * self.scale)?;
        xs.broadcast_add(&self.positions.narrow(0, self.offset + start, t)?)
    }
}

fn layer_norm(cfg: &Config, vb: VarBuilder) -> Result<LayerNorm> {
    candle_nn::layer_norm(cfg.d_model, 1e-5, vb)
}

/// Pre-norm feed-forward block: `x + fc2(act(fc1(norm(x))))`.
#[derive(Debug, Clone)]
struct FeedForward {
    norm: LayerNorm,
    fc1: Linear,
    fc2: Linear,
    act: Activation,
}

impl FeedForward {
    fn new(cfg: &Config, ffn_dim: usize, vb: &VarBuilder) -> Result<Self> {
        Ok(Self {
            norm: layer_norm(cfg, vb.pp("final_layer_norm"))?,
            fc1: layers::linear(cfg.d_model, ffn_dim, true, vb.pp("fc1"))?,
            fc2: layers::linear(ffn_dim, cfg.d_model, true, vb.pp("fc2"))?,
            act: cfg.activation().unwrap_or(Activation::Relu),
        })
    }

    fn forward(&self, xs: &Tensor) -> Result<Tensor> {
        let h = self.act.apply(&xs.apply(&self.norm)?.apply(&self.fc1)?)?;
        xs + h.apply(&self.fc2)?
    }
}

/// `M2M100EncoderLayer`.
#[derive(Debug, Clone)]
struct EncoderLayer {
    self_attn: Attention,
    self_attn_layer_norm: LayerNorm,
    ffn: FeedForward,
}

impl EncoderLayer {
    fn new(cfg: &Config, vb: VarBuilder) -> Result<Self> {
        Ok(Self {
            self_attn: Attention::new(
                cfg.attention(cfg.encoder_attention_heads),
                vb.pp("self_attn"),
            )?,
            self_attn_layer_norm: layer_norm(cfg, vb.pp("self_attn_layer_norm"))?,
            ffn: FeedForward::new(cfg, cfg.encoder_ffn_dim, &vb)?,
        })
    }

    fn forward(&self, xs: &Tensor, mask: &Tensor) -> Result<Tensor> {
        let h = xs.apply(&self.self_attn_layer_norm)?;
        let (k, v) = self.self_attn.project_kv(&h)?;
        let xs = (xs + self.self_attn.attend(&h, &k, &v, Some(mask))?)?;
        self.ffn.forward(&xs)
    }
}

/// `M2M100DecoderLayer`.
#[derive(Debug, Clone)]
struct DecoderLayer {
    self_attn: Attention,
    self_attn_layer_norm: LayerNorm,
    encoder_attn: Attention,
    encoder_attn_layer_norm: LayerNorm,
    ffn: FeedForward,
}

impl DecoderLayer {
    fn new(cfg: &Config, vb: VarBuilder) -> Result<Self> {
        let spec = cfg.attention(cfg.decoder_attention_heads);
        Ok(Self {
            self_attn: Attention::new(spec, vb.pp("self_attn"))?,
            self_attn_layer_norm: layer_norm(cfg, vb.pp("self_attn_layer_norm"))?,
            encoder_attn: Attention::new(spec, vb.pp("encoder_attn"))?,
            encoder_attn_layer_norm: layer_norm(cfg, vb.pp("encoder_attn_layer_norm"))?,
            ffn: FeedForward::new(cfg, cfg.decoder_ffn_dim, &vb)?,
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
        let h = xs.apply(&self.self_attn_layer_norm)?;
        let xs = (xs + self.self_attn.self_attend(&h, slot, self_mask)?)?;
        let h = xs.apply(&self.encoder_attn_layer_norm)?;
        let h = self
            .encoder_attn
            .attend(&h, &cross_kv.0, &cross_kv.1, Some(cross_mask))?;
        self.ffn.forward(&(xs + h)?)
    }
}

/// `M2M100ForConditionalGeneration`.
#[derive(Debug, Clone)]
pub struct M2M100 {
    cfg: Config,
    encoder_embed: Embeddings,
    encoder_layers: Vec<EncoderLayer>,
    encoder_norm: LayerNorm,
    decoder_embed: Embeddings,
    decoder_layers: Vec<DecoderLayer>,
    decoder_norm: LayerNorm,
    output: OutputLayer,
    device: Device,
}

impl M2M100 {
    /// Builds the model from checkpoint weights named as HF names them
    /// (`model.encoder.layers.0.self_attn.q_proj.weight`, ...).
    pub fn new(cfg: Config, vb: VarBuilder) -> Result<Self> {
        Self::load(cfg, vb, None)
    }

    /// [`M2M100::new`]; when the checkpoint has an output layer of its own,
    /// the input embeddings stay in `weights` and are read as batches need
    /// them (NLLB's table is 256,206 × 1024).
    pub fn with_rows_on_disk(cfg: Config, vb: VarBuilder, weights: &WeightsFile) -> Result<Self> {
        Self::load(cfg, vb, Some(weights))
    }

    fn load(cfg: Config, vb: VarBuilder, weights: Option<&WeightsFile>) -> Result<Self> {
        let device = vb.device().clone();
        let d = cfg.d_model;
        let dims = (cfg.vocab_size, d);
        let vbm = vb.pp("model");
        // Tied checkpoints store the table once, as `model.shared.weight`;
        // some conversions store only the encoder's copy.
        let key = ["shared.weight", "encoder.embed_tokens.weight"]
            .into_iter()
            .find(|k| vbm.contains_tensor(k))
            .unwrap_or("shared.weight");
        // A pytorch_model.bin may store lm_head as the table itself under a
        // second name: then it is tied, and loaded once.
        let own_head = vb.contains_tensor("lm_head.weight")
            && !weights.is_some_and(|w| same_tensor(w, "lm_head.weight", &format!("model.{key}")));
        let (tokens, lm_head) = if own_head {
            let table =
                TokenTable::open_or(weights, &format!("model.{key}"), dims, vb.dtype(), || {
                    Ok(Embedding::new(vbm.get(dims, key)?, d))
                })?;
            (table, vb.get(dims, "lm_head.weight")?)
        } else {
            let w = vbm.get(dims, key)?;
            (TokenTable::Loaded(Embedding::new(w.clone(), d)), w)
        };
        let offset = cfg.position_offset();
        let positions = position_table(
            cfg.max_position_embeddings + offset,
            d,
            cfg.pad_token_id as usize,
            &device,
        )?
        .to_dtype(vb.dtype())?;
        let embeddings = Embeddings {
            tokens,
            positions,
            scale: if cfg.scale_embedding {
                (d as f64).sqrt()
            } else {
                1.0
            },
            offset,
        };
        let (venc, vdec) = (vbm.pp("encoder"), vbm.pp("decoder"));
        let encoder_layers = (0..cfg.encoder_layers)
            .map(|i| EncoderLayer::new(&cfg, venc.pp("layers").pp(i)))
            .collect::<Result<_>>()?;
        let decoder_layers = (0..cfg.decoder_layers)
            .map(|i| DecoderLayer::new(&cfg, vdec.pp("layers").pp(i)))
            .collect::<Result<_>>()?;
        Ok(Self {
            encoder_norm: layer_norm(&cfg, venc.pp("layer_norm"))?,
            decoder_norm: layer_norm(&cfg, vdec.pp("layer_norm"))?,
            encoder_embed: embeddings.clone(),
            decoder_embed: embeddings,
            encoder_layers,
            decoder_layers,
            output: OutputLayer::new(lm_head, None)?,
            cfg,
            device,
        })
    }

    /// The configuration the model was built from.
    pub fn config(&self) -> &Config {
        &self.cfg
    }
}

impl Seq2SeqModel for M2M100 {
    fn encode(&self, input_ids: &Tensor, attention_mask: &Tensor) -> Result<EncoderState> {
        let mask_bias = layers::padding_bias(attention_mask, self.output.dtype())?;
        // Padding takes position rows past the sentence here, the padding
        // row in HF: either way masked, and no real token sees it.
        let mut xs = self.encoder_embed.forward(input_ids, 0)?;
        for layer in &self.encoder_layers {
            xs = layer.forward(&xs, &mask_bias)?;
        }
        let hidden = xs.apply(&self.encoder_norm)?;
        let cross_kv = self
            .decoder_layers
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
        let mut xs = self.decoder_embed.forward(decoder_ids, cache.len())?;
        for (i, layer) in self.decoder_layers.iter().enumerate() {
            xs = layer.forward(
                &xs,
                cache.slot(i),
                self_mask,
                &encoder.cross_kv[i],
                &encoder.mask_bias,
            )?;
        }
        xs.apply(&self.decoder_norm)
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
            vocab_size: self.cfg.vocab_size,
        }
    }

    fn max_positions(&self) -> Option<usize> {
        Some(self.cfg.max_position_embeddings)
    }

    fn device(&self) -> &Device {
        &self.device
    }

    fn many_to_many(&self) -> bool {
        true
    }
}
