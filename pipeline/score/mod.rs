//! Translation quality scores identical to sacreBLEU 2.5.1.
//!
//! BLEU, chrF/chrF++ and TER at corpus and sentence level, sacrebleu's
//! signatures, and its paired bootstrap resampling test. Every formula,
//! tokenizer and tie-break mirrors the Python implementation (the doc of each
//! file names the function it follows), including float32 arithmetic where
//! sacrebleu uses numpy, so CI gates can compare against published numbers.
//!
//! References come as *streams* like in sacrebleu: `refs[k][i]` is the
//! `k`-th reference of segment `i`. A missing reference (`None`) lets
//! segments have different numbers of references (`nrefs:var`).
//!
//! ```
//! use shanyraq::score::{BleuOptions, Metric};
//! let hyps = ["the cat sat on the mat"];
//! let refs = [vec!["the cat is on the mat"]];
//! let bleu = Metric::Bleu(BleuOptions::default()).corpus_score(&hyps, &refs).unwrap();
//! assert_eq!(bleu.signature.to_string(), "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.5.1");
//! ```

mod bleu;
mod bootstrap;
mod chrf;
mod intl;
mod ngrams;
mod num;
mod rng;
mod signature;
mod ter;
mod ter_align;
mod text;
mod tokenize;
mod types;

pub use bleu::{BleuOptions, Smoothing};
pub use bootstrap::{
    paired_bootstrap, BootstrapOptions, BootstrapResult, PairedBootstrap, PairedMetricResult,
};
pub use chrf::ChrfOptions;
pub use signature::{NRefs, Signature};
pub use ter::TerOptions;
pub use tokenize::{tokenize, Tokenize};
pub use types::{RefText, Score, ScoreDetails, ScoreError};

use num::Np;
use std::collections::BTreeSet;

/// The sacrebleu release whose numbers and signatures are reproduced.
pub const SACREBLEU_VERSION: &str = "2.5.1";

/// A metric with its options.
#[derive(Clone, Debug, PartialEq)]
pub enum Metric {
    Bleu(BleuOptions),
    Chrf(ChrfOptions),
    Ter(TerOptions),
}

/// Per-segment sufficient statistics, one row of `width` values each.
pub(crate) struct CorpusStats {
    pub(crate) width: usize,
    pub(crate) rows: Vec<f64>,
    pub(crate) nrefs: NRefs,
}

impl CorpusStats {
    fn sum(&self) -> Vec<f64> {
        // `utils.sum_of_lists`: column sums, left to right.
        let mut total = vec![0.0; self.width];
        for row in self.rows.chunks_exact(self.width) {
            for (t, x) in total.iter_mut().zip(row) {
                *t += x;
            }
        }
        total
    }
}

enum Engine {
    Bleu(bleu::BleuScorer),
    Chrf(chrf::ChrfScorer),
    Ter(ter::TerScorer),
}

impl Metric {
    /// The score name sacrebleu prints (`BLEU`, `chrF2`, `chrF2++`, `TER`).
    pub fn name(&self) -> String {
        match self {
            Metric::Bleu(_) => "BLEU".into(),
            Metric::Chrf(o) => o.name(),
            Metric::Ter(_) => "TER".into(),
        }
    }

    /// The signature for a given reference count.
    pub fn signature(&self, nrefs: NRefs) -> Signature {
        match self {
            Metric::Bleu(o) => o.signature(nrefs),
            Metric::Chrf(o) => o.signature(nrefs),
            Metric::Ter(o) => o.signature(nrefs),
        }
    }

    fn validate(&self) -> Result<(), ScoreError> {
        match self {
            Metric::Bleu(o) => o.validate(),
            Metric::Chrf(o) => o.validate(),
            Metric::Ter(_) => Ok(()),
        }
    }

    fn width(&self) -> usize {
        match self {
            Metric::Bleu(o) => 2 + 2 * o.max_ngram_order,
            Metric::Chrf(o) => 3 * (o.char_order + o.word_order),
            Metric::Ter(_) => 2,
        }
    }

    fn engine(&self) -> Engine {
        match self {
            Metric::Bleu(_) => Engine::Bleu(Default::default()),
            Metric::Chrf(_) => Engine::Chrf(Default::default()),
            Metric::Ter(_) => Engine::Ter(Default::default()),
        }
    }

    fn segment_stats(&self, eng: &mut Engine, hyp: &str, refs: &[&str], out: &mut Vec<f64>) {
        match (self, eng) {
            (Metric::Bleu(o), Engine::Bleu(e)) => e.segment_stats(o, hyp, refs, out),
            (Metric::Chrf(o), Engine::Chrf(e)) => e.segment_stats(o, hyp, refs, out),
            (Metric::Ter(o), Engine::Ter(e)) => e.segment_stats(o, hyp, refs, out),
            _ => unreachable!("engine built from this metric"),
        }
    }

    /// Statistics of every segment (`_extract_corpus_statistics`).
    pub(crate) fn corpus_stats<H, R, S>(
        &self,
        hyps: &[H],
        refs: &[R],
    ) -> Result<CorpusStats, ScoreError>
    where
        H: AsRef<str>,
        R: AsRef<[S]>,
        S: RefText,
    {
        self.validate()?;
        if hyps.is_empty() {
            return Err(ScoreError::EmptyCorpus);
        }
        if refs.is_empty() {
            return Err(ScoreError::NoReferences);
        }
        for (stream, r) in refs.iter().enumerate() {
            if r.as_ref().len() != hyps.len() {
                return Err(ScoreError::ReferenceCountMismatch {
                    stream,
                    expected: hyps.len(),
                    got: r.as_ref().len(),
                });
            }
        }
        let width = self.width();
        let mut rows = Vec::with_capacity(width * hyps.len());
        let mut eng = self.engine();
        let mut counts = BTreeSet::new();
        let mut seg_refs: Vec<&str> = Vec::with_capacity(refs.len());
        for (i, hyp) in hyps.iter().enumerate() {
            seg_refs.clear();
            seg_refs.extend(refs.iter().filter_map(|r| r.as_ref()[i].ref_text()));
            if seg_refs.is_empty() {
                return Err(ScoreError::MissingReference(i));
            }
            counts.insert(seg_refs.len());
            self.segment_stats(&mut eng, hyp.as_ref(), &seg_refs, &mut rows);
        }
        let nrefs = if counts.len() == 1 {
            NRefs::Fixed(seg_refs.len())
        } else {
            NRefs::Variable
        };
        Ok(CorpusStats { width, rows, nrefs })
    }

    /// The score from summed statistics as `Np` values: Python floats on the
    /// normal path, float32 during bootstrap resampling.
    pub(crate) fn score_value(&self, stats: &[Np]) -> Np {
        match self {
            Metric::Bleu(o) => bleu::compute_bleu(o, stats).score,
            Metric::Chrf(o) => chrf::f_score(o, stats),
            Metric::Ter(_) => {
                // `TER._compute_score_from_stats`
                let (edits, ref_len) = (stats[0], stats[1]);
                let zero = Np::Py(0.0);
                let s = if ref_len.gt(zero) {
                    edits.div(ref_len)
                } else if edits.gt(zero) {
                    Np::Py(1.0)
                } else {
                    Np::Py(0.0)
                };
                Np::Py(100.0).mul(s)
            }
        }
    }

    pub(crate) fn make_score(&self, sums: &[f64], nrefs: NRefs) -> Score {
        let np: Vec<Np> = sums.iter().map(|&x| Np::Py(x)).collect();
        let (value, verbose, details) = match self {
            Metric::Bleu(o) => {
                let p = bleu::compute_bleu(o, &np);
                let n = o.max_ngram_order;
                let details = ScoreDetails::Bleu {
                    counts: sums[2..2 + n].iter().map(|&x| x as u64).collect(),
                    totals: sums[2 + n..].iter().map(|&x| x as u64).collect(),
                    precisions: p.precisions.clone(),
                    bp: p.bp,
                    ratio: if p.ref_len != 0 {
                        p.sys_len as f64 / p.ref_len as f64
                    } else {
                        0.0
                    },
                    sys_len: p.sys_len as u64,
                    ref_len: p.ref_len as u64,
                };
                (p.score.f64(), bleu::verbose(&p), details)
            }
            Metric::Chrf(_) => (
                self.score_value(&np).f64(),
                String::new(),
                ScoreDetails::Chrf,
            ),
            Metric::Ter(_) => (
                self.score_value(&np).f64(),
                String::new(),
                ScoreDetails::Ter {
                    num_edits: sums[0] as u64,
                    ref_length: sums[1],
                },
            ),
        };
        let mut score = Score {
            name: self.name(),
            value,
            formatted: String::new(),
            verbose,
            signature: self.signature(nrefs),
            details,
        };
        score.formatted = score.format(2, false);
        score
    }

    /// Corpus-level score (`metric.corpus_score(hyps, refs)`), `refs` being
    /// reference streams.
    pub fn corpus_score<H, R, S>(&self, hyps: &[H], refs: &[R]) -> Result<Score, ScoreError>
    where
        H: AsRef<str>,
        R: AsRef<[S]>,
        S: RefText,
    {
        let stats = self.corpus_stats(hyps, refs)?;
        Ok(self.make_score(&stats.sum(), stats.nrefs))
    }

    /// Sentence-level score of one hypothesis against its references
    /// (`metric.sentence_score(hyp, refs)`). For BLEU, pass
    /// `BleuOptions::sentence()` to get `sacrebleu.sentence_bleu`.
    pub fn sentence_score<S: RefText>(&self, hyp: &str, refs: &[S]) -> Result<Score, ScoreError> {
        let streams: Vec<[Option<&str>; 1]> = refs.iter().map(|r| [r.ref_text()]).collect();
        self.corpus_score(&[hyp], &streams)
    }

    /// Sentence-level scores of every segment, as `--sentence-level` prints.
    pub fn sentence_scores<H, R, S>(&self, hyps: &[H], refs: &[R]) -> Result<Vec<Score>, ScoreError>
    where
        H: AsRef<str>,
        R: AsRef<[S]>,
        S: RefText,
    {
        let stats = self.corpus_stats(hyps, refs)?;
        let mut out = Vec::with_capacity(hyps.len());
        for (i, row) in stats.rows.chunks_exact(stats.width).enumerate() {
            let n = refs
                .iter()
                .filter(|r| r.as_ref()[i].ref_text().is_some())
                .count();
            out.push(self.make_score(row, NRefs::Fixed(n)));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors() {
        let m = Metric::Bleu(BleuOptions::default());
        let none: [&str; 0] = [];
        assert_eq!(
            m.corpus_score(&none, &[vec!["a"]]),
            Err(ScoreError::EmptyCorpus)
        );
        let no_refs: [Vec<&str>; 0] = [];
        assert_eq!(
            m.corpus_score(&["a"], &no_refs),
            Err(ScoreError::NoReferences)
        );
        assert_eq!(
            m.corpus_score(&["a", "b"], &[vec!["a"]]),
            Err(ScoreError::ReferenceCountMismatch {
                stream: 0,
                expected: 2,
                got: 1
            })
        );
        let r: [Vec<Option<&str>>; 1] = [vec![None]];
        assert_eq!(
            m.corpus_score(&["a"], &r),
            Err(ScoreError::MissingReference(0))
        );
    }

    #[test]
    fn variable_references_and_empty_corpus() {
        let m = Metric::Ter(TerOptions::default());
        let refs = [vec![Some("a b"), Some("c")], vec![None, Some("c d")]];
        let s = m.corpus_score(&["a b", "c"], &refs).unwrap();
        assert_eq!(s.signature.nrefs, NRefs::Variable);
        // All-empty corpus: every metric is defined and zero.
        for m in [
            Metric::Bleu(BleuOptions::default()),
            Metric::Chrf(ChrfOptions::plus_plus()),
            m,
        ] {
            let s = m.corpus_score(&["", ""], &[vec!["", ""]]).unwrap();
            assert_eq!(s.value, 0.0, "{}", s.formatted);
        }
    }

    #[test]
    fn empty_sides_and_zero_matches() {
        let bleu = Metric::Bleu(BleuOptions::sentence());
        let chrf = Metric::Chrf(ChrfOptions::default());
        let ter = Metric::Ter(TerOptions::default());
        for (hyp, rf) in [("", "a b"), ("a b", ""), ("x y", "a b")] {
            assert_eq!(bleu.sentence_score(hyp, &[rf]).unwrap().value, 0.0);
            assert_eq!(chrf.sentence_score(hyp, &[rf]).unwrap().value, 0.0);
            // Two edits against two reference words, or against an empty
            // reference (sacrebleu then scores 100).
            assert_eq!(ter.sentence_score(hyp, &[rf]).unwrap().value, 100.0);
        }
        let s = ter.sentence_score("", &[""]).unwrap();
        assert_eq!((s.value, s.formatted.as_str()), (0.0, "TER = 0.00"));
    }

    #[test]
    fn formatting() {
        let m = Metric::Bleu(BleuOptions::default());
        let s = m.corpus_score(&["a b c d"], &[vec!["a b c d"]]).unwrap();
        assert_eq!(s.formatted, "BLEU = 100.00 100.0/100.0/100.0/100.0 (BP = 1.000 ratio = 1.000 hyp_len = 4 ref_len = 4)");
        let c = Metric::Chrf(ChrfOptions::plus_plus())
            .corpus_score(&["a b"], &[vec!["a b"]])
            .unwrap();
        assert_eq!(
            c.format(1, true),
            "chrF2++|nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:2.5.1 = 100.0"
        );
    }
}
