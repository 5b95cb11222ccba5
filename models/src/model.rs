//! The interface the decoder search needs from an encoder–decoder model.

use candle_core::{DType, Device, Result, Tensor, D};

use crate::layers::{self, EncoderState, KvCache, OutputLayer};

/// Token ids the search needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecialTokens {
    /// Padding; never generated.
    pub pad: u32,
    /// End of sentence.
    pub eos: u32,
    /// First decoder input (`decoder_start_token_id`).
    pub decoder_start: u32,
    /// Size of the output vocabulary (logits width).
    pub vocab_size: usize,
}

/// An encoder–decoder translation model (Marian, T5).
pub trait Seq2SeqModel: Send + Sync {
    /// Runs the encoder on `(b, s)` ids with their `(b, s)` mask (1 = token,
    /// 0 = padding) and precomputes the cross-attention keys/values.
    fn encode(&self, input_ids: &Tensor, attention_mask: &Tensor) -> Result<EncoderState>;

    /// Runs the decoder on `(b, t)` ids that follow the `cache.len()` cached
    /// positions, appends their keys/values to `cache`, and returns the final
    /// states `(b, t, d_model)` that [`Seq2SeqModel::output_layer`] turns into
    /// logits. `self_mask` is the additive self-attention mask (causal when
    /// `t > 1`; `None` for one step).
    fn decode_states(
        &self,
        decoder_ids: &Tensor,
        encoder: &EncoderState,
        cache: &mut KvCache,
        self_mask: Option<&Tensor>,
    ) -> Result<Tensor>;

    /// The projection to vocabulary logits.
    fn output_layer(&self) -> &OutputLayer;

    /// [`Seq2SeqModel::decode_states`] followed by the output layer: float32
    /// logits `(b, t, vocab)`.
    fn decode(
        &self,
        decoder_ids: &Tensor,
        encoder: &EncoderState,
        cache: &mut KvCache,
        self_mask: Option<&Tensor>,
    ) -> Result<Tensor> {
        let states = self.decode_states(decoder_ids, encoder, cache, self_mask)?;
        self.output_layer().forward(&states)
    }

    /// An empty self-attention cache for this decoder.
    fn new_cache(&self) -> KvCache;

    /// pad / eos / decoder start ids and the vocabulary size.
    fn special_tokens(&self) -> SpecialTokens;

    /// Longest source or decoder sequence, for models with absolute
    /// positions; `None` when there is no limit (T5).
    fn max_positions(&self) -> Option<usize>;

    /// Device of the weights.
    fn device(&self) -> &Device;

    /// Whether the model translates between many languages, told which by
    /// language tokens (M2M100, NLLB) rather than trained for one direction.
    fn many_to_many(&self) -> bool {
        false
    }
}

/// Teacher-forced log-probabilities `(b, t, vocab)` of the decoder inputs
/// `decoder_ids` (`decoder_start` followed by the target, padded), in one
/// pass with a causal mask: what HF's `model(input_ids, attention_mask,
/// decoder_input_ids).logits.log_softmax(-1)` gives.
pub fn teacher_forced_log_probs(
    model: &dyn Seq2SeqModel,
    input_ids: &Tensor,
    attention_mask: &Tensor,
    decoder_ids: &Tensor,
) -> Result<Tensor> {
    let enc = model.encode(input_ids, attention_mask)?;
    let t = decoder_ids.dim(1)?;
    let causal = layers::causal_bias(t, model.device(), enc.mask_bias.dtype())?;
    let mut cache = model.new_cache();
    let logits = model.decode(decoder_ids, &enc, &mut cache, Some(&causal))?;
    candle_nn::ops::log_softmax(&logits.to_dtype(DType::F32)?, D::Minus1)
}
