//! A Gale–Church length-based aligner: the foundation's plain baseline.
//!
//! Dynamic programming over monotone beads 1-1, 1-0, 0-1, 2-1, 1-2 and 2-2,
//! scoring each bead by how well its character lengths match (Gale & Church
//! 1993, "A Program for Aligning Sentences in Bilingual Corpora"). The DP is
//! restricted to a band around the diagonal so long documents cost
//! O(n · band) time and memory.

use std::ops::Range;

use super::dp::{self, Corridor, Shape};
use super::{Aligner, Bead};
use crate::lang::Lang;

/// Expected target/source character ratio and variance per source character
/// for a language pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LengthModel {
    /// Mean target length per source character.
    pub ratio: f64,
    /// Variance of the target length per source character.
    pub variance: f64,
}

impl LengthModel {
    /// The model for `src → tgt`.
    ///
    /// kk/ru/en values were measured on FLORES-200 dev (997 sentences, ratio
    /// of total characters, variance of `(lt − c·ls)/√ls`): kk→ru 1.0734 /
    /// 4.10, kk→en 0.9731 / 2.64, ru→en 0.9065 / 2.65. Other pairs fall back
    /// to Gale & Church's 1.0 / 6.8.
    pub fn for_pair(src: Lang, tgt: Lang) -> LengthModel {
        let known = [
            (Lang::Kk, Lang::Ru, 1.0734, 4.10),
            (Lang::Kk, Lang::En, 0.9731, 2.64),
            (Lang::Ru, Lang::En, 0.9065, 2.65),
        ];
        for (a, b, ratio, variance) in known {
            if (a, b) == (src, tgt) {
                return LengthModel { ratio, variance };
            }
            if (b, a) == (src, tgt) {
                // Inverting the ratio rescales the variance per character.
                return LengthModel {
                    ratio: 1.0 / ratio,
                    variance: variance / (ratio * ratio * ratio),
                };
            }
        }
        LengthModel {
            ratio: 1.0,
            variance: 6.8,
        }
    }
}

/// Gale–Church's bead priors, from their hand-aligned Union Bank reports.
const BEADS: [(usize, usize, f64); 6] = [
    (1, 1, 0.89),
    (1, 0, 0.0099 / 2.0),
    (0, 1, 0.0099 / 2.0),
    (2, 1, 0.089 / 2.0),
    (1, 2, 0.089 / 2.0),
    (2, 2, 0.011),
];

/// Half-width of the DP corridor around the diagonal, in sentences.
const BAND: usize = 120;

/// The Gale–Church aligner for one language pair.
#[derive(Debug, Clone)]
pub struct LengthAligner {
    model: LengthModel,
}

impl LengthAligner {
    /// An aligner for `src → tgt` with the pair's length model.
    pub fn new(src: Lang, tgt: Lang) -> LengthAligner {
        LengthAligner {
            model: LengthModel::for_pair(src, tgt),
        }
    }

    /// Probability of a bead with these character lengths, prior included.
    pub fn probability(&self, prior: f64, ls: usize, lt: usize) -> f64 {
        if ls == 0 || lt == 0 {
            return prior;
        }
        let (ls, lt) = (ls as f64, lt as f64);
        let c = self.model.ratio;
        let mean = (ls + lt / c) / 2.0;
        let delta = (lt - ls * c) / (mean * self.model.variance).sqrt();
        prior * 2.0 * (1.0 - std_normal_cdf(delta.abs()))
    }
}

impl Aligner for LengthAligner {
    fn align(&self, src: &[&str], tgt: &[&str]) -> Vec<Bead> {
        let ls = char_prefix(src);
        let lt = char_prefix(tgt);
        let (n, m) = (src.len(), tgt.len());
        let corridor = if n.saturating_mul(m) <= 250_000 {
            Corridor::full(n, m)
        } else {
            Corridor::around(&[], n, m, BAND)
        };
        let shapes: Vec<Shape> = BEADS.iter().map(|&(a, b, _)| (a, b)).collect();
        let prior = |s: &Range<usize>, t: &Range<usize>| {
            BEADS
                .iter()
                .find(|&&(a, b, _)| (a, b) == (s.len(), t.len()))
                .map_or(0.0, |&(_, _, p)| p)
        };
        let steps = dp::best_path(&corridor, &shapes, |s, t, _| {
            let p = self.probability(prior(&s, &t), span(&ls, &s), span(&lt, &t));
            -p.max(1e-300).ln()
        });
        steps
            .into_iter()
            .map(|st| Bead {
                score: (-st.cost).exp().clamp(0.0, 1.0) as f32,
                src: st.src,
                tgt: st.tgt,
            })
            .collect()
    }
}

/// Prefix sums of character counts, so a group's length is one subtraction.
pub fn char_prefix(sentences: &[&str]) -> Vec<usize> {
    let mut out = Vec::with_capacity(sentences.len() + 1);
    out.push(0);
    for s in sentences {
        out.push(out.last().unwrap() + s.chars().count());
    }
    out
}

/// The length of sentences `r` from prefix sums.
pub fn span(prefix: &[usize], r: &Range<usize>) -> usize {
    prefix[r.end] - prefix[r.start]
}

/// Φ(x) for the standard normal, via the Abramowitz–Stegun erfc
/// approximation 7.1.26 (error below 1.5e-7, plenty for a cost).
pub fn std_normal_cdf(x: f64) -> f64 {
    let z = x.abs() / std::f64::consts::SQRT_2;
    let erfc = erfc_factor(z) * (-z * z).exp();
    if x >= 0.0 {
        1.0 - erfc / 2.0
    } else {
        erfc / 2.0
    }
}

/// −ln P(|Z| ≥ |x|) for a standard normal Z, capped at −ln 10⁻¹² (the
/// floor Gale–Church puts under a bead's probability). Worked out in log
/// space, `z² − ln(poly)` with `std_normal_cdf`'s approximation, because the
/// aligners ask for it for every bead they consider.
pub fn neg_ln_two_tail(x: f64) -> f64 {
    neg_ln_two_tail_within(x, f64::INFINITY)
}

/// [`neg_ln_two_tail`], or once it is known to reach `budget`, any value
/// that does: `z²` alone bounds it from below (the erfc factor is at most
/// 1), and most beads a DP prices are out of the running on that bound,
/// before the logarithm.
pub fn neg_ln_two_tail_within(x: f64, budget: f64) -> f64 {
    const CAP: f64 = 27.631_021_115_928_547; // −ln 1e-12
    let z = x.abs() / std::f64::consts::SQRT_2;
    let floor = (z * z).min(CAP);
    if floor >= budget {
        return floor;
    }
    (z * z - erfc_factor(z).ln()).min(CAP)
}

/// erfc(z) ≈ erfc_factor(z)·e^(−z²) for z ≥ 0 (Abramowitz–Stegun 7.1.26).
fn erfc_factor(z: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.3275911 * z);
    t * (0.254829592
        + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::check_cover;

    fn align(src: &[&str], tgt: &[&str]) -> Vec<(Range<usize>, Range<usize>)> {
        let beads = LengthAligner::new(Lang::Kk, Lang::Ru).align(src, tgt);
        check_cover(&beads, src.len(), tgt.len()).unwrap();
        beads.into_iter().map(|b| (b.src, b.tgt)).collect()
    }

    #[test]
    fn equal_lengths_align_one_to_one() {
        let a = [
            "aaaa aaaa aaaa",
            "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
            "cc cc",
        ];
        let b = [
            "xxxx xxxx xxxxx",
            "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy",
            "zz zz",
        ];
        assert_eq!(
            align(&a, &b),
            vec![(0..1, 0..1), (1..2, 1..2), (2..3, 2..3)]
        );
    }

    #[test]
    fn a_split_becomes_one_to_two() {
        let long = "a".repeat(200);
        let a = ["x".repeat(50), long, "y".repeat(60)];
        let b = [
            "x".repeat(54),
            "b".repeat(105),
            "b".repeat(110),
            "y".repeat(64),
        ];
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let b: Vec<&str> = b.iter().map(String::as_str).collect();
        assert_eq!(
            align(&a, &b),
            vec![(0..1, 0..1), (1..2, 1..3), (2..3, 3..4)]
        );
    }

    #[test]
    fn empty_sides() {
        assert_eq!(align(&[], &["a", "b"]), vec![(0..0, 0..1), (0..0, 1..2)]);
        assert_eq!(align(&["a"], &[]), vec![(0..1, 0..0)]);
        assert!(align(&[], &[]).is_empty());
    }

    #[test]
    fn long_unequal_documents_stay_in_band() {
        let a: Vec<String> = (0..3000).map(|i| "s".repeat(20 + i % 50)).collect();
        let b: Vec<String> = (0..2000).map(|i| "t".repeat(30 + i % 70)).collect();
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let b: Vec<&str> = b.iter().map(String::as_str).collect();
        align(&a, &b);
        align(&a[..1], &b);
    }

    #[test]
    fn cdf_is_sane() {
        assert!((std_normal_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((std_normal_cdf(1.96) - 0.975).abs() < 1e-4);
        assert!((std_normal_cdf(-1.96) - 0.025).abs() < 1e-4);
        for k in 0..80 {
            let x = k as f64 * 0.1;
            let direct = -(2.0 * (1.0 - std_normal_cdf(x))).max(1e-12).ln();
            let logged = neg_ln_two_tail(-x);
            // Past 6σ, `1 − cdf` loses digits to rounding; the log form
            // does not.
            let tolerance = if x < 6.0 { 1e-6 } else { 0.1 };
            assert!(
                (direct - logged).abs() < tolerance,
                "{x}: {direct} {logged}"
            );
        }
        assert_eq!(neg_ln_two_tail(50.0), -(1e-12f64).ln());
        // A budget only ever cuts the work, never the answer's side of it.
        for k in 0..80 {
            let x = k as f64 * 0.1;
            let exact = neg_ln_two_tail(x);
            for budget in [0.0, 0.5, 2.0, 8.0, 30.0] {
                let cut = neg_ln_two_tail_within(x, budget);
                assert_eq!(cut >= budget, exact >= budget, "{x} {budget}");
                assert!(cut <= exact);
                if exact < budget {
                    assert_eq!(cut, exact);
                }
            }
        }
    }
}
