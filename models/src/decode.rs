//! Greedy and beam search over a [`Seq2SeqModel`], reproducing Hugging
//! Face's `GenerationMixin._sample` (greedy) and the vectorised
//! `GenerationMixin._beam_search` of transformers v5 for one sentence at a
//! time: the same candidates, the same `-1e9` penalties, the same
//! early-stopping heuristic, so the same outputs.
//!
//! Batching never changes a sentence's result: every sentence carries its
//! own beams, maximum length and finished hypotheses, and a sentence whose
//! result can no longer change leaves the batch (its rows are dropped from
//! the KV cache and encoder state).
//!
//! Lengths follow HF's convention: `max_length` and `min_length` count the
//! decoder start token, so at most `max_length - 1` tokens are generated.

use candle_core::{Tensor, D};

use crate::layers::EncoderState;
use crate::model::{Seq2SeqModel, SpecialTokens};
use crate::step::StepLogits;

/// HF's stand-in for "impossible" scores in beam search.
pub(crate) const NEG: f32 = -1.0e9;

/// Upper bound on the decoder sequence length (start token included).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MaxLength {
    /// The same bound for every sentence (HF `max_length`).
    Absolute(usize),
    /// `base + per_source_token · source_length`, rounded down, where the
    /// source length counts tokens including `</s>`.
    Relative {
        /// Constant part.
        base: usize,
        /// Factor on the source length.
        per_source_token: f32,
    },
}

impl MaxLength {
    /// The bound for a source of `src_len` tokens.
    pub fn for_source(self, src_len: usize) -> usize {
        match self {
            MaxLength::Absolute(n) => n,
            MaxLength::Relative {
                base,
                per_source_token,
            } => base + (per_source_token.max(0.0) * src_len as f32).floor() as usize,
        }
    }
}

/// HF `early_stopping`: `false` (default), `true` or `"never"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EarlyStopping {
    /// Stop a sentence when the best running beam, scored at its current
    /// length, cannot beat the worst finished one (HF default).
    #[default]
    Heuristic,
    /// Stop as soon as `beam_size` hypotheses are finished.
    Eager,
    /// Canonical beam search: with a positive length penalty, bound the
    /// running score at `max_length`.
    Never,
}

/// Fully resolved search settings (see `DecodeOptions` for the defaults).
#[derive(Debug, Clone, PartialEq)]
pub struct SearchParams {
    /// 1 = greedy.
    pub beam_size: usize,
    /// Finished hypotheses are ranked by `score / generated_len^length_penalty`.
    pub length_penalty: f32,
    /// Bound on the decoder length.
    pub max_length: MaxLength,
    /// EOS is forbidden while the decoder sequence is shorter than this.
    pub min_length: usize,
    /// Early-stopping rule of beam search.
    pub early_stopping: EarlyStopping,
    /// Token forced at position `max_length - 1` (HF `forced_eos_token_id`).
    pub forced_eos: Option<u32>,
    /// Token forced right after the decoder start (HF
    /// `forced_bos_token_id`): the target language of a many-to-many model
    /// such as NLLB. Its log-probability counts as 0, as in HF.
    pub forced_bos: Option<u32>,
    /// Tokens never generated (HF single-token `bad_words_ids`); `<pad>` is
    /// always added.
    pub bad_words: Vec<u32>,
    /// Log-softmax again after the masks (HF `renormalize_logits`).
    pub renormalize_logits: bool,
}

impl Default for SearchParams {
    fn default() -> Self {
        // transformers' GenerationConfig defaults.
        Self {
            beam_size: 1,
            length_penalty: 1.0,
            max_length: MaxLength::Absolute(20),
            min_length: 0,
            early_stopping: EarlyStopping::Heuristic,
            forced_eos: None,
            forced_bos: None,
            bad_words: Vec::new(),
            renormalize_logits: false,
        }
    }
}

/// One decoded sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    /// Generated ids without the start token; ends with EOS unless the
    /// length bound cut it.
    pub tokens: Vec<u32>,
    /// Beam search: HF's `sequences_scores` (sum of log-probabilities over
    /// `generated_len^length_penalty`). Greedy: the same formula on the
    /// log-probabilities of the chosen tokens.
    pub score: f32,
}

/// Splits sentence indices into batches: sorted by length (longest first,
/// stable), at most `batch_size` sentences and, if given, at most
/// `max_tokens` padded source tokens per batch (a single longer sentence
/// still gets a batch of its own).
pub fn plan_batches(
    lengths: &[usize],
    batch_size: usize,
    max_tokens: Option<usize>,
) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    order.sort_by(|&a, &b| lengths[b].cmp(&lengths[a]));
    let mut batches: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    for i in order {
        // Longest first: the first sentence of a batch sets its padded width.
        let width = current.first().map_or(lengths[i], |&f| lengths[f]);
        let fits_tokens = max_tokens.is_none_or(|m| (current.len() + 1) * width <= m);
        if !current.is_empty() && (current.len() >= batch_size.max(1) || !fits_tokens) {
            batches.push(std::mem::take(&mut current));
        }
        current.push(i);
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
}

/// Translates token sequences (each ending in `</s>`), batching them by
/// length; results come back in input order.
pub fn generate_all(
    model: &dyn Seq2SeqModel,
    sources: &[Vec<u32>],
    params: &SearchParams,
    batch_size: usize,
    max_tokens: Option<usize>,
) -> candle_core::Result<Vec<Generated>> {
    crate::cpu::on_pool(|| generate_batches(model, sources, params, batch_size, max_tokens))
}

fn generate_batches(
    model: &dyn Seq2SeqModel,
    sources: &[Vec<u32>],
    params: &SearchParams,
    batch_size: usize,
    max_tokens: Option<usize>,
) -> candle_core::Result<Vec<Generated>> {
    let lengths: Vec<usize> = sources.iter().map(Vec::len).collect();
    let mut out: Vec<Option<Generated>> = vec![None; sources.len()];
    for batch in plan_batches(&lengths, batch_size, max_tokens) {
        let srcs: Vec<Vec<u32>> = batch.iter().map(|&i| sources[i].clone()).collect();
        for (i, g) in batch.iter().zip(generate(model, &srcs, params)?) {
            out[*i] = Some(g);
        }
    }
    Ok(out
        .into_iter()
        .map(|g| g.expect("every sentence is in a batch"))
        .collect())
}

/// Cuts a source longer than the model's positions, keeping its last token
/// (`</s>`), with a warning.
fn truncate_source(src: &[u32], limit: Option<usize>) -> Vec<u32> {
    match limit {
        Some(limit) if src.len() > limit && limit > 0 => {
            tracing::warn!(
                "source of {} tokens truncated to the model's {limit} positions",
                src.len()
            );
            let mut cut = src[..limit - 1].to_vec();
            cut.extend(src.last());
            cut
        }
        _ => src.to_vec(),
    }
}

/// Translates one batch of token sequences (padded on the right here).
pub fn generate(
    model: &dyn Seq2SeqModel,
    sources: &[Vec<u32>],
    params: &SearchParams,
) -> candle_core::Result<Vec<Generated>> {
    if sources.is_empty() {
        return Ok(Vec::new());
    }
    let sp = model.special_tokens();
    let limit = model.max_positions();
    let sources: Vec<Vec<u32>> = sources.iter().map(|s| truncate_source(s, limit)).collect();
    let width = sources.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let mut ids = Vec::with_capacity(sources.len() * width);
    let mut mask = Vec::with_capacity(sources.len() * width);
    for s in &sources {
        for j in 0..width {
            ids.push(s.get(j).copied().unwrap_or(sp.pad));
            mask.push(u32::from(j < s.len()));
        }
    }
    let dev = model.device();
    let ids = Tensor::from_vec(ids, (sources.len(), width), dev)?;
    let mask = Tensor::from_vec(mask, (sources.len(), width), dev)?;
    let enc = model.encode(&ids, &mask)?;
    let max_lens: Vec<usize> = sources
        .iter()
        .map(|s| {
            let m = params.max_length.for_source(s.len()).max(2);
            limit.map_or(m, |l| m.min(l))
        })
        .collect();
    let masks = Masks::new(params, sp);
    if params.beam_size <= 1 {
        greedy(model, enc, &max_lens, params.length_penalty, &masks)
    } else {
        crate::beam::beam(model, enc, &max_lens, params, &masks)
    }
}

/// The logits processors HF applies, in its order: bad words, minimum
/// length, forced BOS, forced EOS, renormalisation.
pub(crate) struct Masks {
    bad: Vec<u32>,
    eos: u32,
    min_length: usize,
    forced_bos: Option<u32>,
    forced_eos: Option<u32>,
    renormalize: bool,
}

impl Masks {
    fn new(params: &SearchParams, sp: SpecialTokens) -> Self {
        let mut bad: Vec<u32> = params.bad_words.clone();
        bad.push(sp.pad);
        // NoBadWordsLogitsProcessor never bans EOS.
        bad.retain(|&t| t != sp.eos && (t as usize) < sp.vocab_size);
        Self {
            bad,
            eos: sp.eos,
            min_length: params.min_length,
            forced_bos: params.forced_bos,
            forced_eos: params.forced_eos,
            renormalize: params.renormalize_logits,
        }
    }

    /// Tokens the processors set to `-inf` at decoder length `cur_len`:
    /// bad words and, before the minimum length, EOS.
    pub(crate) fn banned(&self, cur_len: usize, vocab: usize) -> Vec<bool> {
        let mut banned = vec![false; vocab];
        for &t in &self.bad {
            banned[t as usize] = true;
        }
        if cur_len < self.min_length && (self.eos as usize) < vocab {
            banned[self.eos as usize] = true;
        }
        banned
    }

    /// The token forced at this length for a sentence bounded by `max_len`.
    /// HF applies the forced-EOS processor after the forced-BOS one, so
    /// EOS wins where both apply.
    pub(crate) fn forced(&self, cur_len: usize, max_len: usize) -> Option<u32> {
        self.forced_eos
            .filter(|_| cur_len == max_len - 1)
            .or(self.forced_bos.filter(|_| cur_len == 1))
    }

    /// Normalisers after HF's `renormalize_logits`: with banned tokens at
    /// `-inf`, the remaining probabilities are rescaled to sum to one.
    pub(crate) fn renormalized(
        &self,
        logits: &StepLogits,
        lse: Vec<f32>,
        banned: &[bool],
    ) -> Vec<f32> {
        if !self.renormalize {
            return lse;
        }
        let banned: Vec<usize> = (0..logits.vocab).filter(|&v| banned[v]).collect();
        lse.iter()
            .enumerate()
            .map(|(r, &l)| {
                let mass: f32 = banned.iter().map(|&v| (logits.logit(v, r) - l).exp()).sum();
                l + (1.0 - mass).ln()
            })
            .collect()
    }
}

/// `score / generated_len^length_penalty` in float32 with the divisor
/// computed in float64, as `tensor / (int ** float)` does in PyTorch.
pub(crate) fn penalized(score: f32, generated_len: usize, length_penalty: f32) -> f32 {
    score / (generated_len as f64).powf(length_penalty as f64) as f32
}

/// One decoder step for the rows fed `last` tokens; `f` reads its logits
/// on the host (borrowed from CPU storage, copied from other devices into
/// `host`, a buffer the search keeps from step to step).
pub(crate) fn step<R>(
    model: &dyn Seq2SeqModel,
    last: &[u32],
    enc: &EncoderState,
    cache: &mut crate::layers::KvCache,
    host: &mut Vec<f32>,
    f: impl FnOnce(&StepLogits) -> R,
) -> candle_core::Result<R> {
    let rows = last.len();
    let input = Tensor::from_vec(last.to_vec(), (rows, 1), model.device())?;
    let states = model.decode_states(&input, enc, cache, None)?;
    let d = states.dim(D::Minus1)?;
    let out = model.output_layer();
    let logits = out.logits_transposed(&states.reshape((rows, d))?)?;
    let vocab = logits.dim(0)?;
    let mut f = Some(f);
    let mut call = |data: &[f32]| {
        let f = f.take().expect("called once");
        f(&StepLogits {
            data,
            bias: out.bias_values(),
            vocab,
            rows,
        })
    };
    match crate::cpu::with_cpu_slice(&logits, &mut call)? {
        Some(r) => Ok(r),
        // Other devices: one copy to the host.
        None => {
            crate::host::copy_f32(&logits, host)?;
            Ok(call(host))
        }
    }
}

/// Greedy search (`_sample` without sampling): argmax of the processed
/// logits, first index on ties like `torch.argmax`.
fn greedy(
    model: &dyn Seq2SeqModel,
    mut enc: EncoderState,
    max_lens: &[usize],
    lp: f32,
    masks: &Masks,
) -> candle_core::Result<Vec<Generated>> {
    let sp = model.special_tokens();
    let n = max_lens.len();
    let mut tokens: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut logp = vec![0f32; n];
    let mut active: Vec<usize> = (0..n).collect();
    let mut cache = model.new_cache();
    let mut host = Vec::new();
    let mut cur_len = 1;
    while !active.is_empty() {
        let last: Vec<u32> = active
            .iter()
            .map(|&s| *tokens[s].last().unwrap_or(&sp.decoder_start))
            .collect();
        let banned = masks.banned(cur_len, sp.vocab_size);
        let picks = step(model, &last, &enc, &mut cache, &mut host, |logits| {
            let lse = logits.log_normalizers();
            let best = logits.argmax(&banned);
            active
                .iter()
                .enumerate()
                .map(|(r, &s)| {
                    let token = masks.forced(cur_len, max_lens[s]).unwrap_or(best[r].0);
                    (token, logits.logit(token as usize, r) - lse[r])
                })
                .collect::<Vec<_>>()
        })?;
        let mut keep = Vec::with_capacity(active.len());
        for (r, (&s, (best, token_logp))) in active.iter().zip(picks).enumerate() {
            tokens[s].push(best);
            logp[s] += token_logp;
            let done = best == sp.eos || cur_len + 1 >= max_lens[s];
            if !done {
                keep.push(r as u32);
            }
        }
        cur_len += 1;
        if keep.len() < active.len() {
            active = keep.iter().map(|&r| active[r as usize]).collect();
            if !active.is_empty() {
                cache.reorder(&keep)?;
                enc = enc.select(&keep)?;
            }
        }
    }
    Ok(tokens
        .into_iter()
        .zip(logp)
        .map(|(t, s)| {
            let score = penalized(s, t.len().max(1), lp);
            Generated { tokens: t, score }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_are_sorted_by_length_and_bounded() {
        let lengths = [3, 10, 5, 10, 1, 7];
        let b = plan_batches(&lengths, 2, None);
        assert_eq!(b, vec![vec![1, 3], vec![5, 2], vec![0, 4]]);
        // 25 padded tokens: two sentences of 10 fit, a third does not.
        let b = plan_batches(&lengths, 8, Some(25));
        assert_eq!(b, vec![vec![1, 3], vec![5, 2, 0], vec![4]]);
        // A sentence above the budget still gets a batch of its own.
        assert_eq!(plan_batches(&[50], 4, Some(10)), vec![vec![0]]);
        assert!(plan_batches(&[], 4, None).is_empty());
    }

    #[test]
    fn max_length_relative_to_the_source() {
        assert_eq!(MaxLength::Absolute(7).for_source(100), 7);
        let m = MaxLength::Relative {
            base: 10,
            per_source_token: 1.5,
        };
        assert_eq!(m.for_source(4), 16);
        assert_eq!(truncate_source(&[5, 6, 7, 8, 0], Some(3)), vec![5, 6, 0]);
        assert_eq!(truncate_source(&[5, 0], Some(3)), vec![5, 0]);
    }

    #[test]
    fn length_penalty_divides_by_generated_length() {
        assert_eq!(penalized(-6.0, 3, 1.0), -2.0);
        assert_eq!(penalized(-6.0, 4, 0.0), -6.0);
        let masks = Masks {
            bad: vec![3],
            eos: 0,
            min_length: 2,
            forced_bos: Some(7),
            forced_eos: Some(0),
            renormalize: false,
        };
        assert_eq!(masks.banned(1, 4), vec![true, false, false, true]);
        assert_eq!(masks.banned(2, 4), vec![false, false, false, true]);
        assert_eq!(masks.forced(1, 10), Some(7));
        assert_eq!(masks.forced(2, 10), None);
        assert_eq!(masks.forced(8, 10), None);
        assert_eq!(masks.forced(9, 10), Some(0));
        // A sentence bounded at two tokens: EOS wins, as in HF.
        assert_eq!(masks.forced(1, 2), Some(0));
    }
}
