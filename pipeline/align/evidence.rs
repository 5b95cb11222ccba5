//! The lexical evidence of one document pair, and the similarity of
//! sentence groups computed from it.
//!
//! Features are renumbered densely per document pair and weighted by
//! rarity (`ln(1 + N / df)`, N sentences on both sides) and by how evenly
//! the two sides use them (`2·min(a, b) / (a + b)` for a feature in `a`
//! source and `b` target sentences). Only features found on both sides
//! are kept: the others can never match. Group
//! similarity uses stamp arrays instead of sorting or hashing, because the
//! DP asks for it millions of times per document.

use std::ops::Range;

use super::features::{Feature, FeatureMap};

/// Weighted features of both sides of a document pair.
#[derive(Debug, Clone)]
pub struct Evidence {
    weights: Vec<f64>,
    /// Each sentence's feature ids, ascending.
    src: Sentences,
    tgt: Sentences,
    /// Each sentence's summed feature weight, for one-to-one beads.
    src_mass: Vec<f64>,
    tgt_mass: Vec<f64>,
    /// The distinct-feature mass of each run of 1..=MAX_GROUP sentences,
    /// by first sentence: `[k - 1]` for a run of k.
    src_runs: Vec<[f64; MAX_GROUP]>,
    tgt_runs: Vec<[f64; MAX_GROUP]>,
    anchors: Vec<(usize, usize)>,
}

/// Each sentence's feature ids, all in one array: the DP reads them for
/// millions of sentence pairs, and a vector per sentence was an allocation
/// per sentence and a pointer to chase per read.
#[derive(Debug, Clone, Default)]
struct Sentences {
    ids: Vec<u32>,
    /// Where each sentence's ids begin; one more entry than sentences.
    start: Vec<usize>,
}

impl Sentences {
    /// Each sentence's features as the ids `id_of(sentence, feature)`
    /// gives, those it gives none for left out.
    fn gather(
        side: &[Vec<Feature>],
        mut id_of: impl FnMut(usize, Feature) -> Option<u32>,
    ) -> Sentences {
        let mut all = Sentences {
            ids: Vec::with_capacity(side.iter().map(Vec::len).sum()),
            start: Vec::with_capacity(side.len() + 1),
        };
        for (i, fs) in side.iter().enumerate() {
            all.start.push(all.ids.len());
            for &f in fs {
                if let Some(id) = id_of(i, f) {
                    all.ids.push(id);
                }
            }
        }
        all.start.push(all.ids.len());
        all
    }

    fn len(&self) -> usize {
        self.start.len() - 1
    }

    /// Keeps the ids `keep` maps to `Some`, renamed, ascending within each
    /// sentence.
    fn renumber(mut self, keep: impl Fn(u32) -> Option<u32>) -> Sentences {
        let mut w = 0;
        for s in 0..self.len() {
            let (from, to) = (self.start[s], self.start[s + 1]);
            self.start[s] = w;
            for r in from..to {
                if let Some(id) = keep(self.ids[r]) {
                    self.ids[w] = id;
                    w += 1;
                }
            }
            // Ascending, for the one-to-one merge in `Similarity`.
            self.ids[self.start[s]..w].sort_unstable();
        }
        let n = self.len();
        self.start[n] = w;
        self.ids.truncate(w);
        self
    }
}

impl std::ops::Index<usize> for Sentences {
    type Output = [u32];

    fn index(&self, s: usize) -> &[u32] {
        &self.ids[self.start[s]..self.start[s + 1]]
    }
}

/// The longest run of sentences on one side of a bead whose similarity
/// [`Similarity::upper_bound`] can bound.
pub const MAX_GROUP: usize = 4;

impl Evidence {
    /// Builds the evidence from per-sentence features.
    pub fn new(src: &[Vec<Feature>], tgt: &[Vec<Feature>]) -> Evidence {
        // One hash lookup per feature occurrence: source features are
        // numbered in order of first appearance, target features looked up
        // once, and everything after works on dense arrays. (Per feature:
        // source count, target count, last source and target sentence.)
        let mut ids: FeatureMap<u32> = FeatureMap::default();
        let mut seen: Vec<(u32, u32, usize, usize)> = Vec::new();
        let src_all = Sentences::gather(src, |i, f| {
            let id = *ids.entry(f).or_insert_with(|| {
                seen.push((0, 0, 0, 0));
                (seen.len() - 1) as u32
            });
            let e = &mut seen[id as usize];
            e.0 += 1;
            e.2 = i;
            Some(id)
        });
        let tgt_all = Sentences::gather(tgt, |j, f| {
            let &id = ids.get(&f)?;
            let e = &mut seen[id as usize];
            e.1 += 1;
            e.3 = j;
            Some(id)
        });
        // Only features found on both sides are kept, renumbered densely
        // in the same order.
        let total = (src.len() + tgt.len()) as f64;
        let mut dense_id = vec![u32::MAX; seen.len()];
        let mut weights = Vec::new();
        for (id, &(a, b, _, _)) in seen.iter().enumerate() {
            if b > 0 {
                dense_id[id] = weights.len() as u32;
                // A feature in five source sentences and one target
                // sentence pairs at most one of the five: mostly a
                // collision (a common root's skeleton, a number repeated
                // on one side), so it weighs in proportion to the share
                // of its occurrences that can have a partner. Chosen on
                // development data (BENCHMARKS, session 10).
                let balance = 2.0 * f64::from(a.min(b)) / f64::from(a + b);
                weights.push((1.0 + total / f64::from(a + b)).ln() * balance);
            }
        }
        let keep = |id: u32| Some(dense_id[id as usize]).filter(|&d| d != u32::MAX);
        let src_ids = src_all.renumber(keep);
        let tgt_ids = tgt_all.renumber(keep);
        let mass = |sentences: &Sentences| -> Vec<f64> {
            (0..sentences.len())
                .map(|s| sentences[s].iter().map(|&f| weights[f as usize]).sum())
                .collect()
        };
        let (src_mass, tgt_mass) = (mass(&src_ids), mass(&tgt_ids));
        let (src_runs, tgt_runs) = (
            run_masses(&src_ids, &weights),
            run_masses(&tgt_ids, &weights),
        );
        // A feature found once on each side pins a sentence pair.
        let mut anchors: Vec<(usize, usize)> = seen
            .iter()
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
            src_runs,
            tgt_runs,
            anchors,
        }
    }

    /// The distinct-feature mass of a run of sentences of one side.
    fn run_mass(runs: &[[f64; MAX_GROUP]], r: &Range<usize>) -> f64 {
        runs[r.start][r.len() - 1]
    }

    /// Sentence pairs sharing a feature found once on each side, sorted.
    pub fn anchors(&self) -> &[(usize, usize)] {
        &self.anchors
    }
}

/// The distinct-feature mass of every run of up to [`MAX_GROUP`]
/// sentences, by its first sentence (runs past the end stay 0).
fn run_masses(sentences: &Sentences, weights: &[f64]) -> Vec<[f64; MAX_GROUP]> {
    let mut seen = vec![usize::MAX; weights.len()];
    (0..sentences.len())
        .map(|a| {
            let mut out = [0.0; MAX_GROUP];
            let mut total = 0.0;
            for (k, s) in (a..sentences.len()).take(MAX_GROUP).enumerate() {
                for &f in &sentences[s] {
                    if seen[f as usize] != a {
                        seen[f as usize] = a;
                        total += weights[f as usize];
                    }
                }
                out[k] = total;
            }
            out
        })
        .collect()
}

/// `x` with a margin for rounding: a bound summed in another order than
/// [`Similarity::of`] sums may round the other way, and must stay above it.
fn above(x: f64) -> f64 {
    x * (1.0 + 1e-9) + 1e-12
}

/// Sentence pairs whose shared weight the cache holds at once: a 64 × 64
/// window, which covers every pair the beads around one DP cell ask for.
const PAIR_SLOTS: usize = 64 * 64;

/// Computes group similarities over one [`Evidence`], reusing scratch space.
pub struct Similarity<'a> {
    ev: &'a Evidence,
    in_src: Vec<u32>,
    in_tgt: Vec<u32>,
    stamp: u32,
    /// Shared weight of one source and one target sentence, direct-mapped
    /// by the low bits of both indices: `(i, j)` packed, `u64::MAX` empty.
    pair_keys: Vec<u64>,
    pair_shared: Vec<f64>,
    /// The latest source sentence asked for, whose features are marked in
    /// `marks` (by sentence index): the DP moves forward a source sentence
    /// per row, and pairs it with every target sentence of the row.
    marked: usize,
    marks: Vec<u32>,
}

impl<'a> Similarity<'a> {
    /// Scratch space for `ev`.
    pub fn new(ev: &'a Evidence) -> Similarity<'a> {
        Similarity {
            ev,
            in_src: vec![0; ev.weights.len()],
            in_tgt: vec![0; ev.weights.len()],
            stamp: 0,
            pair_keys: vec![u64::MAX; PAIR_SLOTS],
            pair_shared: vec![0.0; PAIR_SLOTS],
            marked: usize::MAX,
            marks: vec![u32::MAX; ev.weights.len()],
        }
    }

    /// An upper bound on [`Similarity::of`] (`None` exactly when `of` is
    /// `None`) from the shared weights of the bead's sentence pairs, which
    /// one-to-one beads have mostly computed already. Most merged beads the
    /// DP prices lose by more than their lexical term could save; the bound
    /// tells so without building the groups' feature sets.
    ///
    /// The features two groups share lie in some pair of their sentences,
    /// so the pairs' shared weights sum to at least the groups' shared
    /// weight, and to at least what a member finds on the other side.
    ///
    /// A bound below `threshold` may be returned before the pairs are
    /// looked at: the caller only needs to know the bead loses.
    pub fn upper_bound(
        &mut self,
        s: Range<usize>,
        t: Range<usize>,
        coverage: f64,
        threshold: f64,
    ) -> Option<f64> {
        if s.len() > MAX_GROUP || t.len() > MAX_GROUP {
            return Some(1.0);
        }
        let ev = self.ev;
        let ws = if s.is_empty() {
            0.0
        } else {
            Evidence::run_mass(&ev.src_runs, &s)
        };
        let wt = if t.is_empty() {
            0.0
        } else {
            Evidence::run_mass(&ev.tgt_runs, &t)
        };
        if ws + wt == 0.0 {
            return None;
        }
        // First without looking at a single feature: the groups share at
        // most the lighter group's mass.
        let loose = above(2.0 * ws.min(wt) / (ws + wt));
        if loose < threshold {
            return Some(loose);
        }
        let mut by_src = [0.0f64; MAX_GROUP];
        let mut by_tgt = [0.0f64; MAX_GROUP];
        for (a, i) in s.clone().enumerate() {
            for (b, j) in t.clone().enumerate() {
                let shared = self.pair_shared(i, j);
                by_src[a] += shared;
                by_tgt[b] += shared;
            }
        }
        let total: f64 = by_src.iter().sum();
        let dice = 2.0 * total.min(ws).min(wt) / (ws + wt);
        let mut factor: f64 = 1.0;
        if coverage > 0.0 {
            let members = [(s, &ev.src_mass, &by_src), (t, &ev.tgt_mass, &by_tgt)];
            for (range, mass, found) in members {
                if range.len() < 2 {
                    continue;
                }
                for (k, own) in range.map(|k| mass[k]).enumerate() {
                    if own > 0.0 {
                        factor = factor.min((found[k].min(own) / own / coverage).min(1.0));
                    }
                }
            }
        }
        Some(above(dice * factor))
    }

    /// The shared weight of source sentence `i` and target sentence `j`,
    /// from the cache when it holds the pair.
    fn pair_shared(&mut self, i: usize, j: usize) -> f64 {
        let slot = (i % 64) * 64 + j % 64;
        let key = ((i as u64) << 32) | j as u64;
        if self.pair_keys[slot] == key {
            return self.pair_shared[slot];
        }
        if self.marked == usize::MAX || i > self.marked {
            self.marked = i;
            for &f in &self.ev.src[i] {
                self.marks[f as usize] = i as u32;
            }
        }
        let shared = if i == self.marked {
            // In ascending feature order, as the merge adds them.
            let (w, marks) = (&self.ev.weights, &self.marks);
            self.ev.tgt[j]
                .iter()
                .filter(|&&f| marks[f as usize] == i as u32)
                .map(|&f| w[f as usize])
                .sum()
        } else {
            self.merge_shared(i, j)
        };
        self.pair_keys[slot] = key;
        self.pair_shared[slot] = shared;
        shared
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
    fn one_to_one(&mut self, i: usize, j: usize) -> Option<f64> {
        let (ws, wt) = (self.ev.src_mass[i], self.ev.tgt_mass[j]);
        if ws + wt == 0.0 {
            return None;
        }
        Some(2.0 * self.pair_shared(i, j) / (ws + wt))
    }

    /// The weight of the features sentences `i` and `j` share.
    fn merge_shared(&self, i: usize, j: usize) -> f64 {
        let ev = self.ev;
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
        shared
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

    #[test]
    fn features_one_side_uses_more_often_weigh_less() {
        // 9 is in three source sentences and one target sentence, 8 in two
        // of each: equally rare, but at most one of 9's source sentences
        // can have its partner.
        let src = vec![vec![1, 9], vec![1, 9], vec![1, 9], vec![1, 8], vec![1, 8]];
        let tgt = vec![vec![1, 9], vec![1, 8], vec![1, 8], vec![1], vec![1]];
        let ev = Evidence::new(&src, &tgt);
        let rare = (1.0f64 + 10.0 / 4.0).ln();
        // Dense ids in order of first appearance: 1, 9, 8.
        assert!((ev.weights[2] - rare).abs() < 1e-12, "{:?}", ev.weights);
        assert!(
            (ev.weights[1] - rare / 2.0).abs() < 1e-12,
            "{:?}",
            ev.weights
        );
        assert!(
            (ev.weights[0] - 2.0f64.ln()).abs() < 1e-12,
            "{:?}",
            ev.weights
        );
        let mut sim = Similarity::new(&ev);
        let by_nine = sim.of(0..1, 0..1, 0.0).unwrap();
        let by_eight = sim.of(3..4, 1..2, 0.0).unwrap();
        assert_eq!(by_nine, 1.0);
        assert_eq!(by_eight, 1.0);
        // Against a sentence holding only the common feature, the pair
        // sharing the even feature loses more.
        let odd = sim.of(0..1, 3..4, 0.0).unwrap();
        let even = sim.of(3..4, 3..4, 0.0).unwrap();
        assert!(odd > even, "{odd} {even}");
    }

    proptest::proptest! {
        #[test]
        fn the_bound_is_never_below_the_similarity(
            src in proptest::collection::vec(proptest::collection::vec(0u64..12, 0..6), 1..9),
            tgt in proptest::collection::vec(proptest::collection::vec(0u64..12, 0..6), 1..9),
            coverage in proptest::sample::select(vec![0.0, 0.35, 0.9]),
        ) {
            let clean = |v: Vec<Vec<u64>>| -> Vec<Vec<u64>> {
                v.into_iter().map(|mut fs| { fs.sort_unstable(); fs.dedup(); fs }).collect()
            };
            let (src, tgt) = (clean(src), clean(tgt));
            let ev = Evidence::new(&src, &tgt);
            let mut sim = Similarity::new(&ev);
            for a in 0..src.len() {
                for b in 0..tgt.len() {
                    for (ds, dt) in [(1, 1), (2, 1), (1, 2), (2, 2), (3, 1), (1, 4), (3, 2)] {
                        if a + ds > src.len() || b + dt > tgt.len() {
                            continue;
                        }
                        let (s, t) = (a..a + ds, b..b + dt);
                        let exact = sim.of(s.clone(), t.clone(), coverage);
                        let bound = sim.upper_bound(s.clone(), t.clone(), coverage, f64::NEG_INFINITY);
                        let loose = sim.upper_bound(s, t, coverage, 2.0);
                        proptest::prop_assert_eq!(exact.is_none(), bound.is_none());
                        proptest::prop_assert_eq!(exact.is_none(), loose.is_none());
                        if let (Some(e), Some(b), Some(l)) = (exact, bound, loose) {
                            proptest::prop_assert!(b >= e && l >= e, "{e} > {b} or {l}");
                        }
                    }
                }
            }
        }
    }
}
