//! The model-free aligner: Gale–Church lengths plus lexical anchors.
//!
//! Each bead is priced by three terms: its shape's prior, how well the
//! character lengths match (as in `length.rs`), and how much visible
//! evidence the two sides share (numbers, dates, names, loanwords,
//! punctuation; see `features.rs`), weighted by how rare each piece of
//! evidence is in the document pair. All but the shortest documents are
//! aligned inside a corridor around a chain of anchors (sentence pairs that
//! share a feature found exactly once on each side), widened while the best
//! path runs along its side.

use std::ops::Range;

use super::dp::{self, Corridor, MinRisk, Shape};
use super::embed::{RunEmbeddings, SharedEmbedder, MAX_RUN};
use super::evidence::{Evidence, Similarity};
use super::features::{features, features_and_stems, link_feature, Feature};
use super::length::{char_prefix, neg_ln_two_tail, neg_ln_two_tail_within, span, LengthModel};
use super::lexicon::{AlignedPair, Lexicon, Stem};
use super::{Aligner, Bead, DocumentPair};
use crate::lang::Lang;
use rayon::prelude::*;

mod chain;
use chain::{chain, confirmed};

/// Settings of the anchor aligner, calibrated on development data
/// (FLORES-200 dev synthetic documents, the demo corpus).
#[derive(Debug, Clone)]
pub struct AlignOptions {
    /// Cost in nats of a bead whose sides share no lexical evidence,
    /// relative to one that shares all of it.
    pub lexical_weight: f64,
    /// Similarity assumed when neither side has any matchable feature.
    pub neutral_similarity: f64,
    /// Share of its evidence each sentence of a merged side must find on
    /// the other side before the bead's similarity is lowered (0: off).
    pub member_coverage: f64,
    /// Extra cost of leaving a sentence unaligned (1-0 or 0-1).
    pub deletion_cost: f64,
    /// Half-width in sentences of the corridor around the anchor chain
    /// that the first pass starts with; doubled while the path runs along
    /// its side.
    pub corridor: usize,
    /// Grid size (n · m) up to which the whole grid is searched.
    pub full_grid: usize,
    /// Realign once with word pairs learned from the first alignment.
    pub learn_dictionary: bool,
    /// Confident beads a learned word pair must co-occur in.
    pub lexicon_min_count: u32,
    /// Dice coefficient a learned word pair must reach.
    pub lexicon_min_dice: f64,
    /// A bilingual dictionary (e.g. hunalign's format) used from the start.
    pub dictionary: Option<std::sync::Arc<Lexicon>>,
    /// A sentence encoder whose embedding distance joins the evidence.
    pub encoder: Option<SharedEmbedder>,
    /// Cost of a bead whose sides are as far apart as unrelated text, per
    /// sentence (with an encoder).
    pub embedding_weight: f64,
    /// Vecalign's per-run normalisation of embedding distances (else one
    /// normaliser per document pair).
    pub per_run_normalisation: bool,
    /// Half-width of the band around the first pass's path that the second
    /// pass searches (`None`: the same grid or corridor as the first).
    pub realign_band: Option<usize>,
    /// The second pass's half-width within `mend_reach` source sentences
    /// of a first-pass bead other than 1-1 (at least `realign_band`).
    pub mend_band: usize,
    /// How far from such a bead the wider band reaches.
    pub mend_reach: usize,
    /// A first pass followed by a banded second one tries only beads of up
    /// to three sentences (1-1, 1-0, 0-1, 2-1, 1-2); the second pass, with
    /// every shape, mends it locally.
    pub simple_first_pass: bool,
    /// The second pass keeps the beads most likely right (posterior
    /// decoding) instead of the single cheapest path; `None`: Viterbi.
    pub min_risk: Option<MinRisk>,
}

impl Default for AlignOptions {
    fn default() -> Self {
        AlignOptions {
            // Grid-searched with `cargo bench --bench align_eval -- --tune`
            // (FLORES dev synthetic seed 1, Text+Berg dev).
            lexical_weight: 5.0,
            neutral_similarity: 0.3,
            member_coverage: 0.35,
            deletion_cost: 1.0,
            // A corridor of 12 widened on demand gave the same F1 as the
            // whole grid on every evaluation set, at 1.3–2× the speed; with
            // the corpus-wide dictionary, 8 gives the same F1 again (6 too,
            // but reruns more often on the 20k pair) at 1.3× the speed of
            // 12 on one-to-one text. Session 12: 5, widened when the path
            // comes within 3 of a side (`CORRIDOR_MARGIN`), aligns every
            // reporting, dev and validation set and both long documents
            // bead for bead and score for score as 8 within 5 did, with
            // 14% fewer first-pass cells, reruns included.
            corridor: 5,
            full_grid: 900,
            learn_dictionary: true,
            lexicon_min_count: 2,
            lexicon_min_dice: 0.6,
            dictionary: None,
            encoder: None,
            // See `with_encoder`.
            embedding_weight: 8.0,
            per_run_normalisation: true,
            // A band of 4 gave the same F1 as a full second search on every
            // evaluation set and 1.4× the speed on the 20k-sentence pair;
            // with posterior decoding, 2 gave the same F1 as 4 on dev data
            // (`-- --tune-risk`) at half the cells. Session 11
            // (`-- --tune-search`): every band from 1 to 4 aligns the dev
            // documents bead for bead alike, and validation rises with the
            // width by 0.0001 a step; 1 along runs of one-to-one beads and 4
            // within 4 sentences of the first pass's other beads matches
            // 4's validation F1 and costs 8% fewer instructions than 2 on
            // one-to-one text.
            realign_band: Some(1),
            mend_band: 4,
            mend_reach: 4,
            // Chosen with `cargo bench --bench align_eval -- --tune-search`
            // on dev data: mean strict F1 0.883 against 0.877 (Text+Berg dev
            // 0.821 against 0.800, FLORES kk–ru 0.914 against 0.916), and
            // the first pass prices half as many large beads.
            simple_first_pass: true,
            // Grid-searched on dev data (`-- --tune-risk`): temperature 1
            // reads the costs as −ln probabilities, and a threshold near
            // half the expected F1 is what maximises F1.
            min_risk: Some(MinRisk {
                temperature: 1.0,
                threshold: 0.45,
            }),
        }
    }
}

impl AlignOptions {
    /// The defaults, or with an encoder the settings tuned for it:
    /// `cargo bench --bench align_eval -- --tune-embeddings` (FLORES dev
    /// synthetic seed 1 kk–ru and kk–en, Text+Berg dev; multilingual-e5-small)
    /// chose embedding weight 8, lexical weight 2 and deletion cost 3. With
    /// embeddings the lexical evidence matters less, and unaligned sentences
    /// must cost more, since an embedding match is rarely missed.
    pub fn with_encoder(encoder: Option<SharedEmbedder>) -> AlignOptions {
        let defaults = AlignOptions::default();
        match encoder {
            None => defaults,
            Some(e) => AlignOptions {
                encoder: Some(e),
                embedding_weight: 8.0,
                lexical_weight: 2.0,
                deletion_cost: 3.0,
                // Posterior decoding changed nothing on dev data with
                // embeddings (`-- --tune-risk e5`: their costs are sharp,
                // posteriors near 0 or 1), so the cheapest path it is, in
                // the band it was tuned with.
                min_risk: None,
                realign_band: Some(4),
                mend_band: 4,
                ..defaults
            },
        }
    }
}

/// Bead shapes and their prior probabilities: Gale–Church's, with 1-3 and
/// 3-1 added at the rate seen in Text+Berg dev, and beads of five
/// sentences (4-1, 1-4, 3-2, 2-3) with a prior chosen on dev data by
/// `cargo bench --bench align_eval -- --tune-search` (0.0002 of 0.002,
/// 0.0005, 0.0002, 0.0001, 0.00003): Text+Berg dev 0.821 → 0.842 strict F1,
/// FLORES kk–ru 0.914 → 0.910, kk–en 0.916 → 0.918; over FLORES seeds
/// 1–3, kk–ru 0.926 → 0.924 and kk–en 0.933 both ways. Translators of
/// official texts do fold four sentences into one. Only the second pass
/// tries them, and not with sentence embeddings, which cover runs of up to
/// three sentences. Deletions come first: they need no evidence, and the
/// ceiling they set lets the DP stop pricing other beads early (3% fewer
/// instructions than 1-1 first, same paths).
///
/// The 2-2 prior is 0.005, not Gale–Church's 0.011 (session 13, grid
/// 0.002–0.011 on the dev sets): a 2-2 bead averages out the length noise
/// of two sentence pairs, so two true one-to-one pairs whose lengths are
/// each off but add up were merged into one (183 of the 12,446 KazNU
/// kk–en pairs, 98 at 0.005). Dev mean strict F1 0.9258 → 0.9275, every
/// validation set up (mean 0.9347 → 0.9428), the documents with re-cut 2-2
/// beads too (0.9425 → 0.9484); Text+Berg dev 0.8589 → 0.8541.
const SHAPES: [(Shape, f64); 12] = [
    ((1, 0), 0.005),
    ((0, 1), 0.005),
    ((1, 1), 0.89),
    ((2, 1), 0.0445),
    ((1, 2), 0.0445),
    ((2, 2), 0.005),
    ((3, 1), 0.005),
    ((1, 3), 0.005),
    ((4, 1), 0.0002),
    ((1, 4), 0.0002),
    ((3, 2), 0.0002),
    ((2, 3), 0.0002),
];

/// The most a bead's length term may cost. The length model's spread
/// grows with the square root of the length, so two identical lines of
/// 20,000 characters were priced as a kk→ru pair 5 σ off the expected
/// ratio (15 nats), and dropped as two deletions (12.6) even though they
/// share all their evidence. Past e⁻¹⁰ the length model is not trusted:
/// the lexical evidence decides. (Every dev and reporting set aligns the
/// same with or without the cap.)
const LENGTH_CAP: f64 = 10.0;

/// How many standard deviations off a bead's length may be before its cost
/// grows linearly rather than quadratically. Real translations' lengths
/// have heavier tails than a normal law: on the KazNU kk–en pairs the
/// variance per character is 3.7, but 1.9 measured from the median
/// deviation (FLORES: 2.6 and 2.4). Under the quadratic tail, a pair whose
/// length is far off pays so much that merging it with a neighbour pair
/// (whose error cancels it) wins, or leaving both sides unaligned. Chosen
/// on the dev sets (session 13, BENCHMARKS.md): of 2, 2.25, 2.5, 2.75, 3
/// and 3.5, 2.25 had the best dev mean, and every validation measure rose.
const LENGTH_TAIL: f64 = 2.25;

/// How close (in sentences) the first pass's path may come to the side of
/// the anchor corridor before the corridor is widened. (Under the default
/// half-width of 5, a margin of 4 widened a third of the dev documents'
/// corridors, and of 3 a sixth, with the same beads.)
const CORRIDOR_MARGIN: usize = 3;

/// The most DP cells a widened corridor may hold: 4M cells take 36 MB
/// (a cost and a back pointer each), whatever the document's length.
const WIDEST_CORRIDOR: usize = 4_000_000;

/// The model-free aligner for one language pair.
#[derive(Debug, Clone)]
pub struct AnchorAligner {
    src: Lang,
    tgt: Lang,
    length: LengthModel,
    /// The length cost at [`LENGTH_TAIL`] standard deviations.
    tail_cost: f64,
    opts: AlignOptions,
}

impl AnchorAligner {
    /// An aligner for `src → tgt` with default options.
    pub fn new(src: Lang, tgt: Lang) -> AnchorAligner {
        AnchorAligner::with_options(src, tgt, AlignOptions::default())
    }

    /// An aligner with explicit options.
    pub fn with_options(src: Lang, tgt: Lang, opts: AlignOptions) -> AnchorAligner {
        AnchorAligner {
            src,
            tgt,
            length: LengthModel::for_pair(src, tgt),
            tail_cost: neg_ln_two_tail(LENGTH_TAIL),
            opts,
        }
    }

    /// −ln of the probability that lengths `ls` and `lt` are translations.
    fn length_cost(&self, ls: usize, lt: usize) -> f64 {
        self.length_cost_within(ls, lt, f64::INFINITY)
    }

    /// [`Self::length_cost`], or any value ≥ `budget` once it reaches it.
    fn length_cost_within(&self, ls: usize, lt: usize, budget: f64) -> f64 {
        let (ls, lt) = (ls as f64, lt as f64);
        let c = self.length.ratio;
        let mean = ((ls + lt / c) / 2.0).max(1.0);
        let z = (lt - ls * c) / (mean * self.length.variance).sqrt();
        if z.abs() > LENGTH_TAIL {
            // The normal law's slope at the tail's start, kept from there.
            let beyond = LENGTH_TAIL * (z.abs() - LENGTH_TAIL);
            return (self.tail_cost + beyond).min(LENGTH_CAP);
        }
        neg_ln_two_tail_within(z, budget).min(LENGTH_CAP)
    }
}

/// Whether a corridor of half-width `wider` around an n × m grid stays
/// within [`WIDEST_CORRIDOR`] cells (or the whole grid does).
fn may_widen(wider: usize, n: usize, m: usize) -> bool {
    (2 * wider + 1).saturating_mul(n + 1) <= WIDEST_CORRIDOR
        || n.saturating_mul(m) <= WIDEST_CORRIDOR
}

/// What the first pass leaves for the second: each side's features and
/// embeddings, and the beads found.
struct FirstPass {
    fs: Vec<Vec<Feature>>,
    ft: Vec<Vec<Feature>>,
    /// Each side's stems, taken once for the dictionaries (empty when
    /// there are none).
    stems: [Vec<Vec<Stem>>; 2],
    embeddings: Option<RunEmbeddings>,
    beads: Vec<Bead>,
}

impl Aligner for AnchorAligner {
    fn align(&self, src: &[&str], tgt: &[&str]) -> Vec<Bead> {
        self.align_documents(&[(src, tgt)])
            .pop()
            .unwrap_or_default()
    }

    /// Both passes over every document pair, with one dictionary learned
    /// from all the first passes together: a 50-sentence document teaches
    /// few word pairs, a corpus of them many.
    fn align_documents(&self, docs: &[DocumentPair<'_>]) -> Vec<Vec<Bead>> {
        self.align_documents_linked(docs, &[])
    }
}

impl AnchorAligner {
    /// [`Aligner::align_documents`] with links from a third language: each
    /// `(i, j)` of `links[d]` (missing entries: none) says that source
    /// sentence `i` and target sentence `j` of document `d` were both
    /// aligned with one sentence of another language, and becomes a
    /// feature the two share, rare and so weighty.
    pub fn align_documents_linked(
        &self,
        docs: &[DocumentPair<'_>],
        links: &[Vec<(usize, usize)>],
    ) -> Vec<Vec<Bead>> {
        let firsts: Vec<FirstPass> = docs
            .par_iter()
            .enumerate()
            .map(|(d, &(src, tgt))| {
                self.first_pass(src, tgt, links.get(d).map_or(&[][..], Vec::as_slice))
            })
            .collect();
        // Second pass: word pairs that co-occur in the confident beads of
        // the first become evidence too.
        let learned = if self.opts.learn_dictionary {
            let aligned: Vec<AlignedPair<'_>> = firsts
                .iter()
                .map(|first| {
                    let [src, tgt] = &first.stems;
                    (&src[..], &tgt[..], first.beads.as_slice())
                })
                .collect();
            Lexicon::learn_from(
                &aligned,
                self.opts.lexicon_min_count,
                self.opts.lexicon_min_dice,
            )
        } else {
            Lexicon::default()
        };
        let simple = self.simple_first_pass();
        docs.par_iter()
            .zip(firsts)
            .map(|(&(src, tgt), mut first)| {
                if learned.is_empty() && !simple {
                    return first.beads;
                }
                let [ss, st] = &first.stems;
                learned.augment_stems(ss, st, &mut first.fs, &mut first.ft);
                let embeddings = first.embeddings.as_ref();
                self.align_features(
                    src,
                    tgt,
                    &first.fs,
                    &first.ft,
                    embeddings,
                    Some(&first.beads),
                )
            })
            .collect()
    }
}

impl AnchorAligner {
    fn first_pass(&self, src: &[&str], tgt: &[&str], links: &[(usize, usize)]) -> FirstPass {
        // The dictionaries need each sentence's stems: taken in the same
        // pass over the text as its features.
        let side = |texts: &[&str], lang: Lang| -> (Vec<Vec<Feature>>, Vec<Vec<Stem>>) {
            if self.opts.learn_dictionary || self.opts.dictionary.is_some() {
                texts.iter().map(|s| features_and_stems(s, lang)).unzip()
            } else {
                (
                    texts.iter().map(|s| features(s, lang)).collect(),
                    Vec::new(),
                )
            }
        };
        let (mut fs, src_stems) = side(src, self.src);
        let (mut ft, tgt_stems) = side(tgt, self.tgt);
        let stems = [src_stems, tgt_stems];
        if let Some(lex) = &self.opts.dictionary {
            lex.augment_stems(&stems[0], &stems[1], &mut fs, &mut ft);
        }
        if !links.is_empty() {
            for (k, &(i, j)) in links.iter().enumerate() {
                if i < fs.len() && j < ft.len() {
                    fs[i].push(link_feature(k));
                    ft[j].push(link_feature(k));
                }
            }
            for f in fs.iter_mut().chain(ft.iter_mut()) {
                f.sort_unstable();
                f.dedup();
            }
        }
        let embeddings =
            self.opts
                .encoder
                .as_ref()
                .and_then(|e| match RunEmbeddings::new(e, src, tgt) {
                    Ok(r) if self.opts.per_run_normalisation => Some(r),
                    Ok(r) => Some(r.with_document_normaliser()),
                    Err(err) => {
                        tracing::warn!(
                            "sentence encoder failed, aligning without embeddings: {err}"
                        );
                        None
                    }
                });
        let beads = self.align_features(src, tgt, &fs, &ft, embeddings.as_ref(), None);
        FirstPass {
            fs,
            ft,
            stems,
            embeddings,
            beads,
        }
    }
}

impl AnchorAligner {
    /// Whether the first pass leaves the larger beads to a banded second.
    fn simple_first_pass(&self) -> bool {
        self.opts.simple_first_pass && self.opts.realign_band.is_some()
    }

    fn align_features(
        &self,
        src: &[&str],
        tgt: &[&str],
        fs: &[Vec<Feature>],
        ft: &[Vec<Feature>],
        embeddings: Option<&RunEmbeddings>,
        guide: Option<&[Bead]>,
    ) -> Vec<Bead> {
        let ev = Evidence::new(fs, ft);
        let anchors = ev.anchors();
        let ls = char_prefix(src);
        let lt = char_prefix(tgt);
        let (n, m) = (src.len(), tgt.len());
        let path_anchors = confirmed(&chain(anchors));
        let mut corridor = match (guide, self.opts.realign_band) {
            // A second pass only corrects the first locally: search a band
            // around its path instead of the whole grid again.
            (Some(first), Some(band)) => {
                let points: Vec<(usize, usize)> = first
                    .iter()
                    .filter(|b| !b.src.is_empty() && !b.tgt.is_empty())
                    .map(|b| (b.src.end, b.tgt.end))
                    .collect();
                let narrow = Corridor::around(&points, n, m, band);
                if self.opts.mend_band <= band {
                    narrow
                } else {
                    // Runs of one-to-one beads the second pass rarely
                    // moves; around the first pass's merges and deletions
                    // it searches wider.
                    let mut mend = vec![false; n + 1];
                    let reach = self.opts.mend_reach;
                    for b in first
                        .iter()
                        .filter(|b| b.src.len() != 1 || b.tgt.len() != 1)
                    {
                        let rows =
                            b.src.start.saturating_sub(reach)..(b.src.end + reach).min(n) + 1;
                        mend[rows].fill(true);
                    }
                    let wide = Corridor::around(&points, n, m, self.opts.mend_band);
                    narrow.widened_where(&wide, |i| mend[i])
                }
            }
            _ if n.saturating_mul(m) <= self.opts.full_grid => Corridor::full(n, m),
            _ => Corridor::around(&path_anchors, n, m, self.opts.corridor),
        };
        // A first pass inside the anchor corridor widens it while the path
        // runs along its side: a wrong anchor or a long insertion pushes
        // the true path out of a narrow corridor.
        let widen = guide.is_none() && n.saturating_mul(m) > self.opts.full_grid;
        let shapes: Vec<Shape> = SHAPES
            .iter()
            .map(|&(s, _)| s)
            .filter(|&(a, b)| guide.is_some() || !self.simple_first_pass() || a + b <= 3)
            .filter(|&(a, b)| embeddings.is_none() || (a <= MAX_RUN && b <= MAX_RUN))
            .collect();
        let o = &self.opts;
        let mut similarity = Similarity::new(&ev);
        // −ln prior by (source, target) sentence counts.
        let mut prior_costs = [[0.0f64; 5]; 5];
        for &((a, b), p) in &SHAPES {
            prior_costs[a][b] = -p.ln();
        }
        let mut bead_cost = |s: Range<usize>, t: Range<usize>, ceiling: f64| -> f64 {
            let mut cost = prior_costs[s.len()][t.len()];
            if s.is_empty() || t.is_empty() {
                return cost + o.deletion_cost * (s.len() + t.len()) as f64;
            }
            // Every term below is non-negative: a bead already at the
            // ceiling cannot win, so the rest need not be computed.
            if cost >= ceiling {
                return cost;
            }
            cost += self.length_cost_within(span(&ls, &s), span(&lt, &t), ceiling - cost);
            if cost >= ceiling {
                return cost;
            }
            // Scaled by bead size, so that a 2-2 bead pays for the
            // evidence of four sentences, not one; otherwise merging
            // would be a cheap way to pool evidence.
            let size = (s.len() + t.len()) as f64 / 2.0;
            if s.len() + t.len() > 2 {
                // Nine in ten merged beads lose even at the most similarity
                // their masses and sentence pairs allow.
                let needed = 1.0 - (ceiling - cost) / (o.lexical_weight * size);
                let best = similarity
                    .upper_bound(s.clone(), t.clone(), o.member_coverage, needed)
                    .unwrap_or(o.neutral_similarity);
                let least = cost + o.lexical_weight * (1.0 - best) * size;
                if least >= ceiling {
                    return least;
                }
            }
            let sim = similarity
                .of(s.clone(), t.clone(), o.member_coverage)
                .unwrap_or(o.neutral_similarity);
            cost += o.lexical_weight * (1.0 - sim) * size;
            if let Some(e) = embeddings {
                if s.len() <= MAX_RUN && t.len() <= MAX_RUN && cost < ceiling {
                    // Vecalign's bead size, |s|·|t|: a concatenated run
                    // embeds close to more texts than a sentence does, so
                    // merges must pay more than for other evidence (with
                    // (|s|+|t|)/2 higher weights collapsed everything into
                    // merges on dev data).
                    let esize = (s.len() * t.len()) as f64;
                    cost += o.embedding_weight * e.distance(&s, &t).clamp(0.0, 2.0) * esize;
                }
            }
            cost
        };
        // The second pass decodes by posterior: its band is narrow, and its
        // path is the one reported.
        let posterior_decoding = guide.and(self.opts.min_risk);
        let mut half_width = self.opts.corridor;
        let steps = loop {
            let steps = match posterior_decoding {
                Some(risk) => dp::min_risk_path(&corridor, &shapes, &mut bead_cost, risk),
                None => dp::best_path(&corridor, &shapes, &mut bead_cost),
            };
            // Memory stays linear in the length: a corridor is widened only
            // while it would hold at most WIDEST_CORRIDOR cells (a pair of
            // unrelated long documents pins every corridor).
            let wider = 2 * half_width;
            if !widen || !may_widen(wider, n, m) || !corridor.pins(&steps, CORRIDOR_MARGIN) {
                break steps;
            }
            half_width = wider;
            corridor = if half_width >= n.max(m) {
                Corridor::full(n, m)
            } else {
                Corridor::around(&path_anchors, n, m, half_width)
            };
        };
        let mut bead_terms = |s: &Range<usize>, t: &Range<usize>| -> (f64, f64) {
            let sim = similarity
                .of(s.clone(), t.clone(), o.member_coverage)
                .unwrap_or(o.neutral_similarity);
            (self.length_cost(span(&ls, s), span(&lt, t)), sim)
        };
        // Posterior decoding gives each bead the probability that it is
        // right, and it is calibrated (`-- --calibration` on dev data:
        // Brier score 0.035–0.10 against 0.25–0.27 for the mean of the
        // length and similarity terms the cheapest path falls back to).
        steps
            .into_iter()
            .map(|st| {
                let score = if st.src.is_empty() || st.tgt.is_empty() {
                    0.0
                } else if let Some(risk) = posterior_decoding {
                    (risk.threshold - st.cost).clamp(0.0, 1.0)
                } else {
                    let (len_cost, sim) = bead_terms(&st.src, &st.tgt);
                    0.5 * (-len_cost).exp() + 0.5 * sim
                };
                Bead {
                    src: st.src,
                    tgt: st.tgt,
                    score: score as f32,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
