//! The lexical evidence of one document pair, and the similarity of
//! sentence groups computed from it.
//!
//! Features are renumbered densely per document pair and weighted by
//! rarity (`ln(1 + N / df)`, N sentences on both sides). Only features
//! found on both sides are kept: the others can never match. Group
//! similarity uses stamp arrays instead of sorting or hashing, because the
//! DP asks for it millions of times per document.

use std::ops::Range;

use super::features::{Feature, FeatureMap};

/// Weighted features of both sides of a document pair.
#[derive(Debug, Clone)]
pub struct Evidence {
    weights: Vec<f64>,
    /// Each sentence's feature ids, ascending.
    src: Vec<Vec<u32>>,
    tgt: Vec<Vec<u32>>,
    /// Each sentence's summed feature weight, for one-to-one beads.
    src_mass: Vec<f64>,
    tgt_mass: Vec<f64>,
    anchors: Vec<(usize, usize)>,
}

impl Evidence {
    /// Builds the evidence from per-sentence features.
    pub fn new(src: &[Vec<Feature>], tgt: &[Vec<Feature>]) -> Evidence {
        // Per feature: source count, target count, last source and target
        // sentence holding it.
        let mut df: FeatureMap<(u32, u32, usize, usize)> = FeatureMap::default();
        for (i, fs) in src.iter().enumerate() {
            for &f in fs {
                let e = df.entry(f).or_insert((0, 0, 0, 0));
                e.0 += 1;
                e.2 = i;
            }
        }
        for (j, fs) in tgt.iter().enumerate() {
            for &f in fs {
                if let Some(e) = df.get_mut(&f) {
                    e.1 += 1;
                    e.3 = j;
                }
            }
        }
        let total = (src.len() + tgt.len()) as f64;
        let mut ids: FeatureMap<u32> = FeatureMap::default();
        let mut weights = Vec::new();
        let mut renumber = |sentences: &[Vec<Feature>]| -> Vec<Vec<u32>> {
            sentences
                .iter()
                .map(|fs| {
                    // Ascending, for the one-to-one merge in `Similarity`.
                    let mut dense: Vec<u32> = fs
                        .iter()
                        .filter_map(|f| {
                            let &(a, b, _, _) = df.get(f)?;
                            if a == 0 || b == 0 {
                                return None;
                            }
                            Some(*ids.entry(*f).or_insert_with(|| {
                                weights.push((1.0 + total / f64::from(a + b)).ln());
                                (weights.len() - 1) as u32
                            }))
                        })
                        .collect();
                    dense.sort_unstable();
                    dense
                })
                .collect()
        };
        let src_ids = renumber(src);
        let tgt_ids = renumber(tgt);
        let mass = |sentences: &[Vec<u32>]| -> Vec<f64> {
            sentences
                .iter()
                .map(|ids| ids.iter().map(|&f| weights[f as usize]).sum())
                .collect()
        };
        let (src_mass, tgt_mass) = (mass(&src_ids), mass(&tgt_ids));
        // A feature found once on each side pins a sentence pair.
        let mut anchors: Vec<(usize, usize)> = df
            .values()
            .filter(|&&(a, b, _, _)| a == 1 && b == 1)
            .map(|&(_, _, i, j)| (i, j))
            .collect();
        anchors.sort_unstable();
        anchors.dedup();
        Evidence {
            weights,
            src: src_ids,
            tgt: tgt_ids,
            src_mass,
            tgt_mass,
            anchors,
        }
    }

    /// Sentence pairs sharing a feature found once on each side, sorted.
    pub fn anchors(&self) -> &[(usize, usize)] {
        &self.anchors
    }
}

/// Computes group similarities over one [`Evidence`], reusing scratch space.
pub struct Similarity<'a> {
    ev: &'a Evidence,
    in_src: Vec<u32>,
    in_tgt: Vec<u32>,
    stamp: u32,
}

impl<'a> Similarity<'a> {
    /// Scratch space for `ev`.
    pub fn new(ev: &'a Evidence) -> Similarity<'a> {
        Similarity {
            ev,
            in_src: vec![0; ev.weights.len()],
            in_tgt: vec![0; ev.weights.len()],
            stamp: 0,
        }
    }

    /// Weighted Dice overlap of the features of source sentences `s` and
    /// target sentences `t`, lowered when one sentence of a merged side
    /// shares less than `coverage` of its evidence with the other side (it
    /// is then more likely a deletion than part of the bead). `None` when
    /// neither side has any feature.
    pub fn of(&mut self, s: Range<usize>, t: Range<usize>, coverage: f64) -> Option<f64> {
        if s.len() == 1 && t.len() == 1 {
            return self.one_to_one(s.start, t.start);
        }
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.in_src.fill(0);
            self.in_tgt.fill(0);
            self.stamp = 1;
        }
        let (w, stamp) = (&self.ev.weights, self.stamp);
        let mut ws = 0.0;
        for i in s.clone() {
            for &f in &self.ev.src[i] {
                let seen = &mut self.in_src[f as usize];
                if *seen != stamp {
                    *seen = stamp;
                    ws += w[f as usize];
                }
            }
        }
        let (mut wt, mut shared) = (0.0, 0.0);
        // A sentence's features are distinct, so one target sentence needs
        // no marks, unless a merged source side checks its members against
        // them below.
        let mark_tgt = t.len() > 1 || (coverage > 0.0 && s.len() > 1);
        for j in t.clone() {
            for &f in &self.ev.tgt[j] {
                if mark_tgt {
                    let seen = &mut self.in_tgt[f as usize];
                    if *seen == stamp {
                        continue;
                    }
                    *seen = stamp;
                }
                wt += w[f as usize];
                if self.in_src[f as usize] == stamp {
                    shared += w[f as usize];
                }
            }
        }
        if ws + wt == 0.0 {
            return None;
        }
        let dice = 2.0 * shared / (ws + wt);
        let mut factor: f64 = 1.0;
        if coverage > 0.0 {
            let members = [
                (s, &self.ev.src, &self.in_tgt),
                (t, &self.ev.tgt, &self.in_src),
            ];
            for (range, sentences, other) in members {
                if range.len() < 2 {
                    continue;
                }
                for k in range {
                    let (mut own, mut covered) = (0.0, 0.0);
                    for &f in &sentences[k] {
                        own += w[f as usize];
                        if other[f as usize] == stamp {
                            covered += w[f as usize];
                        }
                    }
                    if own > 0.0 {
                        factor = factor.min((covered / own / coverage).min(1.0));
                    }
                }
            }
        }
        Some(dice * factor)
    }

    /// [`Similarity::of`] for one sentence on each side, the bead the DP
    /// prices most: the masses are known, and the shared weight is a merge
    /// of two ascending id lists, summed in the same order as `of` would.
    fn one_to_one(&self, i: usize, j: usize) -> Option<f64> {
        let ev = self.ev;
        let (ws, wt) = (ev.src_mass[i], ev.tgt_mass[j]);
        if ws + wt == 0.0 {
            return None;
        }
        let (a, b) = (&ev.src[i], &ev.tgt[j]);
        let (mut x, mut y, mut shared) = (0, 0, 0.0);
        // Both cursors step without a branch on the comparison, which the
        // CPU cannot predict; matches are rare.
        while x < a.len() && y < b.len() {
            let (p, q) = (a[x], b[y]);
            if p == q {
                shared += ev.weights[p as usize];
            }
            x += usize::from(p <= q);
            y += usize::from(q <= p);
        }
        Some(2.0 * shared / (ws + wt))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_rare_features_count_more() {
        // Feature 1 is everywhere, 7 only in sentence pair (1, 1).
        let src = vec![vec![1, 2], vec![1, 7]];
        let tgt = vec![vec![1, 2], vec![1, 7]];
        let ev = Evidence::new(&src, &tgt);
        let mut sim = Similarity::new(&ev);
        let matched = sim.of(1..2, 1..2, 0.0).unwrap();
        let crossed = sim.of(1..2, 0..1, 0.0).unwrap();
        assert!((matched - 1.0).abs() < 1e-12);
        assert!(crossed > 0.0 && crossed < 0.5, "{crossed}");
        assert_eq!(ev.anchors(), &[(0, 0), (1, 1)]);
        // A merged side whose second sentence shares nothing is penalised.
        let src = vec![vec![3], vec![4]];
        let tgt = vec![vec![3], vec![4, 5]];
        let ev = Evidence::new(&src, &tgt);
        let mut sim = Similarity::new(&ev);
        assert!(sim.of(0..2, 0..1, 0.35).unwrap() < sim.of(0..2, 0..1, 0.0).unwrap());
        assert_eq!(sim.of(0..0, 0..0, 0.0), None);
    }
}
