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

/// Evaluates kk→ru and kk→en on up to `n` evenly spread one-to-one rows.
pub fn evaluate(
    rows: &[Row],
    n: usize,
    config: &FillConfig,
    factory: &dyn TranslatorFactory,
    cache: &mut TranslationCache,
) -> Result<Vec<EvalReport>> {
    let mut out = Vec::new();
    for tgt in [Lang::Ru, Lang::En] {
        let column = tgt.column().expect("corpus language");
        let candidates: Vec<&Row> = rows
            .iter()
            .filter(|r| {
                let human = |c: usize| !r.cells[c].is_gap() && r.cells[c].origin == Origin::Human;
                human(0)
                    && human(column)
                    && r.cells[0].sentences.len() == 1
                    && r.cells[column].sentences.len() == 1
            })
            .collect();
        if candidates.is_empty() || n == 0 {
            continue;
        }
        // Evenly spread, so every document part is represented.
        let take = n.min(candidates.len());
        let sample: Vec<&Row> = (0..take)
            .map(|k| candidates[k * candidates.len() / take])
            .collect();
        let mut report = EvalReport {
            src: "kk".into(),
            tgt: tgt.code().into(),
            segments: sample.len(),
            ..EvalReport::default()
        };
        let Some(spec) = config.spec(Lang::Kk, tgt) else {
            report.error = Some(format!("no model configured for kk→{tgt}"));
            out.push(report);
            continue;
        };
        report.model = factory.model_id(&spec);
        let scope = CacheScope {
            model: report.model.clone(),
            src: "kk".into(),
            tgt: tgt.code().into(),
            settings: spec.settings(),
        };
        let sources: Vec<(&str, String)> = sample
            .iter()
            .map(|r| (r.cells[0].text.as_str(), scope.key(&r.cells[0].text)))
            .collect();
        let missing: Vec<&(&str, String)> = sources
            .iter()
            .filter(|(_, k)| cache.get(k).is_none())
            .collect();
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
        let refs: Vec<Vec<&str>> = vec![sample
            .iter()
            .map(|r| r.cells[column].text.as_str())
            .collect()];
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
        let reports = evaluate(&rows, 12, &FillConfig::default(), &factory, &mut cache).unwrap();
        assert_eq!(reports.len(), 2);
        for r in &reports {
            assert_eq!(r.segments, 12);
            assert!((r.bleu.unwrap() - 100.0).abs() < 1e-9, "{r:?}");
            assert!((r.chrf.unwrap() - 100.0).abs() < 1e-9, "{r:?}");
        }
        let failing = Factory::new(true);
        let dir = tempfile::tempdir().unwrap();
        let mut cache = TranslationCache::open(dir.path()).unwrap();
        let reports = evaluate(&rows, 5, &FillConfig::default(), &failing, &mut cache).unwrap();
        assert!(reports
            .iter()
            .all(|r| r.bleu.is_none() && r.error.is_some()));
    }
}
