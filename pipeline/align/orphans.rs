//! Rows where the pivot lacks a passage.
//!
//! Where the pivot lacks a passage that both other languages have (a
//! paragraph missing from the Kazakh version), their sentences stand at the
//! same cut as insertions of both alignments. [`orphans`] finds such cuts
//! and [`pair_orphans`] rebuilds their rows from an alignment of the two
//! other languages with each other, so a Russian sentence and its English
//! translation share a row (with a Kazakh gap) instead of each standing
//! alone with two gaps that filling would make up by machine. A pivot bead
//! at the passage's edge sometimes takes one of its sentences (see
//! [`Window`]); the alignment at the cut may take it back.

use std::ops::Range;

use super::pivot::{insertion, span, Link, RowSpan};
use super::Bead;

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
/// merged rows `rows`, and for each of the two columns a window of its
/// sentences there.
#[derive(Debug, Clone, PartialEq)]
pub struct Orphans {
    /// The rows of the cut, a run with empty pivot cells.
    pub rows: Range<usize>,
    /// The first non-pivot column's window.
    pub a: Window,
    /// The second non-pivot column's window.
    pub b: Window,
}

/// One column's sentences at a cut of the pivot: those the pivot has none
/// for, and some borrowed from the neighbouring rows.
///
/// A pivot alignment often takes the first or last sentences of a passage
/// the pivot lacks into the neighbouring bead (`[4]:[4,5]` where `5` has
/// no Kazakh counterpart), so the passage's Russian sentence sits in a
/// Kazakh row while its English translation stands alone at the cut. A
/// borrowed sentence leaves its row only if the alignment at the cut pairs
/// it, and every borrowed sentence between it and the cut, with sentences
/// the pivot lacks.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    /// Row column of the language.
    pub column: usize,
    /// The sentences, borrowed ones included.
    pub sentences: Range<usize>,
    /// How many of the first sentences are the last of the row before.
    pub from_before: usize,
    /// How many of the last sentences are the first of the row after.
    pub from_after: usize,
}

impl Window {
    fn borrowed(&self, s: usize) -> bool {
        s < self.sentences.start + self.from_before || s + self.from_after >= self.sentences.end
    }
}

/// The cuts of `rows` (from [`merge`]) where a non-pivot column has
/// sentences the pivot has none for, and the other column has some too,
/// there or borrowed from a neighbouring row. Rows without a pivot cell
/// stand only at cuts, so each run of them is one cut.
///
/// A row lends a column's edge sentences only where it holds more
/// sentences of that column than of the pivot (a bead that took too many
/// looks like that), and no more than that excess.
pub fn orphans(pivot: usize, rows: &[RowSpan]) -> Vec<Orphans> {
    let others: Vec<usize> = (0..3).filter(|&c| c != pivot).collect();
    let mut found = Vec::new();
    // The row after the last cut found, and what it lent that cut.
    let mut lent: Option<(usize, [usize; 3])> = None;
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
        let excess = |row: usize, c: usize, taken: usize| {
            let cells = &rows[row].cells;
            cells[c].len().saturating_sub(cells[pivot].len() + taken)
        };
        let window = |c: usize| {
            let cells = run.iter().map(|r| r.cells[c].clone());
            let own = span(cells.filter(|r| !r.is_empty()));
            let taken = match lent {
                Some((row, taken)) if row + 1 == start => taken[c],
                _ => 0,
            };
            let before = if start > 0 {
                excess(start - 1, c, taken)
            } else {
                0
            };
            let after = if i < rows.len() { excess(i, c, 0) } else { 0 };
            // Without a sentence of its own at the cut, the column's
            // position there is known only from a lending neighbour.
            let from = match (before > 0, own.is_empty(), after > 0) {
                (true, ..) => rows[start - 1].cells[c].end - before,
                (false, false, _) => own.start,
                (false, true, true) => rows[i].cells[c].start,
                (false, true, false) => 0,
            };
            let to = match (after > 0, own.is_empty(), before > 0) {
                (true, ..) => rows[i].cells[c].start + after,
                (false, false, _) => own.end,
                (false, true, true) => rows[start - 1].cells[c].end,
                (false, true, false) => 0,
            };
            let window = Window {
                column: c,
                sentences: from..to,
                from_before: before,
                from_after: after,
            };
            (own, window)
        };
        let ((own_a, a), (own_b, b)) = (window(others[0]), window(others[1]));
        if (!own_a.is_empty() || !own_b.is_empty())
            && !a.sentences.is_empty()
            && !b.sentences.is_empty()
        {
            let mut taken = [0; 3];
            taken[a.column] = a.from_after;
            taken[b.column] = b.from_after;
            lent = Some((i, taken));
            found.push(Orphans {
                rows: start..i,
                a,
                b,
            });
        }
    }
    found
}

/// Replaces the rows of each of `found` (from [`orphans`], in order) with
/// rows built from `beads[k]`, an alignment of `found[k].a`'s window with
/// `found[k].b`'s (indices from the start of each window). A bead with both
/// sides, scoring at least `min_score` and holding a sentence the pivot
/// lacks becomes one row linking the two languages; borrowed sentences
/// leave their row for such beads (see [`Window`]). Every other sentence
/// stays where [`merge`] put it: in its row, or in a row of its own.
pub fn pair_orphans(
    pivot: usize,
    rows: Vec<RowSpan>,
    found: &[Orphans],
    beads: &[Vec<Bead>],
    min_score: f32,
) -> Vec<RowSpan> {
    let mut out: Vec<RowSpan> = Vec::with_capacity(rows.len());
    let mut next = found.iter().zip(beads).peekable();
    // Sentences the next row gives up from its front, per column.
    let mut give_up = [0usize; 3];
    let mut rows = rows.into_iter().enumerate();
    while let Some((i, mut row)) = rows.next() {
        let Some(&(o, beads)) = next.peek().filter(|(o, _)| o.rows.start == i) else {
            for (c, n) in give_up.iter_mut().enumerate() {
                shrink(&mut row, c, *n, true);
                *n = 0;
            }
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
        let (a, b) = (&o.a, &o.b);
        let placed: Vec<[Range<usize>; 2]> = beads
            .iter()
            .map(|bead| {
                [
                    a.sentences.start + bead.src.start..a.sentences.start + bead.src.end,
                    b.sentences.start + bead.tgt.start..b.sentences.start + bead.tgt.end,
                ]
            })
            .collect();
        let paired = pairs(a, b, beads, &placed, min_score);
        for (w, released) in [(a, &paired.released[0]), (b, &paired.released[1])] {
            if released.0 > 0 {
                let lender = out.len() - 1;
                shrink(&mut out[lender], w.column, released.0, false);
            }
            give_up[w.column] = released.1;
        }
        for (k, [sa, sb]) in placed.into_iter().enumerate() {
            if paired.beads[k] {
                let mut cells = [0..0, 0..0, 0..0];
                cells[a.column] = sa.clone();
                cells[b.column] = sb.clone();
                let links = vec![Link {
                    src: a.column,
                    tgt: b.column,
                    shape: (sa.len(), sb.len()),
                    score: beads[k].score,
                }];
                out.push(RowSpan { cells, links });
                continue;
            }
            // One row per sentence, as the pivot's insertions had.
            out.extend(sa.filter(|&s| !a.borrowed(s)).map(|s| alone(a.column, s)));
            out.extend(sb.filter(|&s| !b.borrowed(s)).map(|s| alone(b.column, s)));
        }
    }
    out
}

/// Which beads of a cut's alignment become rows of two languages, and how
/// many borrowed sentences each window releases to them (from the row
/// before, from the row after).
struct Paired {
    beads: Vec<bool>,
    released: [(usize, usize); 2],
}

/// Decides [`Paired`]: a bead pairs when both its sides hold sentences,
/// it scores at least `min_score` and holds a sentence the pivot lacks; a
/// borrowed sentence is released only with every borrowed one between it
/// and the cut, and a bead holding a borrowed sentence that is not
/// released does not pair. Unpairing a bead can keep another borrowed
/// sentence in its row, so this runs until nothing changes.
fn pairs(
    a: &Window,
    b: &Window,
    beads: &[Bead],
    placed: &[[Range<usize>; 2]],
    min_score: f32,
) -> Paired {
    let windows = [a, b];
    let mut paired: Vec<bool> = placed
        .iter()
        .zip(beads)
        .map(|([sa, sb], bead)| {
            let own = sa.clone().any(|s| !a.borrowed(s)) || sb.clone().any(|s| !b.borrowed(s));
            !sa.is_empty() && !sb.is_empty() && bead.score >= min_score && own
        })
        .collect();
    // The bead of each sentence, per window.
    let bead_of: Vec<Vec<usize>> = (0..2)
        .map(|side| {
            let mut of = vec![0; windows[side].sentences.len()];
            for (k, p) in placed.iter().enumerate() {
                for s in p[side].clone() {
                    of[s - windows[side].sentences.start] = k;
                }
            }
            of
        })
        .collect();
    loop {
        let mut released = [(0, 0); 2];
        for (side, w) in windows.iter().enumerate() {
            let of = &bead_of[side];
            let ok = |&i: &usize| paired[of[i]];
            released[side].0 = (0..w.from_before).rev().take_while(ok).count();
            released[side].1 = (of.len() - w.from_after..of.len()).take_while(ok).count();
        }
        let mut changed = false;
        for (side, w) in windows.iter().enumerate() {
            let (before, after) = released[side];
            let n = w.sentences.len();
            let kept = (0..w.from_before - before).chain(n - w.from_after + after..n);
            for i in kept {
                let k = bead_of[side][i];
                changed |= std::mem::replace(&mut paired[k], false);
            }
        }
        if !changed {
            return Paired {
                beads: paired,
                released,
            };
        }
    }
}

/// Takes `n` sentences of `column` off `row`'s front (or back), and out of
/// the shape of the link that holds them.
fn shrink(row: &mut RowSpan, column: usize, n: usize, front: bool) {
    if n == 0 {
        return;
    }
    let cell = &mut row.cells[column];
    if front {
        cell.start += n;
    } else {
        cell.end -= n;
    }
    for link in row.links.iter_mut().filter(|l| l.tgt == column) {
        link.shape.1 -= n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::gold::parse_beads;
    use crate::align::pivot::merge;
    use crate::align::pivot::tests::{beads, cells, covers, pair, scored};
    use crate::align::pivot::PairAlignment;
    use proptest::prelude::*;

    /// A window of sentences the pivot lacks, none borrowed.
    fn own(column: usize, sentences: Range<usize>) -> Window {
        Window {
            column,
            sentences,
            from_before: 0,
            from_after: 0,
        }
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
                a: own(1, 1..3),
                b: own(2, 1..3),
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
    fn a_sentence_the_pivot_alignment_took_too_many_rejoins_its_translation() {
        // kk–ru took Russian 1, which Kazakh lacks, into the first row;
        // kk–en left its English translation alone at the cut.
        let ru = pair(1, "[0]:[0,1]\n[1]:[2]");
        let en = pair(2, "[0]:[0]\n[]:[1]\n[1]:[2]");
        let rows = merge(0, 2, &[ru, en]);
        let found = orphans(0, &rows);
        let borrowed = Window {
            from_before: 1,
            ..own(1, 1..2)
        };
        assert_eq!(
            found,
            vec![Orphans {
                rows: 1..2,
                a: borrowed,
                b: own(2, 1..2),
            }]
        );
        let paired = pair_orphans(0, rows.clone(), &found, &[scored("[0]:[0]", 0.9)], 0.5);
        assert_eq!(
            cells(&paired),
            vec![[0..1, 0..1, 0..1], [0..0, 1..2, 1..2], [1..2, 2..3, 2..3],]
        );
        assert_eq!(
            paired[0].links[0].shape,
            (1, 1),
            "the lender's link shrinks"
        );
        // Unpaired, the borrowed sentence stays in its row.
        let apart = pair_orphans(0, rows.clone(), &found, &[scored("[0]:[0]", 0.3)], 0.5);
        assert_eq!(apart, rows);
    }

    #[test]
    fn borrowed_sentences_leave_only_with_those_between_them_and_the_cut() {
        // A 1-3 bead took Russian 1 and 2; English 1 and 2 stand alone.
        let ru = pair(1, "[0]:[0,1,2]\n[1]:[3]");
        let en = pair(2, "[0]:[0]\n[]:[1]\n[]:[2]\n[1]:[3]");
        let rows = merge(0, 2, &[ru, en]);
        let found = orphans(0, &rows);
        assert_eq!(
            (found[0].a.sentences.clone(), found[0].a.from_before),
            (1..3, 2)
        );
        let with_scores = |first: f32, second: f32| {
            let mut beads = parse_beads("[0]:[0]\n[1]:[1]").unwrap();
            (beads[0].score, beads[1].score) = (first, second);
            pair_orphans(0, rows.clone(), &found, &[beads], 0.5)
        };
        assert_eq!(
            cells(&with_scores(0.9, 0.9)),
            vec![
                [0..1, 0..1, 0..1],
                [0..0, 1..2, 1..2],
                [0..0, 2..3, 2..3],
                [1..2, 3..4, 3..4],
            ]
        );
        // Russian 2 stays, so Russian 1, before it, cannot leave either.
        assert_eq!(with_scores(0.9, 0.3), rows);
        // Russian 2 leaves alone; Russian 1 stays and English 1 keeps its row.
        assert_eq!(
            cells(&with_scores(0.3, 0.9)),
            vec![
                [0..1, 0..2, 0..1],
                [0..0, 0..0, 1..2],
                [0..0, 2..3, 2..3],
                [1..2, 3..4, 3..4],
            ]
        );
    }

    #[test]
    fn borrowed_sentences_alone_do_not_leave_their_rows() {
        // Both alignments took a sentence into the first row; English 2
        // stands alone. A pair of the two borrowed sentences holds nothing
        // the pivot lacks, so the row keeps them.
        let ru = pair(1, "[0]:[0,1]\n[1]:[2]");
        let en = pair(2, "[0]:[0,1]\n[]:[2]\n[1]:[3]");
        let rows = merge(0, 2, &[ru, en]);
        let found = orphans(0, &rows);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].a.sentences.clone(), found[0].b.sentences.clone()),
            (1..2, 1..3)
        );
        let paired = pair_orphans(
            0,
            rows.clone(),
            &found,
            &[scored("[0]:[0]\n[]:[1]", 0.9)],
            0.5,
        );
        assert_eq!(paired, rows);
        // A row holding as many sentences as the pivot lends none.
        let ru = pair(1, "[0]:[0]\n[]:[1]\n[1]:[2]");
        let en = pair(2, "[0]:[0]\n[1]:[1]");
        let rows = merge(0, 2, &[ru, en]);
        assert!(orphans(0, &rows).is_empty());
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

    proptest! {
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
                    let mut bs = beads(o.a.sentences.len(), o.b.sentences.len(), &c3);
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
                for l in &r.links {
                    prop_assert_eq!(l.shape, (r.cells[l.src].len(), r.cells[l.tgt].len()));
                }
            }
        }
    }
}
