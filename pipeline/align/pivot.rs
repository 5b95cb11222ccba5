//! Merging pairwise alignments into rows around a pivot language.
//!
//! Kazakh is the pivot: kk–ru and kk–en are aligned separately, and a row
//! holds a group of Kazakh sentences with everything aligned to it in both.
//! When the two alignments group the Kazakh sentences differently (kk–ru
//! `[1,2]:[1]` but kk–en `[1]:[1]`, `[2]:[2]`), the row takes the smallest
//! groups on which both agree. Sentences inserted on one side (`[]:[5]`)
//! get a row of their own where they fall between pivot groups, and join
//! the surrounding row otherwise. Working on indices only keeps the
//! invariant checkable: every sentence of every language lands in exactly
//! one row, in document order.

use std::ops::Range;

use super::Bead;

/// The beads between the pivot and one other language.
#[derive(Debug, Clone)]
pub struct PairAlignment {
    /// Row column of the other language.
    pub column: usize,
    /// Beads with the pivot as source.
    pub beads: Vec<Bead>,
}

/// The alignment evidence for one pair inside a row.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// Row column of the source (pivot) language.
    pub src: usize,
    /// Row column of the target language.
    pub tgt: usize,
    /// Sentence counts `(source, target)` in this row.
    pub shape: (usize, usize),
    /// The weakest bead score in the row, so a filter on it is conservative.
    pub score: f32,
}

/// A row as sentence ranges per column.
#[derive(Debug, Clone, PartialEq)]
pub struct RowSpan {
    /// Sentence range per column (kk, ru, en); empty for a gap.
    pub cells: [Range<usize>; 3],
    /// One link per aligned pair that has sentences in the row.
    pub links: Vec<Link>,
}

/// Merges `alignments` of the pivot (column `pivot`, `n` sentences) with
/// the other languages into rows.
pub fn merge(pivot: usize, n: usize, alignments: &[PairAlignment]) -> Vec<RowSpan> {
    // A cut at position b is kept only if no bead of any alignment spans it.
    let mut cut = vec![true; n + 1];
    for a in alignments {
        for b in &a.beads {
            if b.src.len() > 1 {
                cut[b.src.start + 1..b.src.end].fill(false);
            }
        }
    }
    let mut group_of = vec![0; n];
    let mut starts = Vec::new();
    for p in 0..n {
        if cut[p] {
            starts.push(p);
        }
        group_of[p] = starts.len() - 1;
    }
    // Per alignment: beads per group, and insertions standing at a cut.
    let mut in_group: Vec<Vec<Vec<&Bead>>> = vec![vec![Vec::new(); starts.len()]; alignments.len()];
    let mut at_cut: Vec<Vec<Vec<&Bead>>> = vec![vec![Vec::new(); n + 1]; alignments.len()];
    for (k, a) in alignments.iter().enumerate() {
        for b in &a.beads {
            let p = b.src.start;
            if b.src.is_empty() && cut[p] {
                at_cut[k][p].push(b);
            } else {
                in_group[k][group_of[p]].push(b);
            }
        }
    }
    let mut rows = Vec::new();
    for p in 0..=n {
        if !cut[p] {
            continue;
        }
        for (k, a) in alignments.iter().enumerate() {
            for b in &at_cut[k][p] {
                let mut cells = [0..0, 0..0, 0..0];
                cells[a.column] = b.tgt.clone();
                let links = vec![Link {
                    src: pivot,
                    tgt: a.column,
                    shape: (0, b.tgt.len()),
                    score: b.score,
                }];
                rows.push(RowSpan { cells, links });
            }
        }
        if p == n {
            break;
        }
        let g = group_of[p];
        let end = starts.get(g + 1).copied().unwrap_or(n);
        let mut cells = [0..0, 0..0, 0..0];
        cells[pivot] = p..end;
        let mut links = Vec::new();
        for (k, a) in alignments.iter().enumerate() {
            let beads = &in_group[k][g];
            let tgt = span(beads.iter().map(|b| b.tgt.clone()));
            let score = beads.iter().map(|b| b.score).fold(f32::INFINITY, f32::min);
            links.push(Link {
                src: pivot,
                tgt: a.column,
                shape: (end - p, tgt.len()),
                score: if score.is_finite() { score } else { 0.0 },
            });
            cells[a.column] = tgt;
        }
        rows.push(RowSpan { cells, links });
    }
    rows
}

/// The smallest range covering consecutive ranges (empty ones included).
fn span(ranges: impl Iterator<Item = Range<usize>>) -> Range<usize> {
    let mut out: Option<Range<usize>> = None;
    for r in ranges {
        out = Some(match out {
            None => r,
            Some(o) => o.start.min(r.start)..o.end.max(r.end),
        });
    }
    match out {
        Some(r) if !r.is_empty() => r,
        _ => 0..0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::gold::parse_beads;
    use proptest::prelude::*;

    fn pair(column: usize, text: &str) -> PairAlignment {
        PairAlignment {
            column,
            beads: parse_beads(text).unwrap(),
        }
    }

    fn cells(rows: &[RowSpan]) -> Vec<[Range<usize>; 3]> {
        rows.iter().map(|r| r.cells.clone()).collect()
    }

    #[test]
    fn different_groupings_merge_to_the_coarser() {
        let ru = pair(1, "[0]:[0]\n[1,2]:[1]\n[3]:[2,3]");
        let en = pair(2, "[0]:[0]\n[1]:[1]\n[2]:[2]\n[3]:[]\n[]:[3]");
        let rows = merge(0, 4, &[ru, en]);
        assert_eq!(
            cells(&rows),
            vec![
                [0..1, 0..1, 0..1],
                [1..3, 1..2, 1..3],
                [3..4, 2..4, 0..0],
                [0..0, 0..0, 3..4],
            ]
        );
        assert_eq!(rows[1].links[1].shape, (2, 2));
        assert_eq!(rows[2].links[1].shape, (1, 0));
    }

    #[test]
    fn insertion_inside_a_group_joins_it() {
        let ru = pair(1, "[0,1]:[0]");
        let en = pair(2, "[0]:[0]\n[]:[1]\n[1]:[2]");
        let rows = merge(0, 2, &[ru, en]);
        assert_eq!(cells(&rows), vec![[0..2, 0..1, 0..3]]);
    }

    #[test]
    fn no_other_language_gives_a_row_per_sentence() {
        let rows = merge(0, 3, &[]);
        assert_eq!(
            cells(&rows),
            vec![[0..1, 0..0, 0..0], [1..2, 0..0, 0..0], [2..3, 0..0, 0..0]]
        );
    }

    /// Random monotone beads covering `n` × `m`.
    fn beads(n: usize, m: usize, choices: &[u8]) -> Vec<Bead> {
        let (mut i, mut j, mut k) = (0, 0, 0);
        let mut out = Vec::new();
        while i < n || j < m {
            let c = choices.get(k).copied().unwrap_or(0) % 6;
            k += 1;
            let (di, dj) = [(1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2)][c as usize];
            let (di, dj) = ((di).min(n - i), (dj).min(m - j));
            if di == 0 && dj == 0 {
                continue;
            }
            out.push(Bead {
                src: i..i + di,
                tgt: j..j + dj,
                score: 0.5,
            });
            (i, j) = (i + di, j + dj);
        }
        out
    }

    proptest! {
        #[test]
        fn every_sentence_in_exactly_one_row_in_order(
            n in 0usize..12, m1 in 0usize..12, m2 in 0usize..12,
            c1 in proptest::collection::vec(any::<u8>(), 40),
            c2 in proptest::collection::vec(any::<u8>(), 40),
        ) {
            let a = PairAlignment { column: 1, beads: beads(n, m1, &c1) };
            let b = PairAlignment { column: 2, beads: beads(n, m2, &c2) };
            let rows = merge(0, n, &[a, b]);
            for (col, total) in [(0, n), (1, m1), (2, m2)] {
                let mut next = 0;
                for r in &rows {
                    let c = &r.cells[col];
                    if c.is_empty() { continue; }
                    prop_assert_eq!(c.start, next);
                    next = c.end;
                }
                prop_assert_eq!(next, total);
            }
            for r in &rows {
                prop_assert!(r.cells.iter().any(|c| !c.is_empty()));
            }
        }
    }
}
