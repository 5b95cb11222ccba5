//! BLEU as in sacrebleu 2.5.1 `metrics/bleu.py`.

use super::ngrams::{for_each_ngram, lane_bits, CountTable, Interner, NgramKey};
use super::num::Np;
use super::signature::{NRefs, Signature};
use super::text::{maybe_lower, py_rstrip};
use super::tokenize::{tokenize_into, Scratch, Tokenize, Tokens};
use super::ScoreError;

/// Smoothing method (`smooth_method`/`smooth_value` in sacrebleu).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Smoothing {
    /// NIST geometric sequence smoothing (sacrebleu's default).
    Exp,
    /// Precision `value / total` for orders without matches.
    Floor(f64),
    /// Add `value` to matches and totals of orders >= 2.
    AddK(f64),
    /// No smoothing.
    None,
}

impl Smoothing {
    /// sacrebleu's default `smooth_value` for `floor`.
    pub const FLOOR_DEFAULT: f64 = 0.1;
    /// sacrebleu's default `smooth_value` for `add-k`.
    pub const ADD_K_DEFAULT: f64 = 1.0;

    /// From sacrebleu's `(smooth_method, smooth_value)`; `None` means the
    /// method's default value.
    pub fn from_name(method: &str, value: Option<f64>) -> Result<Smoothing, ScoreError> {
        match method {
            "exp" => Ok(Smoothing::Exp),
            "none" => Ok(Smoothing::None),
            "floor" => Ok(Smoothing::Floor(value.unwrap_or(Self::FLOOR_DEFAULT))),
            "add-k" => Ok(Smoothing::AddK(value.unwrap_or(Self::ADD_K_DEFAULT))),
            _ => Err(ScoreError::InvalidOption(format!(
                "unknown smoothing method {method:?}"
            ))),
        }
    }

    /// `smooth:` signature value, e.g. `exp` or `floor[0.10]`.
    fn signature(self) -> String {
        match self {
            Smoothing::Exp => "exp".into(),
            Smoothing::None => "none".into(),
            Smoothing::Floor(v) => format!("floor[{v:.2}]"),
            Smoothing::AddK(v) => format!("add-k[{v:.2}]"),
        }
    }
}

/// Options of sacrebleu's `BLEU` class.
#[derive(Clone, Debug, PartialEq)]
pub struct BleuOptions {
    pub tokenize: Tokenize,
    pub lowercase: bool,
    pub smoothing: Smoothing,
    /// Ignore n-gram orders the hypothesis has none of (`effective_order`);
    /// sacrebleu's `sentence_bleu` and `--sentence-level` turn it on.
    pub effective_order: bool,
    /// Highest n-gram order, 1..=4 (sacrebleu's `max_ngram_order`).
    pub max_ngram_order: usize,
}

impl Default for BleuOptions {
    fn default() -> Self {
        BleuOptions {
            tokenize: Tokenize::V13a,
            lowercase: false,
            smoothing: Smoothing::Exp,
            effective_order: false,
            max_ngram_order: 4,
        }
    }
}

impl BleuOptions {
    /// Defaults for sentence-level BLEU (`sacrebleu.sentence_bleu`):
    /// effective order on.
    pub fn sentence() -> Self {
        BleuOptions {
            effective_order: true,
            ..Self::default()
        }
    }

    pub(crate) fn validate(&self) -> Result<(), ScoreError> {
        if !(1..=4).contains(&self.max_ngram_order) {
            return Err(ScoreError::InvalidOption(
                "max_ngram_order must be within 1..=4".into(),
            ));
        }
        Ok(())
    }

    pub(crate) fn signature(&self, nrefs: NRefs) -> Signature {
        Signature::new(
            nrefs,
            vec![
                (
                    "case",
                    "c",
                    if self.lowercase { "lc" } else { "mixed" }.into(),
                ),
                ("eff", "e", super::signature::yes_no(self.effective_order)),
                ("tok", "tok", self.tokenize.name().into()),
                ("smooth", "s", self.smoothing.signature()),
            ],
        )
    }
}

/// Everything `BLEU.compute_bleu` produces.
pub(crate) struct BleuParts {
    pub(crate) score: Np,
    pub(crate) precisions: Vec<f64>,
    pub(crate) bp: f64,
    pub(crate) sys_len: i64,
    pub(crate) ref_len: i64,
}

/// `my_log` of `utils.py`: log with 0 mapped to a huge negative number.
fn my_log(x: f64) -> f64 {
    if x == 0.0 {
        -9_999_999_999.0
    } else {
        x.ln()
    }
}

/// `BLEU.compute_bleu` over the statistics row
/// `[sys_len, ref_len, correct.., total..]`.
pub(crate) fn compute_bleu(o: &BleuOptions, stats: &[Np]) -> BleuParts {
    let n_max = o.max_ngram_order;
    let sys_len = stats[0].f64() as i64;
    let ref_len = stats[1].f64() as i64;
    let mut correct = stats[2..2 + n_max].to_vec();
    let mut total = stats[2 + n_max..2 + 2 * n_max].to_vec();

    let bp = if sys_len < ref_len {
        if sys_len > 0 {
            (1.0 - ref_len as f64 / sys_len as f64).exp()
        } else {
            0.0
        }
    } else {
        1.0
    };
    let mut precisions = vec![Np::Py(0.0); n_max];
    let done = |score: Np, precisions: Vec<Np>| BleuParts {
        score,
        precisions: precisions.iter().map(|p| p.f64()).collect(),
        bp,
        sys_len,
        ref_len,
    };
    // No matches at all: score 0 regardless of smoothing (sacrebleu #141).
    if !correct.iter().any(|c| c.truthy()) {
        return done(Np::Py(0.0), precisions);
    }

    let mut smooth_mteval = 1.0f64;
    let mut eff_order = n_max;
    for n in 0..n_max {
        if let Smoothing::AddK(k) = o.smoothing {
            if n > 0 {
                correct[n] = correct[n].add(Np::Py(k));
                total[n] = total[n].add(Np::Py(k));
            }
        }
        if !total[n].truthy() {
            break;
        }
        if o.effective_order {
            eff_order = n + 1;
        }
        if !correct[n].truthy() {
            match o.smoothing {
                Smoothing::Exp => {
                    smooth_mteval *= 2.0;
                    precisions[n] = Np::Py(100.0).div(Np::Py(smooth_mteval).mul(total[n]));
                }
                Smoothing::Floor(v) => precisions[n] = Np::Py(100.0 * v).div(total[n]),
                Smoothing::AddK(_) | Smoothing::None => {}
            }
        } else {
            precisions[n] = Np::Py(100.0).mul(correct[n]).div(total[n]);
        }
    }
    // Python's sum() starts from int 0 and adds left to right.
    let log_sum = precisions[..eff_order]
        .iter()
        .fold(0.0f64, |acc, p| acc + my_log(p.f64()));
    let score = bp * (log_sum / eff_order as f64).exp();
    done(Np::Py(score), precisions)
}

/// Reference table (max-merged over references) and per-reference scratch.
#[derive(Default)]
struct Tables<K> {
    table: CountTable<K>,
    tmp: CountTable<K>,
}

impl<K: NgramKey> Tables<K> {
    /// Clipped match counts per order: the references' n-gram counts merged
    /// with max(), then every hypothesis n-gram consumes one occurrence.
    fn clipped_matches(
        &mut self,
        hyp: &[u32],
        refs: &[u32],
        bounds: &[(usize, usize)],
        n_max: usize,
        bits: u32,
    ) -> [u32; 4] {
        self.table.reset(refs.len() * n_max);
        for (k, &(a, b)) in bounds.iter().enumerate() {
            let ids = &refs[a..b];
            if k == 0 {
                let table = &mut self.table;
                for_each_ngram(ids, n_max, bits, |_, key| table.add(key, 1));
            } else {
                self.tmp.reset(ids.len() * n_max);
                let tmp = &mut self.tmp;
                for_each_ngram(ids, n_max, bits, |_, key| tmp.add(key, 1));
                for (key, c) in self.tmp.iter() {
                    self.table.max_merge(key, c);
                }
            }
        }
        let mut correct = [0u32; 4];
        let table = &mut self.table;
        for_each_ngram(hyp, n_max, bits, |n, key| {
            if table.take(key) {
                correct[n - 1] += 1;
            }
        });
        correct
    }
}

/// Per-segment statistics extraction with reusable buffers.
#[derive(Default)]
pub(crate) struct BleuScorer {
    sc: Scratch,
    hyp: Tokens,
    refs: Vec<Tokens>,
    interner: Interner,
    hyp_ids: Vec<u32>,
    ref_ids: Vec<u32>,
    bounds: Vec<(usize, usize)>,
    small: Tables<u64>,
    large: Tables<u128>,
}

impl BleuScorer {
    fn tokenize(o: &BleuOptions, line: &str, out: &mut Tokens, sc: &mut Scratch) {
        // `_preprocess_segment`: lowercase, then `tokenizer(sent.rstrip())`.
        let lowered = maybe_lower(line, o.lowercase);
        tokenize_into(o.tokenize, py_rstrip(&lowered), out, sc);
    }

    /// Appends `[hyp_len, closest_ref_len, correct(1..N), total(1..N)]`
    /// (`_compute_segment_statistics`).
    pub(crate) fn segment_stats(
        &mut self,
        o: &BleuOptions,
        hyp: &str,
        refs: &[&str],
        out: &mut Vec<f64>,
    ) {
        let n_max = o.max_ngram_order;
        Self::tokenize(o, hyp, &mut self.hyp, &mut self.sc);
        if self.refs.len() < refs.len() {
            self.refs.resize_with(refs.len(), Tokens::default);
        }
        for (r, t) in refs.iter().zip(self.refs.iter_mut()) {
            Self::tokenize(o, r, t, &mut self.sc);
        }
        let refs_tok = &self.refs[..refs.len()];
        let n_tokens = self.hyp.len() + refs_tok.iter().map(Tokens::len).sum::<usize>();
        self.interner.reset(n_tokens);
        self.hyp_ids.clear();
        for t in self.hyp.iter() {
            self.hyp_ids.push(self.interner.intern(t));
        }
        self.ref_ids.clear();
        self.bounds.clear();
        for rt in refs_tok {
            let start = self.ref_ids.len();
            for t in rt.iter() {
                self.ref_ids.push(self.interner.intern(t));
            }
            self.bounds.push((start, self.ref_ids.len()));
        }
        let (bits, fits_u64) = lane_bits(self.interner.max_id(), n_max);
        let correct = if fits_u64 {
            self.small
                .clipped_matches(&self.hyp_ids, &self.ref_ids, &self.bounds, n_max, bits)
        } else {
            self.large
                .clipped_matches(&self.hyp_ids, &self.ref_ids, &self.bounds, n_max, bits)
        };

        let hyp_len = self.hyp_ids.len();
        out.push(hyp_len as f64);
        out.push(closest_ref_len(hyp_len, refs_tok.iter().map(Tokens::len)) as f64);
        out.extend(correct[..n_max].iter().map(|&c| f64::from(c)));
        out.extend((1..=n_max).map(|n| (hyp_len + 1).saturating_sub(n) as f64));
    }
}

/// `BLEU._get_closest_ref_len`: the closest length, the shorter on ties.
fn closest_ref_len(hyp_len: usize, ref_lens: impl Iterator<Item = usize>) -> usize {
    let mut best: Option<(usize, usize)> = None;
    for r in ref_lens {
        let d = hyp_len.abs_diff(r);
        best = match best {
            Some((bd, bl)) if d > bd || (d == bd && r >= bl) => Some((bd, bl)),
            _ => Some((d, r)),
        };
    }
    best.map_or(0, |b| b.1)
}

/// `str(BLEUScore)`'s verbose tail, e.g.
/// `56.7/30.1/18.2/11.0 (BP = 0.987 ratio = 0.987 hyp_len = 123 ref_len = 125)`.
pub(crate) fn verbose(p: &BleuParts) -> String {
    let prec: Vec<String> = p.precisions.iter().map(|x| format!("{x:.1}")).collect();
    let ratio = if p.ref_len != 0 {
        p.sys_len as f64 / p.ref_len as f64
    } else {
        0.0
    };
    format!(
        "{} (BP = {:.3} ratio = {:.3} hyp_len = {} ref_len = {})",
        prec.join("/"),
        p.bp,
        ratio,
        p.sys_len,
        p.ref_len
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(o: &BleuOptions, hyp: &str, refs: &[&str]) -> Vec<f64> {
        let mut out = Vec::new();
        BleuScorer::default().segment_stats(o, hyp, refs, &mut out);
        out
    }

    #[test]
    fn segment_statistics() {
        let o = BleuOptions::default();
        let s = stats(
            &o,
            "the cat sat on the mat",
            &["the cat is on the mat", "a cat"],
        );
        assert_eq!(s, [6.0, 6.0, 5.0, 3.0, 1.0, 0.0, 6.0, 5.0, 4.0, 3.0]);
        // Clipping: "the" occurs twice in the hypothesis, once in the reference.
        let s = stats(&o, "the the", &["the cat"]);
        assert_eq!(&s[..4], [2.0, 2.0, 1.0, 0.0]);
        assert_eq!(closest_ref_len(5, [3, 7, 6].into_iter()), 6);
        assert_eq!(closest_ref_len(5, [7, 3].into_iter()), 3);
    }

    #[test]
    fn huge_vocabularies_use_wide_keys() {
        // 70,000 distinct tokens need 17-bit lanes: 4 of them exceed a u64.
        let words: Vec<String> = (0..70_000).map(|i| format!("w{i}")).collect();
        let hyp = words.join(" ");
        let s = stats(&BleuOptions::default(), &hyp, &[&hyp]);
        assert_eq!(&s[2..6], [70_000.0, 69_999.0, 69_998.0, 69_997.0]);
        let s = stats(&BleuOptions::default(), &hyp, &[&hyp, "w1 w2"]);
        assert_eq!(&s[2..6], [70_000.0, 69_999.0, 69_998.0, 69_997.0]);
    }

    #[test]
    fn empty_and_zero_match() {
        let o = BleuOptions::default();
        let s = stats(&o, "", &[""]);
        assert_eq!(s, [0.0; 10]);
        let row: Vec<Np> = s.iter().map(|&x| Np::Py(x)).collect();
        let p = compute_bleu(&o, &row);
        assert_eq!((p.score.f64(), p.bp), (0.0, 1.0));
        let s = stats(&o, "x y", &["a b c"]);
        let row: Vec<Np> = s.iter().map(|&x| Np::Py(x)).collect();
        let p = compute_bleu(&o, &row);
        assert_eq!(p.score.f64(), 0.0);
        assert_eq!(
            verbose(&p),
            "0.0/0.0/0.0/0.0 (BP = 0.607 ratio = 0.667 hyp_len = 2 ref_len = 3)"
        );
    }
}
