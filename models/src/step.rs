//! The host side of one decoding step: log-normalisers, argmax and the best
//! beam candidates, read straight from the transposed logits `(vocab, rows)`
//! that [`crate::layers::OutputLayer::logits_transposed`] produces.
//!
//! Why not candle ops: a log-softmax over 64 rows of a 58k vocabulary is five
//! full-size passes and allocations there, then a copy to the host, while the
//! search needs a handful of values per row. Here it is one max pass, one
//! pass of exponentials and one selection pass, each walking the logits in
//! memory order (all rows of one token are adjacent), split into vocabulary
//! ranges on the rayon pool and merged.

use rayon::prelude::*;

use crate::cpu::exp_nonpositive;

/// Vocabulary entries per parallel task; small vocabularies stay on one.
const CHUNK: usize = 4096;

/// The logits of one step: `data[v·rows + r]` is token `v` of row `r`,
/// before `bias[v]` is added.
pub(crate) struct StepLogits<'a> {
    pub data: &'a [f32],
    pub bias: Option<&'a [f32]>,
    pub vocab: usize,
    pub rows: usize,
}

/// A candidate continuation of a beam group: index `beam · vocab + token`
/// (Hugging Face's flattened order) and its accumulated score.
pub(crate) type Candidate = (usize, f32);

/// Orders candidates as `torch.topk` then a stable sort leave them: higher
/// score first, lower flattened index first among equal scores.
fn better(a: Candidate, b: Candidate) -> bool {
    a.1 > b.1 || (a.1 == b.1 && a.0 < b.0)
}

/// Indices of the `k` largest values, largest first, earlier index first
/// among equal values (the order of [`better`]).
pub(crate) fn top_k(values: &[f32], k: usize) -> Vec<usize> {
    let mut best = Best::new(k);
    for (i, &x) in values.iter().enumerate() {
        best.offer((i, x));
    }
    best.items.into_iter().map(|(i, _)| i).collect()
}

/// Keeps the best `cap` candidates, best first.
struct Best {
    items: Vec<Candidate>,
    cap: usize,
}

impl Best {
    fn new(cap: usize) -> Self {
        Self {
            items: Vec::with_capacity(cap + 1),
            cap,
        }
    }

    /// Score a candidate must beat (or tie with a lower index) to enter.
    fn threshold(&self) -> f32 {
        if self.items.len() < self.cap {
            f32::NEG_INFINITY
        } else {
            self.items[self.cap - 1].1
        }
    }

    fn offer(&mut self, c: Candidate) {
        if self.cap == 0 {
            return;
        }
        if self.items.len() == self.cap && !better(c, self.items[self.cap - 1]) {
            return;
        }
        let at = self.items.partition_point(|&x| better(x, c));
        self.items.insert(at, c);
        self.items.truncate(self.cap);
    }
}

/// `sums[r] += Σ_v exp(data[v·rows + r] + bias[v] - maxes[r])` over `range`.
#[inline(always)]
fn add_exp_sums(
    logits: &StepLogits,
    range: std::ops::Range<usize>,
    maxes: &[f32],
    sums: &mut [f32],
) {
    for v in range {
        let b = logits.bias(v);
        for ((s, &x), &m) in sums.iter_mut().zip(logits.row(v)).zip(maxes) {
            *s += exp_nonpositive(x + b - m);
        }
    }
}

/// [`add_exp_sums`] compiled for AVX2+FMA.
///
/// # Safety
/// The CPU must support AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn add_exp_sums_avx2(
    logits: &StepLogits,
    range: std::ops::Range<usize>,
    maxes: &[f32],
    sums: &mut [f32],
) {
    add_exp_sums(logits, range, maxes, sums)
}

/// Picks the widest [`add_exp_sums`] this CPU runs.
fn exp_sums(logits: &StepLogits, range: std::ops::Range<usize>, maxes: &[f32]) -> Vec<f32> {
    let mut sums = vec![0f32; maxes.len()];
    #[cfg(target_arch = "x86_64")]
    if crate::cpu::has_avx2_fma() {
        // SAFETY: the features were just detected on this CPU.
        unsafe { add_exp_sums_avx2(logits, range, maxes, &mut sums) };
        return sums;
    }
    add_exp_sums(logits, range, maxes, &mut sums);
    sums
}

impl StepLogits<'_> {
    fn chunks(&self) -> Vec<std::ops::Range<usize>> {
        (0..self.vocab)
            .step_by(CHUNK)
            .map(|s| s..(s + CHUNK).min(self.vocab))
            .collect()
    }

    fn bias(&self, v: usize) -> f32 {
        self.bias.map_or(0.0, |b| b[v])
    }

    /// Logit of token `v` in row `r`, bias included.
    pub fn logit(&self, v: usize, r: usize) -> f32 {
        self.data[v * self.rows + r] + self.bias(v)
    }

    fn row(&self, v: usize) -> &[f32] {
        &self.data[v * self.rows..(v + 1) * self.rows]
    }

    /// `logsumexp` of every row (with the bias): the value to subtract for
    /// log-probabilities.
    pub fn log_normalizers(&self) -> Vec<f32> {
        let rows = self.rows;
        let maxes = self
            .chunks()
            .into_par_iter()
            .map(|range| {
                let mut m = vec![f32::NEG_INFINITY; rows];
                for v in range {
                    let b = self.bias(v);
                    for (m, &x) in m.iter_mut().zip(self.row(v)) {
                        *m = m.max(x + b);
                    }
                }
                m
            })
            .reduce(
                || vec![f32::NEG_INFINITY; rows],
                |a, b| a.iter().zip(&b).map(|(x, y)| x.max(*y)).collect(),
            );
        let sums = self
            .chunks()
            .into_par_iter()
            .map(|range| exp_sums(self, range, &maxes))
            .reduce(
                || vec![0f32; rows],
                |a, b| a.iter().zip(&b).map(|(x, y)| x + y).collect(),
            );
        maxes.iter().zip(&sums).map(|(m, s)| m + s.ln()).collect()
    }

    /// Per row, the token with the highest logit among those not `banned`
    /// (the first on ties, like `torch.argmax`) and that logit.
    pub fn argmax(&self, banned: &[bool]) -> Vec<(u32, f32)> {
        let rows = self.rows;
        let pick = |a: Vec<(u32, f32)>, b: Vec<(u32, f32)>| {
            a.into_iter()
                .zip(b)
                .map(|(x, y)| {
                    if better((y.0 as usize, y.1), (x.0 as usize, x.1)) {
                        y
                    } else {
                        x
                    }
                })
                .collect::<Vec<_>>()
        };
        self.chunks()
            .into_par_iter()
            .map(|range| {
                let mut best = vec![(u32::MAX, f32::NEG_INFINITY); rows];
                for v in range {
                    if banned[v] {
                        continue;
                    }
                    let b = self.bias(v);
                    for (best, &x) in best.iter_mut().zip(self.row(v)) {
                        if x + b > best.1 || best.0 == u32::MAX {
                            *best = (v as u32, x + b);
                        }
                    }
                }
                best
            })
            .reduce(|| vec![(u32::MAX, f32::NEG_INFINITY); rows], pick)
            .into_iter()
            .map(|(t, x)| if t == u32::MAX { (0, x) } else { (t, x) })
            .collect()
    }

    /// The best `count` candidates of every group of `k` consecutive rows
    /// (one sentence's beams), scored `offset[r] + logit + bias` where
    /// `offset` holds each beam's score minus its normaliser; `banned` tokens
    /// score `-inf`. A group with a token in `forced` only continues with it,
    /// at score `score[r]`, as HF's forced-BOS and forced-EOS processors
    /// leave them.
    pub fn best_candidates(
        &self,
        k: usize,
        offset: &[f32],
        banned: &[bool],
        forced: Option<(&[Option<u32>], &[f32])>,
        count: usize,
    ) -> Vec<Vec<Candidate>> {
        let (rows, vocab) = (self.rows, self.vocab);
        let groups = rows / k;
        let is_forced = |g: usize| forced.is_some_and(|(f, _)| f[g].is_some());
        let merged = self
            .chunks()
            .into_par_iter()
            .map(|range| {
                let mut best: Vec<Best> = (0..groups).map(|_| Best::new(count)).collect();
                // Forced groups take no candidates from the logits.
                let mut thresholds: Vec<f32> = (0..rows)
                    .map(|r| {
                        if is_forced(r / k) {
                            f32::INFINITY
                        } else {
                            f32::NEG_INFINITY
                        }
                    })
                    .collect();
                let mut values = vec![0f32; rows];
                for v in range {
                    let b = self.bias(v);
                    if banned[v] {
                        values.fill(f32::NEG_INFINITY);
                    } else {
                        for ((y, &x), &o) in values.iter_mut().zip(self.row(v)).zip(offset) {
                            *y = x + b + o;
                        }
                    }
                    // Cheap vectorised test first; most tokens enter no list.
                    let any = values
                        .iter()
                        .zip(&thresholds)
                        .fold(false, |acc, (y, t)| acc | (y >= t));
                    if !any {
                        continue;
                    }
                    for g in 0..groups {
                        if is_forced(g) {
                            continue;
                        }
                        for j in 0..k {
                            let r = g * k + j;
                            if values[r] >= thresholds[r] {
                                best[g].offer((j * vocab + v, values[r]));
                            }
                        }
                        let t = best[g].threshold();
                        thresholds[g * k..(g + 1) * k].fill(t);
                    }
                }
                best
            })
            .reduce(
                || (0..groups).map(|_| Best::new(count)).collect(),
                |mut a, b| {
                    for (a, b) in a.iter_mut().zip(b) {
                        for c in b.items {
                            a.offer(c);
                        }
                    }
                    a
                },
            );
        merged
            .into_iter()
            .enumerate()
            .map(
                |(g, best)| match forced.and_then(|(f, score)| Some((f[g]?, score))) {
                    Some((token, score)) => {
                        forced_candidates(k, vocab, token, &score[g * k..(g + 1) * k], count)
                    }
                    None => best.items,
                },
            )
            .collect()
    }
}

/// The candidates of a group whose only allowed token is `token`: each
/// beam's continuation with it, then the lowest-index `-inf` entries, which
/// is what a top-k over the masked scores returns.
fn forced_candidates(
    k: usize,
    vocab: usize,
    token: u32,
    score: &[f32],
    count: usize,
) -> Vec<Candidate> {
    let mut best = Best::new(count);
    for (j, &s) in score.iter().enumerate().take(k) {
        best.offer((j * vocab + token as usize, s));
    }
    let mut idx = 0;
    while best.items.len() < count && idx < k * vocab {
        if idx % vocab != token as usize {
            best.offer((idx, f32::NEG_INFINITY));
        }
        idx += 1;
    }
    best.items
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plain reference: materialise every score, sort, take the top.
    fn reference(
        logits: &StepLogits,
        k: usize,
        offset: &[f32],
        banned: &[bool],
        count: usize,
    ) -> Vec<Vec<Candidate>> {
        (0..logits.rows / k)
            .map(|g| {
                let mut all: Vec<Candidate> = (0..k)
                    .flat_map(|j| {
                        let r = g * k + j;
                        (0..logits.vocab).map(move |v| {
                            let x = if banned[v] {
                                f32::NEG_INFINITY
                            } else {
                                logits.data[v * logits.rows + r] + logits.bias(v) + offset[r]
                            };
                            (j * logits.vocab + v, x)
                        })
                    })
                    .collect();
                all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                all.truncate(count);
                all
            })
            .collect()
    }

    fn random_logits(vocab: usize, rows: usize, seed: u64) -> (Vec<f32>, Vec<f32>) {
        let mut x = seed;
        let mut next = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            // Coarse values so that ties happen.
            ((x >> 40) % 64) as f32 / 8.0 - 4.0
        };
        let data = (0..vocab * rows).map(|_| next()).collect();
        let bias = (0..vocab).map(|_| next() / 4.0).collect();
        (data, bias)
    }

    #[test]
    fn normalizers_match_a_direct_log_sum_exp() {
        let (vocab, rows) = (9000, 6);
        let (data, bias) = random_logits(vocab, rows, 7);
        let logits = StepLogits {
            data: &data,
            bias: Some(&bias),
            vocab,
            rows,
        };
        let lse = logits.log_normalizers();
        for (r, lse) in lse.iter().enumerate() {
            let row: Vec<f64> = (0..vocab)
                .map(|v| (data[v * rows + r] + bias[v]) as f64)
                .collect();
            let m = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let want = m + row.iter().map(|x| (x - m).exp()).sum::<f64>().ln();
            assert!((*lse as f64 - want).abs() < 1e-4, "{lse} vs {want}");
        }
    }

    #[test]
    fn candidates_and_argmax_match_a_full_sort() {
        for (vocab, k, seed) in [(50, 2, 1), (9000, 4, 2), (5, 3, 3), (13000, 1, 4)] {
            let rows = 3 * k;
            let (data, bias) = random_logits(vocab, rows, seed);
            let logits = StepLogits {
                data: &data,
                bias: Some(&bias),
                vocab,
                rows,
            };
            let mut banned = vec![false; vocab];
            banned[vocab - 1] = true;
            banned[1] = true;
            let offset: Vec<f32> = (0..rows).map(|r| -(r as f32) * 0.25).collect();
            for count in [2 * k, vocab * k + 3] {
                let got = logits.best_candidates(k, &offset, &banned, None, count);
                assert_eq!(got, reference(&logits, k, &offset, &banned, count));
            }
            let arg = logits.argmax(&banned);
            for (r, (t, x)) in arg.iter().enumerate() {
                let best = (0..vocab)
                    .filter(|&v| !banned[v])
                    .max_by(|&a, &b| {
                        let (xa, xb) = (data[a * rows + r] + bias[a], data[b * rows + r] + bias[b]);
                        xa.total_cmp(&xb).then(b.cmp(&a))
                    })
                    .unwrap();
                assert_eq!(
                    (*t as usize, *x),
                    (best, data[best * rows + r] + bias[best])
                );
            }
        }
    }

    #[test]
    fn forced_groups_continue_with_the_forced_token_only() {
        let got = forced_candidates(2, 4, 0, &[-1.0, -0.5], 4);
        assert_eq!(
            got,
            vec![
                (4, -0.5),
                (0, -1.0),
                (1, f32::NEG_INFINITY),
                (2, f32::NEG_INFINITY)
            ]
        );
    }
}
