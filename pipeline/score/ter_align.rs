//! TER's shift search and beam edit distance, mirroring sacrebleu 2.5.1
//! `metrics/lib_ter.py` (`translation_edit_rate`, `_shift`,
//! `_find_shifted_pairs`, `_perform_shift`, `BeamEditDistance`).
//!
//! Exactness matters more than elegance here: the beam limits, the
//! candidate cap and the tie-breaking order all change edit counts. Words are
//! interned ids. sacrebleu's trie cache only avoids recomputing matrix rows
//! (row `i` depends on nothing but the first `i` words, because every query
//! in one call has the same length); we get the same effect by reusing the
//! rows of the current hypothesis for a candidate's common prefix.

const MAX_SHIFT_SIZE: usize = 10;
const MAX_SHIFT_DIST: usize = 50;
const BEAM_WIDTH: i64 = 25;
const MAX_SHIFT_CANDIDATES: usize = 1000;
/// `_INT_INFINITY`; costs are added onto it exactly as in Python.
const INF: u64 = 10_000_000_000_000_000;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Op {
    Nop,
    Sub,
    Ins,
    Del,
    Undef,
}

/// Edit distance between a fixed reference and hypotheses of one length.
struct BeamEd<'r> {
    rf: &'r [u32],
    n_h: usize,
    ratio: f64,
    beam: i64,
    /// Words whose full matrix is in `cost`/`ops`.
    base: Vec<u32>,
    cost: Vec<u64>,
    ops: Vec<Op>,
    row_a: Vec<u64>,
    row_b: Vec<u64>,
}

impl<'r> BeamEd<'r> {
    fn new(rf: &'r [u32], n_h: usize) -> Self {
        let w = rf.len() + 1;
        let ratio = if n_h > 0 {
            rf.len() as f64 / n_h as f64
        } else {
            1.0
        };
        // Very unequal lengths widen the beam so that rows still overlap.
        let beam = if (BEAM_WIDTH as f64) < ratio / 2.0 {
            (ratio / 2.0 + BEAM_WIDTH as f64).ceil() as i64
        } else {
            BEAM_WIDTH
        };
        let mut ed = BeamEd {
            rf,
            n_h,
            ratio,
            beam,
            base: Vec::new(),
            cost: vec![INF; (n_h + 1) * w],
            ops: vec![Op::Undef; (n_h + 1) * w],
            row_a: vec![INF; w],
            row_b: vec![INF; w],
        };
        // Row 0: inserting the first j reference words.
        for j in 0..w {
            ed.cost[j] = j as u64;
            ed.ops[j] = Op::Ins;
        }
        ed
    }

    /// Columns `[lo, hi)` computed in row `i`; everything else stays infinite.
    fn window(&self, i: usize) -> (usize, usize) {
        let w = self.rf.len() + 1;
        if i == 0 {
            return (0, w);
        }
        let diag = (i as f64 * self.ratio).floor() as i64;
        let lo = ((diag - self.beam).max(0) as usize).min(w);
        let hi = if i == self.n_h {
            w
        } else {
            (diag + self.beam).min(w as i64).max(0) as usize
        };
        (lo, hi)
    }

    /// Computes row `i` for hypothesis word `word` from row `i - 1`.
    /// Preference on ties: match/substitution, then deletion, then insertion
    /// (`BeamEditDistance._edit_distance`).
    fn row(&self, i: usize, word: u32, prev: &[u64], cur: &mut [u64], mut ops: Option<&mut [Op]>) {
        let (plo, phi) = self.window(i - 1);
        let (lo, hi) = self.window(i);
        let get_prev = |j: usize| if plo <= j && j < phi { prev[j] } else { INF };
        for j in lo..hi {
            let (c, op) = if j == 0 {
                (get_prev(0) + 1, Op::Del)
            } else {
                let (sub, sub_op) = if word == self.rf[j - 1] {
                    (0, Op::Nop)
                } else {
                    (1, Op::Sub)
                };
                let left = if j > lo { cur[j - 1] } else { INF };
                let mut best = (INF, Op::Undef);
                for (c, op) in [
                    (get_prev(j - 1) + sub, sub_op),
                    (get_prev(j) + 1, Op::Del),
                    (left + 1, Op::Ins),
                ] {
                    if best.0 > c {
                        best = (c, op);
                    }
                }
                best
            };
            cur[j] = c;
            if let Some(o) = ops.as_deref_mut() {
                o[j] = op;
            }
        }
        if let Some(o) = ops {
            o[..lo].fill(Op::Undef);
            o[hi..].fill(Op::Undef);
        }
    }

    fn common_prefix(&self, words: &[u32]) -> usize {
        self.base
            .iter()
            .zip(words)
            .take_while(|(a, b)| a == b)
            .count()
    }

    /// Makes `words` the base hypothesis (full matrix) and returns its cost.
    fn set_base(&mut self, words: &[u32]) -> u64 {
        let w = self.rf.len() + 1;
        let p = self.common_prefix(words);
        self.base.clear();
        self.base.extend_from_slice(words);
        let mut cost = std::mem::take(&mut self.cost);
        let mut ops = std::mem::take(&mut self.ops);
        for i in p + 1..=self.n_h {
            let (done, rest) = cost.split_at_mut(i * w);
            self.row(
                i,
                words[i - 1],
                &done[(i - 1) * w..],
                &mut rest[..w],
                Some(&mut ops[i * w..(i + 1) * w]),
            );
        }
        self.cost = cost;
        self.ops = ops;
        self.cost[self.n_h * w + self.rf.len()]
    }

    /// Edit distance of `words` (same length as the base), no trace.
    fn distance(&mut self, words: &[u32]) -> u64 {
        let w = self.rf.len() + 1;
        let p = self.common_prefix(words);
        if p >= self.n_h {
            return self.cost[self.n_h * w + self.rf.len()];
        }
        let mut prev = std::mem::take(&mut self.row_a);
        let mut cur = std::mem::take(&mut self.row_b);
        prev.copy_from_slice(&self.cost[p * w..(p + 1) * w]);
        for i in p + 1..=self.n_h {
            self.row(i, words[i - 1], &prev, &mut cur, None);
            std::mem::swap(&mut prev, &mut cur);
        }
        let d = prev[self.rf.len()];
        self.row_a = prev;
        self.row_b = cur;
        d
    }

    /// The base's trace with insertions and deletions swapped (`_flip_trace`)
    /// turned into `trace_to_alignment`'s (align, ref_err, hyp_err).
    fn alignment(&self) -> (Vec<i64>, Vec<u8>, Vec<u8>) {
        let w = self.rf.len() + 1;
        let mut trace = Vec::new();
        let (mut i, mut j) = (self.n_h, self.rf.len());
        while i > 0 || j > 0 {
            let op = self.ops[i * w + j];
            trace.push(op);
            match op {
                Op::Nop | Op::Sub => {
                    i -= 1;
                    j -= 1;
                }
                Op::Ins => j -= 1,
                Op::Del => i -= 1,
                Op::Undef => break, // unreachable: the beam always overlaps
            }
        }
        trace.reverse();
        let mut align = vec![-1i64; self.rf.len()];
        let (mut ref_err, mut hyp_err) = (Vec::new(), Vec::new());
        let (mut ph, mut pr) = (-1i64, -1i64);
        for op in trace {
            match op {
                Op::Nop | Op::Sub => {
                    ph += 1;
                    pr += 1;
                    align[pr as usize] = ph;
                    let e = u8::from(op == Op::Sub);
                    hyp_err.push(e);
                    ref_err.push(e);
                }
                // A deletion from the hypothesis is an insertion once flipped.
                Op::Del => {
                    ph += 1;
                    hyp_err.push(1);
                }
                Op::Ins => {
                    pr += 1;
                    align[pr as usize] = ph;
                    ref_err.push(1);
                }
                Op::Undef => {}
            }
        }
        (align, ref_err, hyp_err)
    }
}

/// Python slice `v[a:b]` with clamping.
fn sl(v: &[u32], a: usize, b: usize) -> &[u32] {
    let n = v.len();
    let (a, b) = (a.min(n), b.min(n));
    if b <= a {
        &[]
    } else {
        &v[a..b]
    }
}

/// `_perform_shift`: move `words[start..start+len]` to `target`.
fn perform_shift(words: &[u32], start: usize, len: usize, target: usize, out: &mut Vec<u32>) {
    out.clear();
    let parts: [&[u32]; 4] = if target < start {
        [
            sl(words, 0, target),
            sl(words, start, start + len),
            sl(words, target, start),
            sl(words, start + len, usize::MAX),
        ]
    } else if target > start + len {
        [
            sl(words, 0, start),
            sl(words, start + len, target),
            sl(words, start, start + len),
            sl(words, target, usize::MAX),
        ]
    } else {
        [
            sl(words, 0, start),
            sl(words, start + len, len + target),
            sl(words, start, start + len),
            sl(words, len + target, usize::MAX),
        ]
    };
    for p in parts {
        out.extend_from_slice(p);
    }
}

/// One `_shift` round: the best shift as (gain, shifted words).
fn best_shift(
    ed: &mut BeamEd<'_>,
    words: &[u32],
    checked: &mut usize,
    buf: &mut Vec<u32>,
) -> (i64, Vec<u32>) {
    let rf = ed.rf;
    let pre = ed.set_base(words) as i64;
    let (align, ref_err, hyp_err) = ed.alignment();
    let (n_h, n_r) = (words.len(), rf.len());
    // Ranking key: gain, then length, then earliest start, then earliest target.
    let mut best: Option<(i64, i64, i64, i64)> = None;
    'pairs: for sh in 0..n_h {
        for sr in 0..n_r {
            if sh.abs_diff(sr) > MAX_SHIFT_DIST {
                continue;
            }
            let mut len = 0;
            while words[sh + len] == rf[sr + len] && len < MAX_SHIFT_SIZE {
                len += 1;
                // Only shift if the hypothesis span has errors, the target
                // span has errors, and the target is outside the span.
                let a = align[sr];
                let useful = hyp_err[sh..sh + len].iter().any(|&e| e != 0)
                    && ref_err[sr..sr + len].iter().any(|&e| e != 0)
                    && !(sh as i64 <= a && a < (sh + len) as i64);
                if useful {
                    let mut prev_idx = -1i64;
                    for offset in -1..len as i64 {
                        let pos = sr as i64 + offset;
                        // sacrebleu inserts *before* the aligned index.
                        let idx = if pos == -1 {
                            0
                        } else {
                            align[pos as usize] + 1
                        };
                        if idx == prev_idx {
                            continue;
                        }
                        prev_idx = idx;
                        perform_shift(words, sh, len, idx as usize, buf);
                        let gain = pre - ed.distance(buf) as i64;
                        *checked += 1;
                        let cand = (gain, len as i64, -(sh as i64), -idx);
                        if best.is_none_or(|b| cand > b) {
                            best = Some(cand);
                        }
                    }
                    if *checked >= MAX_SHIFT_CANDIDATES {
                        break 'pairs;
                    }
                }
                if n_h == sh + len || n_r == sr + len {
                    break;
                }
            }
        }
    }
    match best {
        None => (0, words.to_vec()),
        Some((gain, len, neg_sh, neg_idx)) => {
            perform_shift(
                words,
                (-neg_sh) as usize,
                len as usize,
                (-neg_idx) as usize,
                buf,
            );
            (gain, buf.clone())
        }
    }
}

/// `translation_edit_rate`: number of edits (shifts + edit distance).
pub(crate) fn translation_edit_rate(hyp: &[u32], rf: &[u32]) -> u64 {
    if rf.is_empty() {
        return hyp.len() as u64;
    }
    let mut ed = BeamEd::new(rf, hyp.len());
    let mut words = hyp.to_vec();
    let mut buf = Vec::with_capacity(hyp.len());
    let (mut shifts, mut checked) = (0u64, 0usize);
    loop {
        let (gain, shifted) = best_shift(&mut ed, &words, &mut checked, &mut buf);
        // Hitting the candidate cap discards even the round's best shift.
        if checked >= MAX_SHIFT_CANDIDATES || gain <= 0 {
            break;
        }
        shifts += 1;
        words = shifted;
    }
    shifts + ed.set_base(&words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_edits() {
        assert_eq!(translation_edit_rate(&[], &[1, 2]), 2);
        assert_eq!(translation_edit_rate(&[1, 2], &[]), 2);
        assert_eq!(translation_edit_rate(&[1, 2, 3], &[1, 2, 3]), 0);
        assert_eq!(translation_edit_rate(&[1, 9, 3], &[1, 2, 3]), 1);
        // "c a b" -> "a b c": one shift.
        assert_eq!(translation_edit_rate(&[3, 1, 2], &[1, 2, 3]), 1);
    }

    #[test]
    fn slices_clamp_like_python() {
        let mut out = Vec::new();
        perform_shift(&[1, 2, 3, 4], 0, 2, 3, &mut out);
        assert_eq!(out, [3, 1, 2, 4]);
        perform_shift(&[1, 2, 3, 4], 2, 2, 0, &mut out);
        assert_eq!(out, [3, 4, 1, 2]);
        perform_shift(&[1, 2, 3, 4], 1, 2, 3, &mut out);
        assert_eq!(out, [1, 4, 2, 3]);
    }
}
