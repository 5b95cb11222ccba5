//! `--eval-sample N`: how good is machine translation on this very corpus?
//!
//! Before filling, N Kazakh sentences that do have a human Russian or
//! English counterpart (one-to-one rows only, so the reference is a real
//! translation of exactly that sentence) are translated with the same
//! models and settings that fill the gaps, and scored against the human
//! text with BLEU and chrF. Translations go through the same cache.

use serde::Serialize;

use super::cache::{CacheScope, TranslationCache};
use super::config::FillConfig;
use super::{translate_missing, TranslatorFactory};
use crate::error::Result;
use crate::lang::Lang;
use crate::row::{Origin, Row};
use crate::score::{BleuOptions, ChrfOptions, Metric};

/// Scores for one direction.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EvalReport {
    /// Source language.
    pub src: String,
    /// Target language.
    pub tgt: String,
    /// The model, as recorded in the output.
    pub model: String,
    /// Segments scored.
    pub segments: usize,
    /// Corpus BLEU (sacreBLEU defaults), if the model ran.
    pub bleu: Option<f64>,
    /// Corpus chrF2, if the model ran.
    pub chrf: Option<f64>,
    /// Why there is no score, if there is none.
    pub error: Option<String>,
}

/// Picks the rows to evaluate on: up to `n` one-to-one rows per target
/// language (Russian, English), evenly spread over the corpus, so every
/// part of it is represented. Rows are seen twice: once to count the
/// candidates ([`Sample::count`]), once to pick them ([`Sample::pick`]),
/// so the corpus need not be held in memory.
#[derive(Debug, Default)]
pub struct Sample {
    n: usize,
    /// Per target: candidates counted, candidates seen while picking.
    counted: [usize; 2],
    seen: [usize; 2],
    /// Per target: the Kazakh source and the human reference of each pick.
    picked: [Vec<(String, String)>; 2],
}

const TARGETS: [Lang; 2] = [Lang::Ru, Lang::En];

/// Whether `row` has one Kazakh sentence and one human sentence in
/// `column`, so the reference is a real translation of exactly that
/// sentence.
fn candidate(row: &Row, column: usize) -> bool {
    let human = |c: usize| !row.cells[c].is_gap() && row.cells[c].origin == Origin::Human;
    human(0)
        && human(column)
        && row.cells[0].sentences.len() == 1
        && row.cells[column].sentences.len() == 1
}

impl Sample {
    /// A sample of up to `n` rows per target.
    pub fn new(n: usize) -> Sample {
        Sample {
            n,
            ..Sample::default()
        }
    }

    /// First pass: counts `row` if it is a candidate.
    pub fn count(&mut self, row: &Row) {
        for (t, lang) in TARGETS.into_iter().enumerate() {
            self.counted[t] += usize::from(candidate(row, lang.column().expect("corpus")));
        }
    }

    /// Second pass, over the same rows in the same order: keeps `row` if it
    /// is the `k·C/n`-th of the `C` candidates for some `k`.
    pub fn pick(&mut self, row: &Row) {
        for (t, lang) in TARGETS.into_iter().enumerate() {
            let column = lang.column().expect("corpus");
            if !candidate(row, column) {
                continue;
            }
            let (total, take) = (self.counted[t], self.n.min(self.counted[t]));
            let k = self.picked[t].len();
            if k < take && k * total / take == self.seen[t] {
                let pair = (row.cells[0].text.clone(), row.cells[column].text.clone());
                self.picked[t].push(pair);
            }
            self.seen[t] += 1;
        }
    }
}

/// Evaluates kk→ru and kk→en on the rows `sample` picked.
pub fn evaluate(
    sample: &Sample,
    config: &FillConfig,
    factory: &dyn TranslatorFactory,
    cache: &mut TranslationCache,
) -> Result<Vec<EvalReport>> {
    let mut out = Vec::new();
    for (t, tgt) in TARGETS.into_iter().enumerate() {
        let picked = &sample.picked[t];
        if picked.is_empty() {
            continue;
        }
        let mut report = EvalReport {
            src: "kk".into(),
            tgt: tgt.code().into(),
            segments: picked.len(),
            ..EvalReport::default()
        };
        let Some(spec) = config.spec(Lang::Kk, tgt) else {
            report.error = Some(format!("no model configured for kk→{tgt}"));
            out.push(report);
            continue;
        };
        report.model = factory.model_id(&spec);
        let scope = CacheScope::new(&report.model, Lang::Kk, tgt, &spec.settings());
        let sources: Vec<(&str, String)> = picked
            .iter()
            .map(|(src, _)| (src.as_str(), scope.key(src)))
            .collect();
        let missing = cache.missing(&sources);
        if !missing.is_empty() {
            let (_, error) = translate_missing(&spec, &missing, factory, cache, &mut |_| {})?;
            if let Some(e) = error {
                report.error = Some(e);
                out.push(report);
                continue;
            }
        }
        let hyps: Vec<&str> = sources
            .iter()
            .map(|(_, k)| cache.get(k).unwrap_or(""))
            .collect();
        let refs: Vec<Vec<&str>> = vec![picked.iter().map(|(_, r)| r.as_str()).collect()];
        // Scoring errors cannot happen on equal-length, non-empty input.
        report.bleu = Metric::Bleu(BleuOptions::default())
            .corpus_score(&hyps, &refs)
            .ok()
            .map(|s| s.value);
        report.chrf = Metric::Chrf(ChrfOptions::default())
            .corpus_score(&hyps, &refs)
            .ok()
            .map(|s| s.value);
        out.push(report);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fill::tests::Factory;
    use crate::row::Cell;
    use std::sync::Arc;

    fn cell(text: &str) -> Cell {
        Cell {
            sentences: if text.is_empty() { 0..0 } else { 3..4 },
            text: text.into(),
            origin: Origin::Human,
        }
    }

    /// A sample of `rows`, counted and picked in two passes as a run does.
    fn sampled(rows: &[Row], n: usize) -> Sample {
        let mut sample = Sample::new(n);
        rows.iter().for_each(|r| sample.count(r));
        rows.iter().for_each(|r| sample.pick(r));
        sample
    }

    #[test]
    fn picks_are_evenly_spread_over_the_candidates() {
        let rows: Vec<Row> = (0..10)
            .map(|i| Row {
                doc_id: Arc::from("d"),
                cells: [cell(&format!("к{i}")), cell(&format!("р{i}")), cell("")],
                links: vec![],
            })
            .collect();
        let sample = sampled(&rows, 4);
        let picked: Vec<&str> = sample.picked[0].iter().map(|(k, _)| k.as_str()).collect();
        // Candidates 0, 10/4, 20/4, 30/4: as `candidates[k * C / take]`.
        assert_eq!(picked, ["к0", "к2", "к5", "к7"]);
        assert!(sample.picked[1].is_empty(), "no English candidates");
        assert_eq!(sampled(&rows, 50).picked[0].len(), 10);
    }

    #[test]
    fn scores_the_sample_against_the_human_translations() {
        // The fake model uppercases; references are the uppercased Kazakh,
        // so a correct pairing scores 100 and any misalignment less.
        let rows: Vec<Row> = (0..30)
            .map(|i| {
                let kk = format!("сөйлем нөмірі {i} мұнда тұр");
                let en = if i % 3 == 0 {
                    String::new()
                } else {
                    kk.to_uppercase()
                };
                Row {
                    doc_id: Arc::from("d"),
                    cells: [cell(&kk), cell(&kk.to_uppercase()), cell(&en)],
                    links: vec![],
                }
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let mut cache = TranslationCache::open(dir.path()).unwrap();
        let factory = Factory::new(false);
        let sample = sampled(&rows, 12);
        let reports = evaluate(&sample, &FillConfig::default(), &factory, &mut cache).unwrap();
        assert_eq!(reports.len(), 2);
        for r in &reports {
            assert_eq!(r.segments, 12);
            assert!((r.bleu.unwrap() - 100.0).abs() < 1e-9, "{r:?}");
            assert!((r.chrf.unwrap() - 100.0).abs() < 1e-9, "{r:?}");
        }
        let failing = Factory::new(true);
        let dir = tempfile::tempdir().unwrap();
        let mut cache = TranslationCache::open(dir.path()).unwrap();
        let reports = evaluate(
            &sampled(&rows, 5),
            &FillConfig::default(),
            &failing,
            &mut cache,
        )
        .unwrap();
        assert!(reports
            .iter()
            .all(|r| r.bleu.is_none() && r.error.is_some()));
    }
}
