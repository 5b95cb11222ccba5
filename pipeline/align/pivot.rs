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
//!
//! Where the pivot lacks a passage that both other languages have (a
//! paragraph missing from the Kazakh version), their sentences stand at the
//! same cut as insertions of both alignments. [`orphans`] finds such cuts
//! and [`pair_orphans`] rebuilds their rows from an alignment of the two
//! other languages with each other, so a Russian sentence and its English
//! translation share a row (with a Kazakh gap) instead of each standing
//! alone with two gaps that filling would make up by machine.

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
                rows.push(insertion(pivot, a.column, b.tgt.clone(), b.score));
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

/// A row holding only `sentences` of `column`, inserted where the pivot has
/// nothing for them; `score` is their bead's.
fn insertion(pivot: usize, column: usize, sentences: Range<usize>, score: f32) -> RowSpan {
    let mut cells = [0..0, 0..0, 0..0];
    cells[column] = sentences.clone();
    let links = vec![Link {
        src: pivot,
        tgt: column,
        shape: (0, sentences.len()),
        score,
    }];
    RowSpan { cells, links }
}

/// The deletion cost (see `AlignOptions::deletion_cost`) of the alignment
/// that pairs orphans: sentences the pivot lacks in both other languages
/// are often unrelated (each version's own addition), where the default
/// cost, made for documents that translate each other, would pair them
/// anyway. Chosen with [`ORPHAN_MIN_SCORE`] by `cargo bench --bench
/// align_eval -- --orphans` on FLORES dev ru–en passages (BENCHMARKS.md):
/// on related passages 0.989 of the pairs made are right and 0.80 of the
/// gold pairs are made; on unrelated ones 0.29 false pairs a passage,
/// against 0.94, 0.92 and 1.13 with the default cost and no threshold.
pub const ORPHAN_DELETION_COST: f64 = -3.0;

/// The least score a bead of the orphans' alignment needs to become a row
/// of two languages; below it, its sentences keep rows of their own.
pub const ORPHAN_MIN_SCORE: f32 = 0.5;

/// The sentences two non-pivot languages hold at one cut of the pivot: the
/// merged rows `rows`, and for each of the two columns, its sentences
/// there.
#[derive(Debug, Clone, PartialEq)]
pub struct Orphans {
    /// The rows of the cut, a run with empty pivot cells.
    pub rows: Range<usize>,
    /// The first non-pivot column and its sentences at the cut.
    pub a: (usize, Range<usize>),
    /// The second non-pivot column and its sentences at the cut.
    pub b: (usize, Range<usize>),
}

/// The cuts of `rows` (from [`merge`]) where both non-pivot columns have
/// sentences the pivot has none for. Rows without a pivot cell stand only
/// at cuts, so each run of them is one cut.
pub fn orphans(pivot: usize, rows: &[RowSpan]) -> Vec<Orphans> {
    let others: Vec<usize> = (0..3).filter(|&c| c != pivot).collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        if !rows[i].cells[pivot].is_empty() {
            i += 1;
            continue;
        }
        let start = i;
        while i < rows.len() && rows[i].cells[pivot].is_empty() {
            i += 1;
        }
        let run = &rows[start..i];
        let cover = |c: usize| {
            let cells = run.iter().map(|r| r.cells[c].clone());
            span(cells.filter(|r| !r.is_empty()))
        };
        let (a, b) = (cover(others[0]), cover(others[1]));
        if !a.is_empty() && !b.is_empty() {
            found.push(Orphans {
                rows: start..i,
                a: (others[0], a),
                b: (others[1], b),
            });
        }
    }
    found
}

/// Replaces the rows of each of `found` (from [`orphans`], in order) with
/// rows built from `beads[k]`, an alignment of `found[k].a`'s sentences with
/// `found[k].b`'s (indices from the start of each range). A bead with both
/// sides scoring at least `min_score` becomes one row linking the two
/// languages; every other sentence keeps a row of its own, as [`merge`]
/// gave it.
pub fn pair_orphans(
    pivot: usize,
    rows: Vec<RowSpan>,
    found: &[Orphans],
    beads: &[Vec<Bead>],
    min_score: f32,
) -> Vec<RowSpan> {
    let mut out = Vec::with_capacity(rows.len());
    let mut next = found.iter().zip(beads).peekable();
    let mut rows = rows.into_iter().enumerate();
    while let Some((i, row)) = rows.next() {
        let Some(&(o, beads)) = next.peek().filter(|(o, _)| o.rows.start == i) else {
            out.push(row);
            continue;
        };
        next.next();
        // The cut's old rows are rebuilt from the beads below; a sentence
        // left alone keeps the score its old row gave it.
        let old: Vec<RowSpan> = std::iter::once(row)
            .chain(rows.by_ref().take(o.rows.len() - 1).map(|(_, r)| r))
            .collect();
        let alone = |column: usize, s: usize| {
            let score = old
                .iter()
                .find(|r| r.cells[column].contains(&s))
                .and_then(|r| r.links.first())
                .map_or(0.0, |l| l.score);
            insertion(pivot, column, s..s + 1, score)
        };
        let ((a, ra), (b, rb)) = (&o.a, &o.b);
        for bead in beads {
            let sa = ra.start + bead.src.start..ra.start + bead.src.end;
            let sb = rb.start + bead.tgt.start..rb.start + bead.tgt.end;
            if !sa.is_empty() && !sb.is_empty() && bead.score >= min_score {
                let mut cells = [0..0, 0..0, 0..0];
                cells[*a] = sa.clone();
                cells[*b] = sb.clone();
                let links = vec![Link {
                    src: *a,
                    tgt: *b,
                    shape: (sa.len(), sb.len()),
                    score: bead.score,
                }];
                out.push(RowSpan { cells, links });
                continue;
            }
            // One row per sentence, as the pivot's insertions had.
            out.extend(sa.map(|s| alone(*a, s)));
            out.extend(sb.map(|s| alone(*b, s)));
        }
    }
    out
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

    fn scored(text: &str, score: f32) -> Vec<Bead> {
        let mut beads = parse_beads(text).unwrap();
        for b in &mut beads {
            b.score = score;
        }
        beads
    }

    #[test]
    fn a_passage_the_pivot_lacks_pairs_the_other_two() {
        // Kazakh lacks two sentences that Russian and English both have.
        let ru = pair(1, "[0]:[0]\n[]:[1]\n[]:[2]\n[1]:[3]");
        let en = pair(2, "[0]:[0]\n[]:[1]\n[]:[2]\n[1]:[3]");
        let rows = merge(0, 2, &[ru, en]);
        assert_eq!(rows.len(), 6, "each orphan alone before pairing");
        let found = orphans(0, &rows);
        assert_eq!(
            found,
            vec![Orphans {
                rows: 1..5,
                a: (1, 1..3),
                b: (2, 1..3),
            }]
        );
        let side = [scored("[0]:[0]\n[1]:[1]", 0.9)];
        let paired = pair_orphans(0, rows.clone(), &found, &side, 0.5);
        assert_eq!(
            cells(&paired),
            vec![
                [0..1, 0..1, 0..1],
                [0..0, 1..2, 1..2],
                [0..0, 2..3, 2..3],
                [1..2, 3..4, 3..4],
            ]
        );
        assert_eq!(
            paired[1].links,
            vec![Link {
                src: 1,
                tgt: 2,
                shape: (1, 1),
                score: 0.9
            }]
        );
        // Beads below the score keep their sentences apart, as before.
        let doubtful = [scored("[0]:[0]\n[1]:[1]", 0.3)];
        let old_links = rows[1].links.clone();
        let apart = pair_orphans(0, rows, &found, &doubtful, 0.5);
        assert_eq!(apart[1].links, old_links, "a sentence alone keeps its row");
        assert_eq!(
            cells(&apart),
            vec![
                [0..1, 0..1, 0..1],
                [0..0, 1..2, 0..0],
                [0..0, 0..0, 1..2],
                [0..0, 2..3, 0..0],
                [0..0, 0..0, 2..3],
                [1..2, 3..4, 3..4],
            ]
        );
    }

    #[test]
    fn orphans_of_one_language_are_left_alone() {
        let ru = pair(1, "[0]:[0]\n[]:[1]\n[1]:[2]");
        let en = pair(2, "[0]:[0]\n[1]:[1]\n[]:[2]");
        let rows = merge(0, 2, &[ru, en]);
        assert!(orphans(0, &rows).is_empty());
        // Nor is a pivot with one other language.
        let rows = merge(0, 1, &[pair(1, "[]:[0]\n[0]:[1]")]);
        assert!(orphans(0, &rows).is_empty());
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

    /// Every sentence of each column (`totals[c]` of them) lies in exactly
    /// one row, in order, and no row is empty.
    fn covers(rows: &[RowSpan], totals: [usize; 3]) -> Result<(), TestCaseError> {
        for (col, total) in totals.into_iter().enumerate() {
            let mut next = 0;
            for c in rows.iter().map(|r| &r.cells[col]).filter(|c| !c.is_empty()) {
                prop_assert_eq!(c.start, next);
                next = c.end;
            }
            prop_assert_eq!(next, total);
        }
        for r in rows {
            prop_assert!(r.cells.iter().any(|c| !c.is_empty()));
        }
        Ok(())
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
            covers(&rows, [n, m1, m2])?;
        }

        #[test]
        fn pairing_orphans_keeps_every_sentence_once_in_order(
            n in 0usize..8, m1 in 0usize..12, m2 in 0usize..12,
            c1 in proptest::collection::vec(any::<u8>(), 40),
            c2 in proptest::collection::vec(any::<u8>(), 40),
            c3 in proptest::collection::vec(any::<u8>(), 40),
            min_score in 0.0f32..1.0,
        ) {
            let a = PairAlignment { column: 1, beads: beads(n, m1, &c1) };
            let b = PairAlignment { column: 2, beads: beads(n, m2, &c2) };
            let rows = merge(0, n, &[a, b]);
            let found = orphans(0, &rows);
            let side: Vec<Vec<Bead>> = found
                .iter()
                .map(|o| {
                    let mut bs = beads(o.a.1.len(), o.b.1.len(), &c3);
                    for (k, b) in bs.iter_mut().enumerate() {
                        b.score = (k % 4) as f32 / 3.0;
                    }
                    bs
                })
                .collect();
            let paired = pair_orphans(0, rows, &found, &side, min_score);
            covers(&paired, [n, m1, m2])?;
            for r in &paired {
                prop_assert!(!r.links.is_empty());
            }
        }
    }
}
