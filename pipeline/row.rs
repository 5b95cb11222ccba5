//! Stage 4: rows, the unit every exporter writes.
//!
//! A [`Row`] holds, for one document, a group of Kazakh sentences and the
//! Russian and English sentences aligned with it. An empty cell is a gap.

use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;

use crate::align::embed::SharedEmbedder;
use crate::align::lexicon::{sentence_stems, AlignedPair, Lexicon};
use crate::align::orphans::{self, Orphans};
use crate::align::pairing::{self, Pairing};
use crate::align::pivot::{self, Link, PairAlignment, RowSpan};
use crate::align::{AlignOptions, Aligner, AnchorAligner, Bead, DocumentPair};
use crate::document::SegmentedDocument;
use crate::lang::{Lang, CORPUS_LANGS};

/// Where a cell's text comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Written by people: sentences of an input document.
    Human,
    /// Produced by a translation model.
    Machine {
        /// The model, as `repo@revision` or a local path.
        model: String,
        /// Decoding settings that shaped the output, e.g. `beam=4`.
        settings: String,
    },
}

/// One language's part of a row.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Sentence indices in that language's document; empty for a gap or a
    /// machine translation.
    pub sentences: Range<usize>,
    /// The text, sentences joined by a space; empty for a gap.
    pub text: String,
    /// Who wrote it.
    pub origin: Origin,
}

impl Cell {
    /// An empty cell.
    pub fn gap() -> Cell {
        Cell {
            sentences: 0..0,
            text: String::new(),
            origin: Origin::Human,
        }
    }

    /// Whether the cell has no text.
    pub fn is_gap(&self) -> bool {
        self.text.is_empty()
    }
}

/// One aligned unit of a document across kk, ru and en.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The document id.
    pub doc_id: Arc<str>,
    /// One cell per corpus language, in [`CORPUS_LANGS`] order.
    pub cells: [Cell; 3],
    /// Alignment evidence per language pair.
    pub links: Vec<Link>,
}

impl Row {
    /// The cell of `lang`.
    pub fn cell(&self, lang: Lang) -> Option<&Cell> {
        lang.column().map(|c| &self.cells[c])
    }
}

/// Extra alignment evidence for a run: bilingual dictionaries per language
/// pair, and a sentence encoder.
#[derive(Debug, Clone, Default)]
pub struct AlignResources(Vec<((Lang, Lang), Arc<Lexicon>)>, Option<SharedEmbedder>);

impl AlignResources {
    /// Sets the dictionary of `src → tgt` (hunalign's `tgt @ src` lines),
    /// replacing an earlier one.
    pub fn insert(&mut self, src: Lang, tgt: Lang, lexicon: Lexicon) {
        self.0.retain(|(k, _)| *k != (src, tgt));
        self.0.push(((src, tgt), Arc::new(lexicon)));
    }

    /// Uses `encoder` for embedding evidence in every pair.
    pub fn set_encoder(&mut self, encoder: Option<SharedEmbedder>) {
        self.1 = encoder;
    }

    /// The dictionary for `src → tgt`, if any.
    pub fn get(&self, src: Lang, tgt: Lang) -> Option<Arc<Lexicon>> {
        self.0
            .iter()
            .find(|(k, _)| *k == (src, tgt))
            .map(|(_, l)| l.clone())
    }
}

/// The language versions of one document, one slot per corpus language.
#[derive(Debug, Clone)]
pub struct DocumentSet {
    /// The document id.
    pub id: String,
    /// kk, ru, en versions where present.
    pub versions: [Option<SegmentedDocument>; 3],
}

impl DocumentSet {
    /// The index of the pivot version, if any version is present: the first
    /// language present in kk, ru, en order, so a document with no Kazakh
    /// version still gets ru–en rows.
    fn pivot(&self) -> Option<usize> {
        self.versions.iter().position(Option::is_some)
    }

    /// The pivot and the rows merged from its alignments, if any version
    /// is present.
    fn spans(&self, alignments: &[PairAlignment]) -> Option<(usize, Vec<RowSpan>)> {
        let pivot = self.pivot()?;
        let n = self.versions[pivot]
            .as_ref()
            .map_or(0, |d| d.sentences.len());
        Some((pivot, pivot::merge(pivot, n, alignments)))
    }

    fn rows_from(&self, spans: Vec<RowSpan>) -> Vec<Row> {
        let doc_id: Arc<str> = Arc::from(self.id.as_str());
        spans
            .into_iter()
            .map(|span| self.row(&doc_id, span))
            .collect()
    }

    fn row(&self, doc_id: &Arc<str>, span: RowSpan) -> Row {
        let cells = std::array::from_fn(|c| match &self.versions[c] {
            Some(doc) if !span.cells[c].is_empty() => Cell {
                sentences: span.cells[c].clone(),
                text: doc.joined(span.cells[c].clone()),
                origin: Origin::Human,
            },
            _ => Cell::gap(),
        });
        Row {
            doc_id: doc_id.clone(),
            cells,
            links: span.links,
        }
    }
}

/// One document's rows, and how its versions held up as versions of one
/// text ([`pairing::check`], per aligned pair of languages).
#[derive(Debug, Clone, Default)]
pub struct AlignedDocument {
    /// The rows, in order.
    pub rows: Vec<Row>,
    /// `(pivot, other language, check)` per version aligned with the pivot.
    pub pairings: Vec<(Lang, Lang, Pairing)>,
}

/// Aligns the versions of each document with its pivot version and builds
/// its rows; one [`AlignedDocument`] per document, in order. The pairs of
/// the same two languages are aligned together
/// ([`Aligner::align_documents`]), so the dictionary the aligner learns
/// from its input comes from all of these documents, not one.
pub fn rows_of(sets: &[DocumentSet], resources: &AlignResources) -> Vec<AlignedDocument> {
    let texts: Vec<[Option<Vec<String>>; 3]> = sets
        .iter()
        .map(|set| std::array::from_fn(|c| set.versions[c].as_ref().map(SegmentedDocument::texts)))
        .collect();
    let refs: Vec<[Option<Vec<&str>>; 3]> = texts
        .iter()
        .map(|t| {
            std::array::from_fn(|c| {
                t[c].as_ref()
                    .map(|v| v.iter().map(String::as_str).collect())
            })
        })
        .collect();
    // (pivot, column) → the documents that have both versions.
    let mut pairs: std::collections::BTreeMap<(usize, usize), Vec<usize>> = Default::default();
    for (k, set) in sets.iter().enumerate() {
        let Some(pivot) = set.pivot() else { continue };
        for column in pivot + 1..3 {
            if set.versions[column].is_some() {
                pairs.entry((pivot, column)).or_default().push(k);
            }
        }
    }
    let mut alignments: Vec<Vec<PairAlignment>> = vec![Vec::new(); sets.len()];
    let mut pairings: Vec<Vec<(Lang, Lang, Pairing)>> = vec![Vec::new(); sets.len()];
    for ((pivot, column), members) in pairs {
        let version = |k: usize, c: usize| refs[k][c].as_deref().expect("both versions present");
        let docs: Vec<DocumentPair<'_>> = members
            .iter()
            .map(|&k| (version(k, pivot), version(k, column)))
            .collect();
        let (src, tgt) = (CORPUS_LANGS[pivot], CORPUS_LANGS[column]);
        let dictionary = resources.get(src, tgt);
        let aligned = pair_aligner(src, tgt, resources).align_documents(&docs);
        let checks: Vec<Pairing> = docs
            .par_iter()
            .zip(&aligned)
            .map(|((s, t), beads)| pairing::check(s, t, (src, tgt), beads, dictionary.as_deref()))
            .collect();
        for ((&k, beads), check) in members.iter().zip(aligned).zip(checks) {
            pairings[k].push((src, tgt, check));
            alignments[k].push(PairAlignment { column, beads });
        }
    }
    triangulate(&refs, &mut alignments, resources);
    // Pairs were visited by pivot then column, so each document's
    // alignments are already in column order.
    let mut spans: Vec<Option<(usize, Vec<RowSpan>)>> = sets
        .iter()
        .zip(&alignments)
        .map(|(set, a)| set.spans(a))
        .collect();
    pair_orphans(&refs, &mut spans, resources);
    sets.iter()
        .zip(spans)
        .zip(pairings)
        .map(|((set, s), pairings)| AlignedDocument {
            rows: s.map_or_else(Vec::new, |(_, spans)| set.rows_from(spans)),
            pairings,
        })
        .collect()
}

/// The aligner of `src → tgt`, with the run's dictionary and encoder.
fn pair_aligner(src: Lang, tgt: Lang, resources: &AlignResources) -> AnchorAligner {
    let opts = AlignOptions {
        dictionary: resources.get(src, tgt),
        ..AlignOptions::with_encoder(resources.1.clone())
    };
    AnchorAligner::with_options(src, tgt, opts)
}

/// The least score of the two beads a link through the third language is
/// composed of. `scripts/rows_eval.py`, FLORES seeds 1–3 with and without
/// re-cuts (BENCHMARKS.md, "Rows"): mean row F1 0.807 without links, 0.835
/// with links from beads of any score, 0.834 from 0.3, 0.836 from 0.5,
/// 0.833 from 0.7, 0.825 from 0.9, 0.816 from 0.97.
const LINK_MIN_SCORE: f32 = 0.5;

/// Realigns kk–ru and kk–en of the documents that have all three versions
/// with links through the third language: where kk–en pairs a Kazakh
/// sentence one to one with an English one, and a ru–en alignment pairs
/// that English sentence with a Russian one, the Kazakh and the Russian
/// sentence share a link feature (and the same through Russian for kk–en).
/// Each alignment then leans on the other where its own evidence is thin.
fn triangulate(
    refs: &[[Option<Vec<&str>>; 3]],
    alignments: &mut [Vec<PairAlignment>],
    resources: &AlignResources,
) {
    let members: Vec<usize> = (0..refs.len())
        .filter(|&k| refs[k].iter().all(Option::is_some) && alignments[k].len() == 2)
        .collect();
    if members.is_empty() {
        return;
    }
    let text = |k: usize, c: usize| refs[k][c].as_deref().expect("all three versions");
    let [kk, ru, en] = CORPUS_LANGS;
    let docs: Vec<DocumentPair<'_>> = members.iter().map(|&k| (text(k, 1), text(k, 2))).collect();
    let ru_en = pair_aligner(ru, en, resources).align_documents(&docs);
    let mut links: [Vec<Vec<(usize, usize)>>; 2] = [Vec::new(), Vec::new()];
    for (&k, re) in members.iter().zip(&ru_en) {
        let n = |c: usize| text(k, c).len();
        let kr = sure_pairs(&alignments[k][0].beads, n(0), false);
        let ke = sure_pairs(&alignments[k][1].beads, n(0), false);
        let (r2e, e2r) = (sure_pairs(re, n(1), false), sure_pairs(re, n(2), true));
        links[0].push(compose(&ke, &e2r));
        links[1].push(compose(&kr, &r2e));
    }
    for (side, (column, lang)) in [(1, ru), (2, en)].into_iter().enumerate() {
        let docs: Vec<DocumentPair<'_>> = members
            .iter()
            .map(|&k| (text(k, 0), text(k, column)))
            .collect();
        let realigned =
            pair_aligner(kk, lang, resources).align_documents_linked(&docs, &links[side]);
        for (&k, beads) in members.iter().zip(realigned) {
            alignments[k][side].beads = beads;
        }
    }
}

/// The one-to-one beads of `beads` scoring at least [`LINK_MIN_SCORE`],
/// as a map from each of the `n` source sentences to its target sentence
/// (from target to source when `inverse`, `n` then counting targets).
fn sure_pairs(beads: &[Bead], n: usize, inverse: bool) -> Vec<Option<usize>> {
    let mut map = vec![None; n];
    let one_to_one = |b: &&Bead| b.src.len() == 1 && b.tgt.len() == 1;
    for b in beads
        .iter()
        .filter(one_to_one)
        .filter(|b| b.score >= LINK_MIN_SCORE)
    {
        let (from, to) = if inverse {
            (b.tgt.start, b.src.start)
        } else {
            (b.src.start, b.tgt.start)
        };
        map[from] = Some(to);
    }
    map
}

/// The pairs `(a, c)` where `ab` maps `a` to some `b` and `bc` maps that
/// `b` to `c`.
fn compose(ab: &[Option<usize>], bc: &[Option<usize>]) -> Vec<(usize, usize)> {
    ab.iter()
        .enumerate()
        .filter_map(|(a, b)| Some((a, bc[(*b)?]?)))
        .collect()
}

/// Aligns the Russian and English sentences that stand where a Kazakh
/// version lacks them with each other, so that they share rows (see
/// [`orphans::pair_orphans`]). The word pairs for it are learned from the
/// rows that hold one sentence of each language: the pivot has aligned
/// Russian with English there already.
fn pair_orphans(
    refs: &[[Option<Vec<&str>>; 3]],
    spans: &mut [Option<(usize, Vec<RowSpan>)>],
    resources: &AlignResources,
) {
    let found: Vec<(usize, Vec<Orphans>)> = spans
        .iter()
        .enumerate()
        .filter_map(|(k, s)| {
            let (pivot, rows) = s.as_ref()?;
            let o = orphans::orphans(*pivot, rows);
            (!o.is_empty()).then_some((k, o))
        })
        .collect();
    if found.is_empty() {
        return;
    }
    // Orphans need two languages beside the pivot, so the pivot is Kazakh.
    let (src, tgt) = (CORPUS_LANGS[1], CORPUS_LANGS[2]);
    let dictionary = resources
        .get(src, tgt)
        .unwrap_or_else(|| Arc::new(learn_from_rows(refs, spans)));
    let opts = AlignOptions {
        deletion_cost: orphans::ORPHAN_DELETION_COST,
        dictionary: Some(dictionary),
        ..AlignOptions::default()
    };
    let aligner = AnchorAligner::with_options(src, tgt, opts);
    let docs: Vec<DocumentPair<'_>> = found
        .iter()
        .flat_map(|(k, orphans)| {
            let [_, ru, en] = &refs[*k];
            let (ru, en) = (ru.as_deref().unwrap_or(&[]), en.as_deref().unwrap_or(&[]));
            orphans
                .iter()
                .map(move |o| (&ru[o.a.sentences.clone()], &en[o.b.sentences.clone()]))
        })
        .collect();
    let mut beads = aligner.align_documents(&docs).into_iter();
    for (k, orphans) in found {
        let doc_beads: Vec<Vec<Bead>> = beads.by_ref().take(orphans.len()).collect();
        if let Some((pivot, rows)) = &mut spans[k] {
            let merged = std::mem::take(rows);
            *rows = orphans::pair_orphans(
                *pivot,
                merged,
                &orphans,
                &doc_beads,
                orphans::ORPHAN_MIN_SCORE,
            );
        }
    }
}

/// A Russian–English dictionary learned from the rows with exactly one
/// sentence in each language, each a Russian–English bead scored by the
/// weaker of its two links to Kazakh (documents with a Kazakh version:
/// column 0 is their pivot). The stems are taken again here, though the
/// kk–ru and kk–en aligners took them too: only a chunk with orphans pays
/// for it, and the aligners' stems stay inside `align_documents`.
fn learn_from_rows(
    refs: &[[Option<Vec<&str>>; 3]],
    spans: &[Option<(usize, Vec<RowSpan>)>],
) -> Lexicon {
    let mut stems = Vec::new();
    for (texts, s) in refs.iter().zip(spans) {
        let (Some(ru), Some(en), Some((0, rows))) = (&texts[1], &texts[2], s) else {
            continue;
        };
        let beads: Vec<Bead> = rows
            .iter()
            .filter(|r| r.cells.iter().all(|c| c.len() == 1))
            .map(|r| Bead {
                src: r.cells[1].clone(),
                tgt: r.cells[2].clone(),
                score: r.links.iter().map(|l| l.score).fold(1.0, f32::min),
            })
            .collect();
        stems.push((sentence_stems(ru), sentence_stems(en), beads));
    }
    let docs: Vec<AlignedPair<'_>> = stems
        .iter()
        .map(|(s, t, b)| (&s[..], &t[..], &b[..]))
        .collect();
    let d = AlignOptions::default();
    Lexicon::learn_from(&docs, d.lexicon_min_count, d.lexicon_min_dice)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::gold::parse_beads;

    fn scored(text: &str, scores: &[f32]) -> Vec<Bead> {
        let mut beads = parse_beads(text).unwrap();
        for (b, &s) in beads.iter_mut().zip(scores) {
            b.score = s;
        }
        beads
    }

    #[test]
    fn links_compose_sure_one_to_one_beads() {
        // kk–en: 0→0 sure, 1→1 doubtful, 2 merged with 3 into en 2.
        let kk_en = scored("[0]:[0]\n[1]:[1]\n[2,3]:[2]", &[0.9, 0.3, 0.9]);
        // ru–en: ru 0 → en 0, ru 1 dropped, ru 2 → en 1, ru 3 → en 2.
        let ru_en = scored("[0]:[0]\n[1]:[]\n[2]:[1]\n[3]:[2]", &[0.8, 0.0, 0.9, 0.9]);
        let ke = sure_pairs(&kk_en, 4, false);
        assert_eq!(ke, vec![Some(0), None, None, None]);
        let e2r = sure_pairs(&ru_en, 3, true);
        assert_eq!(e2r, vec![Some(0), Some(2), Some(3)]);
        // Only kk 0 has a sure path to Russian: through en 0 to ru 0.
        assert_eq!(compose(&ke, &e2r), vec![(0, 0)]);
        let r2e = sure_pairs(&ru_en, 4, false);
        assert_eq!(r2e, vec![Some(0), None, Some(1), Some(2)]);
    }
}
