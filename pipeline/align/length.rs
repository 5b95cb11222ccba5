//! A Gale–Church length-based aligner: the foundation's plain baseline.
//!
//! Dynamic programming over monotone beads 1-1, 1-0, 0-1, 2-1, 1-2 and 2-2,
//! scoring each bead by how well its character lengths match (Gale & Church
//! 1993, "A Program for Aligning Sentences in Bilingual Corpora"). The DP is
//! restricted to a band around the diagonal so long documents cost
//! O(n · band) time and memory.

use std::ops::Range;

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

/// Half-width of the DP band around the diagonal, in sentences.
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
    fn probability(&self, prior: f64, ls: usize, lt: usize) -> f64 {
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
        let ls: Vec<usize> = src.iter().map(|s| s.chars().count()).collect();
        let lt: Vec<usize> = tgt.iter().map(|s| s.chars().count()).collect();
        let (n, m) = (ls.len(), lt.len());
        let band = Band::new(n, m);
        let mut cost = vec![f64::INFINITY; band.cells()];
        let mut back = vec![u8::MAX; band.cells()];
        cost[band.index(0, 0).expect("origin in band")] = 0.0;
        let sum = |lens: &[usize], r: Range<usize>| lens[r].iter().sum::<usize>();
        for i in 0..=n {
            for j in band.columns(i) {
                let Some(here) = band.index(i, j) else {
                    continue;
                };
                for (k, &(di, dj, prior)) in BEADS.iter().enumerate() {
                    if di > i || dj > j {
                        continue;
                    }
                    let Some(prev) = band.index(i - di, j - dj) else {
                        continue;
                    };
                    if cost[prev].is_infinite() {
                        continue;
                    }
                    let p = self.probability(prior, sum(&ls, i - di..i), sum(&lt, j - dj..j));
                    let c = cost[prev] - p.max(1e-300).ln();
                    if c < cost[here] {
                        cost[here] = c;
                        back[here] = k as u8;
                    }
                }
            }
        }
        let mut beads = Vec::new();
        let (mut i, mut j) = (n, m);
        while i > 0 || j > 0 {
            let k = back[band.index(i, j).expect("path stays in band")] as usize;
            let (di, dj, prior) = BEADS[k];
            let p = self.probability(prior, sum(&ls, i - di..i), sum(&lt, j - dj..j));
            beads.push(Bead {
                src: i - di..i,
                tgt: j - dj..j,
                score: p.clamp(0.0, 1.0) as f32,
            });
            (i, j) = (i - di, j - dj);
        }
        beads.reverse();
        beads
    }
}

/// The DP cells kept: for each source position `i`, target positions within
/// [`BAND`] of the diagonal point `i·m/n`, widened so that consecutive rows
/// overlap and the corner `(n, m)` is always reachable.
struct Band {
    n: usize,
    m: usize,
    width: usize,
}

impl Band {
    fn new(n: usize, m: usize) -> Band {
        // Small problems get the full matrix; the band only matters at scale.
        // The band also grows with the slope m/n, so that the rows of a very
        // unequal pair still overlap and every cell stays reachable.
        let width = if n.saturating_mul(m) <= 250_000 {
            m + 1
        } else {
            (2 * BAND + 3 + 2 * (m / n.max(1) + 1)).min(m + 1)
        };
        Band { n, m, width }
    }

    fn cells(&self) -> usize {
        (self.n + 1) * self.width
    }

    fn first_column(&self, i: usize) -> usize {
        if self.width > self.m {
            return 0;
        }
        let center = (i * self.m).checked_div(self.n).unwrap_or(0);
        center.saturating_sub(BAND + 1).min(self.m + 1 - self.width)
    }

    fn columns(&self, i: usize) -> Range<usize> {
        let first = self.first_column(i);
        first..(first + self.width).min(self.m + 1)
    }

    fn index(&self, i: usize, j: usize) -> Option<usize> {
        let first = self.first_column(i);
        (j >= first && j < first + self.width && j <= self.m).then(|| i * self.width + j - first)
    }
}

/// Φ(x) for the standard normal, via the Abramowitz–Stegun erfc
/// approximation 7.1.26 (error below 1.5e-7, plenty for a cost).
fn std_normal_cdf(x: f64) -> f64 {
    let z = x.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.3275911 * z);
    let poly = t
        * (0.254829592
            + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
    let erfc = poly * (-z * z).exp();
    if x >= 0.0 {
        1.0 - erfc / 2.0
    } else {
        erfc / 2.0
    }
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
    }
}
