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

use candle_core::{DType, Tensor, D};

use crate::layers::EncoderState;
use crate::model::{Seq2SeqModel, SpecialTokens};

/// HF's stand-in for "impossible" scores in beam search.
const NEG: f32 = -1.0e9;

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
        beam(model, enc, &max_lens, params, &masks)
    }
}

/// The logits processors HF applies, in its order: bad words, minimum
/// length, forced EOS, renormalisation.
struct Masks {
    bad: Vec<u32>,
    eos: u32,
    min_length: usize,
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
            forced_eos: params.forced_eos,
            renormalize: params.renormalize_logits,
        }
    }

    /// Applies the processors to one row of scores at decoder length `cur_len`.
    fn apply(&self, row: &mut [f32], cur_len: usize, max_len: usize) {
        for &t in &self.bad {
            row[t as usize] = f32::NEG_INFINITY;
        }
        if cur_len < self.min_length {
            row[self.eos as usize] = f32::NEG_INFINITY;
        }
        if let Some(eos) = self.forced_eos {
            if cur_len == max_len - 1 {
                row.fill(f32::NEG_INFINITY);
                row[eos as usize] = 0.0;
            }
        }
        if self.renormalize {
            log_softmax_in_place(row);
        }
    }
}

fn log_softmax_in_place(row: &mut [f32]) {
    let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let sum: f32 = row.iter().map(|&x| (x - max).exp()).sum();
    let lse = max + sum.ln();
    row.iter_mut().for_each(|x| *x -= lse);
}

/// `score / generated_len^length_penalty` in float32 with the divisor
/// computed in float64, as `tensor / (int ** float)` does in PyTorch.
fn penalized(score: f32, generated_len: usize, length_penalty: f32) -> f32 {
    score / (generated_len as f64).powf(length_penalty as f64) as f32
}

/// One decoder step for `rows` rows fed `last` tokens: log-softmaxed (beam)
/// or raw (greedy) float32 scores, one `Vec` per row.
fn step(
    model: &dyn Seq2SeqModel,
    last: &[u32],
    enc: &EncoderState,
    cache: &mut crate::layers::KvCache,
    log_softmax: bool,
) -> candle_core::Result<Vec<Vec<f32>>> {
    let input = Tensor::from_vec(last.to_vec(), (last.len(), 1), model.device())?;
    let logits = model
        .decode(&input, enc, cache, None)?
        .squeeze(1)?
        .to_dtype(DType::F32)?;
    let scores = if log_softmax {
        candle_nn::ops::log_softmax(&logits, D::Minus1)?
    } else {
        logits
    };
    scores.to_vec2()
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
    let mut cur_len = 1;
    while !active.is_empty() {
        let last: Vec<u32> = active
            .iter()
            .map(|&s| *tokens[s].last().unwrap_or(&sp.decoder_start))
            .collect();
        let rows = step(model, &last, &enc, &mut cache, false)?;
        let mut keep = Vec::with_capacity(active.len());
        for (r, (&s, mut row)) in active.iter().zip(rows).enumerate() {
            let raw_lse = {
                let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                max + row.iter().map(|&x| (x - max).exp()).sum::<f32>().ln()
            };
            let raw = row.clone();
            masks.apply(&mut row, cur_len, max_lens[s]);
            let mut best = 0;
            for (t, &v) in row.iter().enumerate() {
                if v > row[best] {
                    best = t;
                }
            }
            tokens[s].push(best as u32);
            logp[s] += raw[best] - raw_lse;
            let done = best as u32 == sp.eos || cur_len + 1 >= max_lens[s];
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

/// A hypothesis: tokens after the start token and its score.
#[derive(Debug, Clone)]
struct Hyp {
    tokens: Vec<u32>,
    score: f32,
    finished: bool,
}

/// The beam-search state of one sentence, as HF keeps it per batch item.
struct SentenceBeams {
    running: Vec<Hyp>,
    finished: Vec<Hyp>,
    heuristic_unsatisfied: bool,
    done: bool,
}

/// Indices of the `k` largest values, largest first, earlier index first
/// among equal values.
fn top_k(values: &[f32], k: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..values.len()).collect();
    let cmp = |a: &usize, b: &usize| values[*b].total_cmp(&values[*a]).then(a.cmp(b));
    if k < idx.len() {
        idx.select_nth_unstable_by(k, cmp);
        idx.truncate(k);
    }
    idx.sort_by(cmp);
    idx
}

/// Beam search, one [`SentenceBeams`] per sentence; mirrors `_beam_search`,
/// `_get_top_k_continuations`, `_get_running_beams_for_next_iteration`,
/// `_update_finished_beams` and `_check_early_stop_heuristic`.
fn beam(
    model: &dyn Seq2SeqModel,
    enc: EncoderState,
    max_lens: &[usize],
    params: &SearchParams,
    masks: &Masks,
) -> candle_core::Result<Vec<Generated>> {
    let sp = model.special_tokens();
    let k = params.beam_size;
    let n = max_lens.len();
    let lp = params.length_penalty;
    let init = |score: f32| Hyp {
        tokens: Vec::new(),
        score,
        finished: false,
    };
    let mut sents: Vec<SentenceBeams> = (0..n)
        .map(|_| SentenceBeams {
            running: (0..k)
                .map(|j| init(if j == 0 { 0.0 } else { NEG }))
                .collect(),
            finished: (0..k).map(|_| init(NEG)).collect(),
            heuristic_unsatisfied: true,
            done: false,
        })
        .collect();
    // Each sentence gets k rows; row s·k + j holds running beam j.
    let expand: Vec<u32> = (0..n as u32)
        .flat_map(|s| std::iter::repeat_n(s, k))
        .collect();
    let mut enc = enc.select(&expand)?;
    let mut active: Vec<usize> = (0..n).collect();
    let mut cache = model.new_cache();
    let mut cur_len = 1;
    while !active.is_empty() {
        let last: Vec<u32> = active
            .iter()
            .flat_map(|&s| {
                sents[s]
                    .running
                    .iter()
                    .map(|h| *h.tokens.last().unwrap_or(&sp.decoder_start))
            })
            .collect();
        let mut rows = step(model, &last, &enc, &mut cache, true)?.into_iter();
        let mut reorder: Vec<u32> = Vec::with_capacity(last.len());
        let mut still: Vec<usize> = Vec::with_capacity(active.len());
        for (a, &s) in active.iter().enumerate() {
            let st = &mut sents[s];
            let max_len = max_lens[s];
            // Accumulated log-probs over (beam, token), flattened as HF does.
            let mut acc: Vec<f32> = Vec::with_capacity(k * sp.vocab_size);
            for j in 0..k {
                let mut row = rows.next().expect("k rows per sentence");
                masks.apply(&mut row, cur_len, max_len);
                let base = st.running[j].score;
                acc.extend(row.iter().map(|&x| x + base));
            }
            let vocab = acc.len() / k;
            let cands = top_k(&acc, 2 * k);
            let cand: Vec<(usize, u32, f32, bool)> = cands
                .iter()
                .map(|&i| {
                    let (b, t) = (i / vocab, (i % vocab) as u32);
                    let hits = t == sp.eos || cur_len + 1 >= max_len;
                    (b, t, acc[i], hits)
                })
                .collect();
            // Next running beams: best k candidates that did not stop.
            let run_scores: Vec<f32> = cand
                .iter()
                .map(|c| c.2 + if c.3 { NEG } else { 0.0 })
                .collect();
            let next_running: Vec<(usize, Hyp)> = top_k(&run_scores, k)
                .into_iter()
                .map(|c| {
                    let (b, t, _, _) = cand[c];
                    let mut tokens = st.running[b].tokens.clone();
                    tokens.push(t);
                    (
                        b,
                        Hyp {
                            tokens,
                            score: run_scores[c],
                            finished: false,
                        },
                    )
                })
                .collect();
            // Finished hypotheses: merge the old ones with candidates among
            // the top k that just stopped; keep the best k.
            let full = params.early_stopping == EarlyStopping::Eager
                && st.finished.iter().all(|h| h.finished);
            let mut merged: Vec<Hyp> = st.finished.clone();
            for (c, &(b, t, score, hits)) in cand.iter().enumerate() {
                let just_finished = hits && c < k;
                let mut v = penalized(score, cur_len, lp);
                if full {
                    v += NEG;
                }
                if !st.heuristic_unsatisfied {
                    v += NEG;
                }
                if !just_finished {
                    v += NEG;
                }
                let mut tokens = st.running[b].tokens.clone();
                tokens.push(t);
                merged.push(Hyp {
                    tokens,
                    score: v,
                    finished: just_finished,
                });
            }
            let scores: Vec<f32> = merged.iter().map(|h| h.score).collect();
            st.finished = top_k(&scores, k)
                .into_iter()
                .map(|i| merged[i].clone())
                .collect();
            let all_hit = cand.iter().all(|c| c.3);
            for (b, _) in &next_running {
                reorder.push((a * k + b) as u32);
            }
            st.running = next_running.into_iter().map(|(_, h)| h).collect();
            // `_check_early_stop_heuristic`, at the incremented length.
            let next_len = cur_len + 1;
            if st.heuristic_unsatisfied {
                let hypothetical = if params.early_stopping == EarlyStopping::Never && lp > 0.0 {
                    max_len - 1
                } else {
                    next_len - 1
                };
                let best_running = penalized(st.running[0].score, hypothetical, lp);
                let worst = st
                    .finished
                    .iter()
                    .map(|h| h.score)
                    .fold(f32::INFINITY, f32::min);
                st.heuristic_unsatisfied = st
                    .finished
                    .iter()
                    .any(|h| best_running > if h.finished { worst } else { NEG });
            }
            let all_finished = st.finished.iter().all(|h| h.finished);
            st.done = !st.heuristic_unsatisfied
                || (params.early_stopping == EarlyStopping::Eager && all_finished)
                || all_hit;
            if !st.done {
                still.push(a);
            }
        }
        cur_len += 1;
        if still.is_empty() {
            break;
        }
        // Rows of sentences that continue, reordered to follow their beams.
        let keep_rows: Vec<u32> = still
            .iter()
            .flat_map(|&a| reorder[a * k..(a + 1) * k].iter().copied())
            .collect();
        cache.reorder(&keep_rows)?;
        if still.len() < active.len() {
            let enc_rows: Vec<u32> = still
                .iter()
                .flat_map(|&a| (0..k).map(move |j| (a * k + j) as u32))
                .collect();
            enc = enc.select(&enc_rows)?;
        }
        active = still.iter().map(|&a| active[a]).collect();
    }
    Ok(sents
        .into_iter()
        .map(|st| {
            let best = &st.finished[0];
            Generated {
                tokens: best.tokens.clone(),
                score: best.score,
            }
        })
        .collect())
}
