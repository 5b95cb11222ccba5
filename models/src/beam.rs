//! Beam search for one batch, reproducing transformers 5's vectorised
//! `GenerationMixin._beam_search` sentence by sentence: the top `2·k`
//! candidates over (beam, token), the `-1e9` penalties, the merge of
//! finished hypotheses and `_check_early_stop_heuristic`. A sentence whose
//! result can no longer change leaves the batch.

use crate::decode::{penalized, step, EarlyStopping, Generated, Masks, SearchParams, NEG};
use crate::layers::EncoderState;
use crate::model::Seq2SeqModel;
use crate::step::top_k;

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

/// Beam search, one [`SentenceBeams`] per sentence; mirrors `_beam_search`,
/// `_get_top_k_continuations`, `_get_running_beams_for_next_iteration`,
/// `_update_finished_beams` and `_check_early_stop_heuristic`.
pub(crate) fn beam(
    model: &dyn Seq2SeqModel,
    mut enc: EncoderState,
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
    // Each sentence gets k rows; row s·k + j holds running beam j. At the
    // first step only beam 0 is alive (the others score -1e9 and cannot
    // reach the top 2k when the vocabulary has 2k tokens), so each
    // sentence runs one row and is expanded to k rows afterwards.
    let mut rows_per_sentence = if sp.vocab_size >= 2 * k { 1 } else { k };
    // Beams share their sentence's encoder state (`enc` keeps one row per
    // sentence): attention maps each decoder row to its sentence's row, so
    // the cross-attention keys and values are never copied per beam (they
    // were two thirds of the memory decoding adds to the weights).
    let mut active: Vec<usize> = (0..n).collect();
    let mut cache = model.new_cache();
    let mut host = Vec::new();
    let mut cur_len = 1;
    while !active.is_empty() {
        let g = rows_per_sentence;
        let last: Vec<u32> = active
            .iter()
            .flat_map(|&s| {
                sents[s]
                    .running
                    .iter()
                    .take(g)
                    .map(|h| *h.tokens.last().unwrap_or(&sp.decoder_start))
            })
            .collect();
        let bases: Vec<f32> = active
            .iter()
            .flat_map(|&s| sents[s].running.iter().take(g).map(|h| h.score))
            .collect();
        let banned = masks.banned(cur_len, sp.vocab_size);
        let forced: Vec<Option<u32>> = active
            .iter()
            .map(|&s| masks.forced(cur_len, max_lens[s]))
            .collect();
        let mut candidates = step(model, &last, &enc, &mut cache, &mut host, |logits| {
            let lse = masks.renormalized(logits, logits.log_normalizers(), &banned);
            let offset: Vec<f32> = bases.iter().zip(&lse).map(|(b, l)| b - l).collect();
            let forced = Some((&forced[..], &bases[..]));
            logits.best_candidates(g, &offset, &banned, forced, 2 * k)
        })?
        .into_iter();
        let mut reorder: Vec<u32> = Vec::with_capacity(last.len());
        let mut still: Vec<usize> = Vec::with_capacity(active.len());
        for (a, &s) in active.iter().enumerate() {
            let st = &mut sents[s];
            let max_len = max_lens[s];
            let vocab = sp.vocab_size;
            let cand: Vec<(usize, u32, f32, bool)> = candidates
                .next()
                .expect("candidates for every sentence")
                .into_iter()
                .map(|(i, score)| {
                    let (b, t) = (i / vocab, (i % vocab) as u32);
                    let hits = t == sp.eos || cur_len + 1 >= max_len;
                    (b, t, score, hits)
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
                reorder.push((a * g + b) as u32);
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
            let enc_rows: Vec<u32> = still.iter().map(|&a| a as u32).collect();
            enc = enc.select(&enc_rows)?;
        }
        rows_per_sentence = k;
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
