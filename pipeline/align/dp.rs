//! The dynamic programme every aligner shares: the cheapest monotone path
//! of beads through a corridor of the (source × target) grid.
//!
//! The corridor holds, for each source position, the target positions the
//! path may visit. Keeping it narrow is what makes long documents cheap:
//! time and memory are linear in the corridor's area, not in n · m.

use std::ops::Range;

/// A bead shape: (source sentences, target sentences).
pub type Shape = (usize, usize);

/// The allowed target positions for each source position `0..=n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Corridor {
    rows: Vec<Range<usize>>,
    m: usize,
}

impl Corridor {
    /// Every cell: for small problems.
    pub fn full(n: usize, m: usize) -> Corridor {
        Corridor {
            rows: vec![0..m + 1; n + 1],
            m,
        }
    }

    /// `half_width` positions either side of a path through `points`
    /// (source, target), which must be increasing in both coordinates;
    /// (0, 0) and (n, m) are added. Between points the path is a straight
    /// line.
    pub fn around(points: &[(usize, usize)], n: usize, m: usize, half_width: usize) -> Corridor {
        let mut pts = vec![(0, 0)];
        pts.extend(points.iter().copied().filter(|&(i, j)| i <= n && j <= m));
        pts.push((n, m));
        let mut rows = Vec::with_capacity(n + 1);
        let mut seg = 0;
        for i in 0..=n {
            while seg + 1 < pts.len() - 1 && pts[seg + 1].0 <= i {
                seg += 1;
            }
            let (i0, j0) = pts[seg];
            let (i1, j1) = pts[(seg + 1).min(pts.len() - 1)];
            let center = if i1 > i0 {
                j0 + (j1.saturating_sub(j0)) * (i - i0) / (i1 - i0)
            } else {
                j0
            };
            // A steep stretch (many target sentences per source one) must
            // still connect from row to row: widen by the local slope.
            let slope = if i1 > i0 {
                (j1.saturating_sub(j0)).div_ceil(i1 - i0)
            } else {
                j1.saturating_sub(j0)
            };
            // Between distant anchors the path drifts from the straight
            // line as insertions and deletions accumulate, like a random
            // walk: widen by half the square root of the gap.
            let drift = ((i1 - i0).max(j1.saturating_sub(j0)) as f64).sqrt() as usize / 2;
            let w = half_width + slope + drift;
            rows.push(center.saturating_sub(w)..(center + w + 1).min(m + 1));
        }
        let mut c = Corridor { rows, m };
        c.repair();
        c
    }

    /// This corridor with the rows of `wider` (a corridor of the same
    /// grid) where `take(row)` holds.
    pub fn widened_where(mut self, wider: &Corridor, take: impl Fn(usize) -> bool) -> Corridor {
        for (i, (row, wide)) in self.rows.iter_mut().zip(&wider.rows).enumerate() {
            if take(i) {
                *row = row.start.min(wide.start)..row.end.max(wide.end);
            }
        }
        self.repair();
        self
    }

    /// Makes each row overlap the previous one, so every row is reachable
    /// through 1-0 and 0-1 beads, and puts both corners in the corridor.
    fn repair(&mut self) {
        let n = self.rows.len() - 1;
        self.rows[0].start = 0;
        self.rows[n].end = self.m + 1;
        for i in 1..=n {
            let prev = self.rows[i - 1].clone();
            let row = &mut self.rows[i];
            row.start = row.start.max(prev.start).min(prev.end - 1);
            row.end = row.end.max(row.start + 1).max(prev.end.min(self.m + 1));
        }
    }

    /// Whether the path comes within `margin` cells of a side of the
    /// corridor that is not the grid's own edge: a better path may then
    /// lie outside it.
    pub fn pins(&self, steps: &[Step], margin: usize) -> bool {
        steps.iter().any(|s| {
            let (r, j) = (&self.rows[s.src.end], s.tgt.end);
            (r.start > 0 && j < r.start + margin) || (r.end <= self.m && j + margin >= r.end)
        })
    }

    /// Where each row's cells begin in a flat array of the corridor's
    /// cells (one more entry than rows: the total at the end).
    fn offsets(&self) -> Vec<usize> {
        let mut offset = Vec::with_capacity(self.rows.len() + 1);
        offset.push(0);
        for r in &self.rows {
            offset.push(offset.last().unwrap() + r.len());
        }
        offset
    }

    /// Number of cells.
    pub fn area(&self) -> usize {
        self.rows.iter().map(|r| r.len()).sum()
    }
}

/// Where beads of shape `(di, dj)` can end in row `i`: the target
/// positions `lo..hi` of the row whose bead starts inside the corridor, and
/// how far back in the flat cell array the start lies. Worked out once per
/// row and shape, so the DP's inner loops test two bounds per bead.
#[derive(Debug, Clone, Copy)]
struct Span {
    lo: usize,
    hi: usize,
    distance: usize,
}

impl Span {
    /// No bead of the shape ends in the row.
    const NONE: Span = Span {
        lo: 0,
        hi: 0,
        distance: 0,
    };

    /// The span of shape `(di, dj)` in row `i` (none past the last row).
    fn of(rows: &[Range<usize>], offset: &[usize], (di, dj): Shape, i: usize) -> Span {
        let Some(p) = i.checked_sub(di).filter(|_| di + dj > 0 && i < rows.len()) else {
            return Span::NONE;
        };
        let (row, from) = (&rows[i], &rows[p]);
        let lo = row.start.max(from.start + dj);
        let hi = row.end.min(from.end + dj).max(lo);
        // (offset[i] + j − row.start) − (offset[p] + j − dj − from.start);
        // never negative, since each row starts at most where the one
        // before it ends.
        let distance = offset[i] + from.start + dj - row.start - offset[p];
        Span { lo, hi, distance }
    }

    fn holds(&self, j: usize) -> bool {
        self.lo <= j && j < self.hi
    }
}

/// One step of the best path: the bead's ranges and its cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Source sentences.
    pub src: Range<usize>,
    /// Target sentences.
    pub tgt: Range<usize>,
    /// The bead's cost.
    pub cost: f64,
}

/// The cheapest path from (0, 0) to (n, m) inside `corridor` using
/// `shapes`; `cost(src, tgt, ceiling)` prices a bead (infinite forbids it).
///
/// The bead can only improve the path when it costs less than `ceiling`, so
/// `cost` may stop early and return any value ≥ `ceiling` once it knows the
/// bead reaches it: most beads lose to the 1-1 bead tried first, and their
/// expensive terms need not be computed. The path is the same as with exact
/// costs.
pub fn best_path(
    corridor: &Corridor,
    shapes: &[Shape],
    mut cost: impl FnMut(Range<usize>, Range<usize>, f64) -> f64,
) -> Vec<Step> {
    let rows = &corridor.rows;
    let n = rows.len() - 1;
    let offset = corridor.offsets();
    let cell = |i: usize, j: usize| -> Option<usize> {
        let r = &rows[i];
        r.contains(&j).then(|| offset[i] + j - r.start)
    };
    let area = offset[n + 1];
    let mut best = vec![f64::INFINITY; area];
    let mut back = vec![u8::MAX; area];
    best[cell(0, 0).expect("origin")] = 0.0;
    let mut span: Vec<Span> = Vec::with_capacity(shapes.len());
    for (i, row) in rows.iter().enumerate() {
        span.clear();
        span.extend(shapes.iter().map(|&sh| Span::of(rows, &offset, sh, i)));
        for j in row.clone() {
            let here = offset[i] + j - row.start;
            for (k, (&(di, dj), sp)) in shapes.iter().zip(&span).enumerate() {
                if !sp.holds(j) {
                    continue;
                }
                let prev = here - sp.distance;
                if best[prev].is_infinite() {
                    continue;
                }
                let c = best[prev] + cost(i - di..i, j - dj..j, best[here] - best[prev]);
                if c < best[here] {
                    best[here] = c;
                    back[here] = k as u8;
                }
            }
        }
    }
    let mut steps = Vec::new();
    let (mut i, mut j) = (n, corridor.m);
    while i > 0 || j > 0 {
        let here = cell(i, j).expect("path inside corridor");
        let (di, dj) = shapes[back[here] as usize];
        let prev = cell(i - di, j - dj).expect("path inside corridor");
        steps.push(Step {
            src: i - di..i,
            tgt: j - dj..j,
            cost: best[here] - best[prev],
        });
        (i, j) = (i - di, j - dj);
    }
    steps.reverse();
    steps
}

/// Posterior decoding: beads weighted by how likely they are, not just
/// the single cheapest path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MinRisk {
    /// Paths have probability ∝ exp(−cost / temperature).
    pub temperature: f64,
    /// Posterior a bead must exceed to be worth taking (each bead on the
    /// path earns its posterior minus this).
    pub threshold: f64,
}

/// The most sentences on one side of a bead [`min_risk_path`] accepts.
pub const MAX_SIDE: usize = 5;

/// Beads costing this many temperatures more than the best way into their
/// cell carry under e⁻⁶ (0.25%) of its mass, and are left out of the sums.
const NEGLIGIBLE: f64 = 6.0;

/// The cost recorded for a bead left out of the sums (a finite cost is
/// never this large).
const LEFT_OUT: f64 = f64::MAX;

/// The path that maximises the expected number of correct beads minus
/// `threshold` per bead, where a bead's probability is its posterior when
/// every path has probability ∝ exp(−cost / temperature) (forward–backward
/// over the corridor). Viterbi's single best path can hinge on one cheap
/// bead; the posterior weighs every path through each bead, which is what
/// bead-level precision and recall reward. A threshold of about half the
/// expected F1 maximises it (each bead adds to precision's denominator).
/// Each step's cost is `threshold` minus the bead's posterior.
pub fn min_risk_path(
    corridor: &Corridor,
    shapes: &[Shape],
    mut cost: impl FnMut(Range<usize>, Range<usize>, f64) -> f64,
    risk: MinRisk,
) -> Vec<Step> {
    assert!(
        shapes.iter().all(|&(a, b)| a <= MAX_SIDE && b <= MAX_SIDE),
        "bead shapes of up to {MAX_SIDE} sentences a side"
    );
    assert!(
        risk.temperature > 0.0,
        "posterior decoding needs a positive temperature"
    );
    let rows = &corridor.rows;
    let n = rows.len() - 1;
    let offset = corridor.offsets();
    let area = offset[n + 1];
    let k = shapes.len();
    let t = risk.temperature;
    // −T·ln Σ exp(−x/T) over xs, given their minimum.
    let soft_min = |xs: &[f64], lo: f64| -> f64 {
        if lo.is_infinite() {
            return f64::INFINITY;
        }
        lo - t * xs.iter().map(|x| (-(x - lo) / t).exp()).sum::<f64>().ln()
    };
    // Forward sums, keeping each bead's cost by the cell it ends in and
    // its shape. A bead NEGLIGIBLE temperatures above the best way into its
    // cell is left out, so `cost` may stop early at that ceiling.
    let mut bead = vec![f64::INFINITY; area * k];
    let mut fwd = vec![f64::INFINITY; area];
    fwd[0] = 0.0;
    let mut terms = Vec::with_capacity(k);
    let mut span: Vec<Span> = Vec::with_capacity(k);
    for (i, row) in rows.iter().enumerate() {
        span.clear();
        span.extend(shapes.iter().map(|&sh| Span::of(rows, &offset, sh, i)));
        for j in row.clone() {
            let here = offset[i] + j - row.start;
            if here == 0 {
                continue;
            }
            terms.clear();
            let mut lo = f64::INFINITY;
            for (s, (&(di, dj), sp)) in shapes.iter().zip(&span).enumerate() {
                if !sp.holds(j) {
                    continue;
                }
                let before = fwd[here - sp.distance];
                if before.is_infinite() {
                    continue;
                }
                let ceiling = lo + NEGLIGIBLE * t - before;
                let c = cost(i - di..i, j - dj..j, ceiling);
                if c < ceiling {
                    bead[here * k + s] = c;
                    terms.push(before + c);
                    lo = lo.min(before + c);
                } else if c.is_finite() {
                    bead[here * k + s] = LEFT_OUT;
                }
            }
            fwd[here] = soft_min(&terms, lo);
        }
    }
    // Backward sums, each bead's reward (threshold minus posterior: a
    // cost, so that the cheapest path is the most rewarding), and in the
    // same sweep the cheapest path by reward from each cell to the end (a
    // third pass over the corridor for it cost 4% of the aligner's
    // instructions).
    let total = fwd[area - 1];
    let mut bwd = vec![f64::INFINITY; area];
    bwd[area - 1] = 0.0;
    let mut to_end = vec![f64::INFINITY; area];
    to_end[area - 1] = 0.0;
    // Per cell: the shape of the first bead of its cheapest way on, and
    // that bead's reward.
    let mut next_bead = vec![(u8::MAX, 0.0f64); area];
    for (i, row) in rows.iter().enumerate().rev() {
        // The beads starting in row i end in row i + di.
        span.clear();
        span.extend(
            shapes
                .iter()
                .map(|&sh| Span::of(rows, &offset, sh, i + sh.0)),
        );
        for j in row.clone().rev() {
            let here = offset[i] + j - row.start;
            if here == area - 1 {
                continue;
            }
            terms.clear();
            let mut lo = f64::INFINITY;
            for (s, (&(_, dj), sp)) in shapes.iter().zip(&span).enumerate() {
                if !sp.holds(j + dj) {
                    continue;
                }
                let next = here + sp.distance;
                let reward = if bead[next * k + s] == LEFT_OUT {
                    // Allowed, but with no posterior to speak of: the best
                    // path may still need it to join likelier beads.
                    if bwd[next].is_infinite() {
                        continue;
                    }
                    risk.threshold
                } else {
                    let after = bead[next * k + s] + bwd[next];
                    if after.is_infinite() {
                        continue;
                    }
                    terms.push(after);
                    lo = lo.min(after);
                    let posterior = (-(fwd[here] + after - total) / t).exp();
                    risk.threshold - posterior
                };
                let on = reward + to_end[next];
                if on < to_end[here] {
                    to_end[here] = on;
                    next_bead[here] = (s as u8, reward);
                }
            }
            bwd[here] = soft_min(&terms, lo);
        }
    }
    // The steps' costs are their rewards, not their bead costs.
    let mut steps = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < corridor.m {
        let here = offset[i] + j - rows[i].start;
        let (s, reward) = next_bead[here];
        let (di, dj) = shapes[usize::from(s)];
        steps.push(Step {
            src: i..i + di,
            tgt: j..j + dj,
            cost: reward,
        });
        (i, j) = (i + di, j + dj);
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SHAPES: [Shape; 6] = [(1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2)];

    fn covers(steps: &[Step], n: usize, m: usize) -> bool {
        let (mut i, mut j) = (0, 0);
        for s in steps {
            if s.src.start != i || s.tgt.start != j {
                return false;
            }
            (i, j) = (s.src.end, s.tgt.end);
        }
        (i, j) == (n, m)
    }

    #[test]
    fn prefers_cheap_beads() {
        let c = Corridor::full(3, 3);
        let steps = best_path(&c, &SHAPES, |s, t, _| {
            if s.len() == 1 && t.len() == 1 {
                1.0
            } else {
                5.0
            }
        });
        assert_eq!(steps.len(), 3);
        assert!(steps.iter().all(|s| s.cost == 1.0));
    }

    #[test]
    fn long_gaps_between_anchors_widen_the_corridor() {
        // No anchors over 400 sentences: ±(2 + slope 1 + √400 / 2).
        let c = Corridor::around(&[], 400, 400, 2);
        assert_eq!(c.rows[200], 187..214);
        // Close anchors keep it narrow.
        let pts: Vec<(usize, usize)> = (1..100).map(|k| (4 * k, 4 * k)).collect();
        let c = Corridor::around(&pts, 400, 400, 2);
        assert_eq!(c.rows[200], 196..205);
    }

    #[test]
    fn a_corridor_widens_only_where_asked() {
        let pts: Vec<(usize, usize)> = (1..100).map(|k| (k, k)).collect();
        let narrow = Corridor::around(&pts, 100, 100, 1);
        let wide = Corridor::around(&pts, 100, 100, 4);
        let mixed = narrow
            .clone()
            .widened_where(&wide, |i| (40..50).contains(&i));
        assert_eq!(mixed.rows[20], narrow.rows[20]);
        assert_eq!(mixed.rows[45], wide.rows[45]);
        assert!(mixed.area() < wide.area() && mixed.area() > narrow.area());
        // Still a corridor every path can cross.
        let steps = best_path(&mixed, &SHAPES, |s, t, _| {
            (s.len() as f64 - t.len() as f64).abs() + 1.0
        });
        assert!(covers(&steps, 100, 100));
    }

    /// Every monotone path from (0, 0) to (n, m) with `SHAPES`.
    fn all_paths(n: usize, m: usize) -> Vec<Vec<(Range<usize>, Range<usize>)>> {
        if n == 0 && m == 0 {
            return vec![Vec::new()];
        }
        let mut out = Vec::new();
        for &(di, dj) in &SHAPES {
            if di <= n && dj <= m {
                for mut p in all_paths(n - di, m - dj) {
                    p.push((n - di..n, m - dj..m));
                    out.push(p);
                }
            }
        }
        out
    }

    proptest! {
        #[test]
        fn min_risk_path_maximises_expected_correct_beads(
            n in 0usize..5, m in 0usize..5, seed in 0u64..1000,
            temperature in 0.5f64..2.0, threshold in 0.0f64..0.6,
        ) {
            let exact = |s: &Range<usize>, t: &Range<usize>| -> f64 {
                let mut h = seed ^ (s.start as u64) << 40 ^ (s.end as u64) << 20
                    ^ (t.start as u64) << 8 ^ t.end as u64;
                h = h.wrapping_mul(0x9e37_79b9_7f4a_7c15);
                (h >> 40) as f64 / (1u64 << 24) as f64 * 4.0
            };
            // Posteriors by enumerating every path.
            let paths = all_paths(n, m);
            let weight: Vec<f64> = paths
                .iter()
                .map(|p| (-p.iter().map(|(s, t)| exact(s, t)).sum::<f64>() / temperature).exp())
                .collect();
            let z: f64 = weight.iter().sum();
            let posterior = |b: &(Range<usize>, Range<usize>)| -> f64 {
                paths.iter().zip(&weight).filter(|(p, _)| p.contains(b)).map(|(_, w)| w).sum::<f64>() / z
            };
            let gain = |p: &[(Range<usize>, Range<usize>)]| -> f64 {
                p.iter().map(|b| posterior(b) - threshold).sum()
            };
            let best = paths.iter().map(|p| gain(p)).fold(f64::NEG_INFINITY, f64::max);
            let risk = MinRisk { temperature, threshold };
            let steps = min_risk_path(&Corridor::full(n, m), &SHAPES, |s, t, _| exact(&s, &t), risk);
            prop_assert!(covers(&steps, n, m));
            let found: Vec<(Range<usize>, Range<usize>)> =
                steps.iter().map(|s| (s.src.clone(), s.tgt.clone())).collect();
            // Beads left out of the sums carry under e⁻⁶ of their cell's mass.
            prop_assert!(gain(&found) >= best - 0.01, "{} < {}", gain(&found), best);
        }

        #[test]
        fn stopping_at_the_ceiling_keeps_the_path(
            n in 0usize..30, m in 0usize..30, seed in 0u64..1000,
        ) {
            // Arbitrary but fixed bead costs.
            let exact = |s: Range<usize>, t: Range<usize>| -> f64 {
                let mut h = seed ^ (s.start as u64) << 40 ^ (s.end as u64) << 20
                    ^ (t.start as u64) << 8 ^ t.end as u64;
                h = h.wrapping_mul(0x9e37_79b9_7f4a_7c15);
                (h >> 40) as f64 / (1u64 << 24) as f64 * 10.0
            };
            let c = Corridor::full(n, m);
            let full = best_path(&c, &SHAPES, |s, t, _| exact(s, t));
            let bounded = best_path(&c, &SHAPES, |s, t, ceiling| {
                let e = exact(s, t);
                if e >= ceiling { ceiling + 1.0 } else { e }
            });
            prop_assert_eq!(full, bounded);
        }

        #[test]
        fn any_corridor_has_a_path(
            n in 0usize..60, m in 0usize..60, w in 0usize..5,
            pts in proptest::collection::vec((0usize..60, 0usize..60), 0..6),
        ) {
            let mut pts: Vec<(usize, usize)> = pts.into_iter().filter(|&(i, j)| i <= n && j <= m).collect();
            pts.sort();
            // Keep the points strictly increasing in both coordinates.
            let mut chain: Vec<(usize, usize)> = Vec::new();
            for p in pts {
                if chain.last().is_none_or(|&(i, j)| p.0 > i && p.1 > j) {
                    chain.push(p);
                }
            }
            let c = Corridor::around(&chain, n, m, w);
            let steps = best_path(&c, &SHAPES, |s, t, _| (s.len() as f64 - t.len() as f64).abs() + 1.0);
            prop_assert!(covers(&steps, n, m));
        }
    }
}
