//! Stage 4b: filling the gaps with machine translation.
//!
//! Every empty cell of a row is translated from the row's best human cell:
//! Kazakh when present, else Russian, else English. Gaps are gathered over
//! the whole run and grouped by direction, so batches are full and each
//! direction's model is loaded only if that direction has gaps, and only
//! for sources the cache does not already hold. Translations are made
//! durable in the cache after every batch; the rows are filled from the
//! cache, so a resumed run writes exactly what an uninterrupted one does.

pub mod cache;
pub mod config;
pub mod engine;
pub mod eval;

use std::collections::HashMap;
use std::time::Instant;

use serde::Serialize;
use shanyraq_models::Translator;

use crate::error::Result;
use crate::lang::CORPUS_LANGS;
use crate::row::{Cell, Origin, Row};
use cache::{CacheScope, TranslationCache};
use config::{FillConfig, ModelSpec};

/// Loads the translator of a direction.
pub trait TranslatorFactory {
    /// Loads the model `spec` describes.
    fn load(
        &self,
        spec: &ModelSpec,
    ) -> std::result::Result<Box<dyn Translator>, shanyraq_models::Error>;

    /// The id recorded with the model's translations and in their cache
    /// keys, known before loading: by default the configured one.
    fn model_id(&self, spec: &ModelSpec) -> String {
        spec.id()
    }
}

/// Sources translated per call, so progress and the cache advance steadily
/// and a kill loses at most one chunk of work.
const CHUNK: usize = 64;

/// What happened in one direction.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DirectionReport {
    /// Source language.
    pub src: String,
    /// Target language.
    pub tgt: String,
    /// The model id, as recorded in the output.
    pub model: String,
    /// Decoding settings, as recorded in the output.
    pub settings: String,
    /// Gaps in this direction.
    pub gaps: usize,
    /// Distinct source texts among them.
    pub sources: usize,
    /// Sources found in the cache.
    pub cached: usize,
    /// Sources translated in this run.
    pub translated: usize,
    /// Gaps filled.
    pub filled: usize,
    /// Gaps whose source the model translated as empty text: they stay
    /// gaps (a weak or misconfigured model, or a source it cannot read).
    pub empty: usize,
    /// Why gaps stayed empty, if any did.
    pub error: Option<String>,
    /// Seconds spent, loading included.
    pub seconds: f64,
}

impl DirectionReport {
    /// Gaps left empty because the model failed (not loaded, or stopped
    /// before their sources): neither filled nor translated as empty text.
    pub fn failed_gaps(&self) -> usize {
        self.gaps - self.filled - self.empty
    }
}

/// Gaps filled per direction.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FillReport {
    /// One entry per direction that had gaps.
    pub directions: Vec<DirectionReport>,
}

impl FillReport {
    /// Whether some gaps stayed empty because a model failed.
    pub fn failed(&self) -> bool {
        self.directions.iter().any(|d| d.error.is_some())
    }
}

/// Translates the sources the cache lacks with `spec`'s model, storing
/// each chunk durably. Returns how many were translated and, if the model
/// failed, why; `progress` gets the running count.
pub(crate) fn translate_missing(
    spec: &ModelSpec,
    missing: &[&(&str, String)],
    factory: &dyn TranslatorFactory,
    cache: &mut TranslationCache,
    progress: &mut dyn FnMut(usize),
) -> Result<(usize, Option<String>)> {
    let mut translator = match factory.load(spec) {
        Ok(t) => t,
        Err(e) => return Ok((0, Some(e.to_string()))),
    };
    let mut translated = 0;
    for chunk in missing.chunks(CHUNK) {
        let texts: Vec<&str> = chunk.iter().map(|(t, _)| *t).collect();
        match translator.translate(&texts) {
            Ok(hyps) if hyps.len() == texts.len() => {
                let items = chunk
                    .iter()
                    .zip(hyps)
                    .map(|((_, k), h)| (k.clone(), h.text))
                    .collect();
                cache.insert_all(items)?;
                translated += texts.len();
            }
            Ok(hyps) => {
                let why = format!(
                    "model returned {} translations for {} sources",
                    hyps.len(),
                    texts.len()
                );
                return Ok((translated, Some(why)));
            }
            Err(e) => return Ok((translated, Some(e.to_string()))),
        }
        progress(translated);
    }
    Ok((translated, None))
}

/// A gap: row, target column, and the column it is translated from.
struct Gap {
    row: usize,
    tgt: usize,
    src: usize,
}

/// Fills the gaps of `rows` in place. Model failures are reported in the
/// result, not raised: the aligned corpus is still worth writing. Only
/// cache I/O errors abort.
pub fn fill(
    rows: &mut [Row],
    config: &FillConfig,
    factory: &dyn TranslatorFactory,
    cache: &mut TranslationCache,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<FillReport> {
    let mut by_direction: HashMap<(usize, usize), Vec<Gap>> = HashMap::new();
    for (r, row) in rows.iter().enumerate() {
        let Some(src) = row
            .cells
            .iter()
            .position(|c| !c.is_gap() && c.origin == Origin::Human)
        else {
            continue;
        };
        for (tgt, cell) in row.cells.iter().enumerate() {
            if cell.is_gap() {
                by_direction
                    .entry((src, tgt))
                    .or_default()
                    .push(Gap { row: r, tgt, src });
            }
        }
    }
    let total: usize = by_direction.values().map(Vec::len).sum();
    let mut done = 0;
    let mut report = FillReport::default();
    // kk→ru, kk→en, ru→kk, ... in a fixed order, so logs and reports are stable.
    for (src, tgt) in FillConfig::directions() {
        let key = (src.column().expect("corpus"), tgt.column().expect("corpus"));
        let Some(gaps) = by_direction.remove(&key) else {
            continue;
        };
        let started = Instant::now();
        let mut d = DirectionReport {
            src: src.code().into(),
            tgt: tgt.code().into(),
            gaps: gaps.len(),
            ..DirectionReport::default()
        };
        let Some(spec) = config.spec(src, tgt) else {
            d.error = Some(format!("no model configured for {src}→{tgt}"));
            done += gaps.len();
            progress(done, total);
            report.directions.push(d);
            continue;
        };
        d.model = factory.model_id(&spec);
        d.settings = spec.settings();
        let scope = CacheScope {
            model: d.model.clone(),
            src: src.code().into(),
            tgt: tgt.code().into(),
            settings: d.settings.clone(),
        };
        // Distinct sources in order of first appearance.
        let mut seen = HashMap::new();
        let mut sources: Vec<(&str, String)> = Vec::new();
        for g in &gaps {
            let text = rows[g.row].cells[g.src].text.as_str();
            seen.entry(text).or_insert_with(|| {
                sources.push((text, scope.key(text)));
            });
        }
        d.sources = sources.len();
        let missing: Vec<&(&str, String)> = sources
            .iter()
            .filter(|(_, k)| cache.get(k).is_none())
            .collect();
        d.cached = d.sources - missing.len();
        if !missing.is_empty() {
            let base = done;
            let (translated, error) =
                translate_missing(&spec, &missing, factory, cache, &mut |n| {
                    progress(base + n.min(gaps.len()), total)
                })?;
            d.translated = translated;
            d.error = error;
        }
        for g in &gaps {
            let key = scope.key(&rows[g.row].cells[g.src].text);
            if let Some(text) = cache.get(&key) {
                if text.trim().is_empty() {
                    d.empty += 1;
                    continue;
                }
                rows[g.row].cells[g.tgt] = Cell {
                    sentences: 0..0,
                    text: text.to_string(),
                    origin: Origin::Machine {
                        model: d.model.clone(),
                        settings: d.settings.clone(),
                    },
                };
                d.filled += 1;
            }
        }
        if d.empty > 0 {
            tracing::warn!(
                "{}→{}: the model translated {} of {} gaps as empty text; they stay empty",
                CORPUS_LANGS[key.0],
                CORPUS_LANGS[key.1],
                d.empty,
                d.gaps
            );
        }
        if let Some(e) = &d.error {
            tracing::warn!(
                "{}→{}: {} of {} gaps stay empty: {e}",
                CORPUS_LANGS[key.0],
                CORPUS_LANGS[key.1],
                d.failed_gaps(),
                d.gaps
            );
        }
        done += gaps.len();
        progress(done, total);
        d.seconds = started.elapsed().as_secs_f64();
        report.directions.push(d);
    }
    Ok(report)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::cell::Cell as Counter;
    use std::path::Path;
    use std::sync::Arc;

    use shanyraq_models::{Error as ModelError, Hypothesis};

    /// Uppercases its input: enough to see which text went where.
    pub(crate) struct Upper;

    impl Translator for Upper {
        fn model_id(&self) -> &str {
            "upper"
        }
        fn translate(&mut self, s: &[&str]) -> std::result::Result<Vec<Hypothesis>, ModelError> {
            Ok(s.iter()
                .map(|t| Hypothesis {
                    text: t.to_uppercase(),
                    score: 0.0,
                })
                .collect())
        }
    }

    pub(crate) struct Factory {
        pub(crate) calls: Counter<usize>,
        pub(crate) fail: bool,
    }

    impl Factory {
        /// A factory of [`Upper`] translators, or one whose loads all fail.
        pub(crate) fn new(fail: bool) -> Factory {
            Factory {
                calls: Counter::new(0),
                fail,
            }
        }
    }

    impl TranslatorFactory for Factory {
        fn load(&self, spec: &ModelSpec) -> std::result::Result<Box<dyn Translator>, ModelError> {
            if self.fail {
                return Err(ModelError::Load {
                    model: spec.id(),
                    reason: "broken".into(),
                });
            }
            self.calls.set(self.calls.get() + 1);
            Ok(Box::new(Upper))
        }
    }

    fn cell(text: &str) -> Cell {
        Cell {
            sentences: if text.is_empty() { 0..0 } else { 0..1 },
            text: text.into(),
            origin: Origin::Human,
        }
    }

    fn rows() -> Vec<Row> {
        let row = |kk: &str, ru: &str, en: &str| Row {
            doc_id: Arc::from("d"),
            cells: [cell(kk), cell(ru), cell(en)],
            links: vec![],
        };
        vec![
            row("бір", "один", ""),
            row("екі", "", ""),
            row("", "три", "three"),
            row("бір", "один", "one"),
        ]
    }

    /// [`fill`] with the default settings and a cache in `dir`.
    fn fill_with(rows: &mut [Row], factory: &dyn TranslatorFactory, dir: &Path) -> FillReport {
        let mut cache = TranslationCache::open(dir).unwrap();
        fill(
            rows,
            &FillConfig::default(),
            factory,
            &mut cache,
            &mut |_, _| {},
        )
        .unwrap()
    }

    #[test]
    fn fills_exactly_the_gaps_from_the_best_human_cell() {
        let dir = tempfile::tempdir().unwrap();
        let factory = Factory::new(false);
        let mut r = rows();
        let before = r.clone();
        let report = fill_with(&mut r, &factory, dir.path());
        assert_eq!(r[0].cells[2].text, "БІР");
        assert_eq!(r[1].cells[1].text, "ЕКІ");
        assert_eq!(r[1].cells[2].text, "ЕКІ");
        assert_eq!(
            r[2].cells[0].text, "ТРИ",
            "Russian is the best source without Kazakh"
        );
        assert!(
            matches!(&r[0].cells[2].origin, Origin::Machine { model, .. } if model.starts_with("Helsinki-NLP/"))
        );
        // Human cells are untouched.
        for (a, b) in r.iter().zip(&before) {
            for (x, y) in a.cells.iter().zip(&b.cells) {
                if !y.is_gap() {
                    assert_eq!(x, y);
                }
            }
        }
        // Only directions with gaps loaded a model; "бір" was translated once.
        assert_eq!(factory.calls.get(), 3, "{report:?}");
        let kk_en = report
            .directions
            .iter()
            .find(|d| d.src == "kk" && d.tgt == "en")
            .unwrap();
        assert_eq!(
            (kk_en.gaps, kk_en.sources, kk_en.translated, kk_en.filled),
            (2, 2, 2, 2)
        );
    }

    #[test]
    fn a_rerun_hits_the_cache_for_every_gap() {
        let dir = tempfile::tempdir().unwrap();
        let factory = Factory::new(false);
        let mut first = rows();
        fill_with(&mut first, &factory, dir.path());
        let failing = Factory::new(true);
        let mut second = rows();
        let report = fill_with(&mut second, &failing, dir.path());
        assert_eq!(first, second);
        assert!(!report.failed(), "no model needed: {report:?}");
        assert!(report
            .directions
            .iter()
            .all(|d| d.translated == 0 && d.cached == d.sources));
    }

    #[test]
    fn a_broken_model_leaves_gaps_and_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let factory = Factory::new(true);
        let mut r = rows();
        let report = fill_with(&mut r, &factory, dir.path());
        assert!(report.failed());
        assert_eq!(r, rows());
        assert!(report.directions[0]
            .error
            .as_deref()
            .unwrap()
            .contains("broken"));
    }

    /// Translates `екі` as nothing, everything else as [`Upper`] does.
    struct Mute;

    impl Translator for Mute {
        fn model_id(&self) -> &str {
            "mute"
        }
        fn translate(&mut self, s: &[&str]) -> std::result::Result<Vec<Hypothesis>, ModelError> {
            let mut out = Upper.translate(s)?;
            for (h, t) in out.iter_mut().zip(s) {
                if *t == "екі" {
                    h.text.clear();
                }
            }
            Ok(out)
        }
    }

    struct MuteFactory;

    impl TranslatorFactory for MuteFactory {
        fn load(&self, _: &ModelSpec) -> std::result::Result<Box<dyn Translator>, ModelError> {
            Ok(Box::new(Mute))
        }
    }

    #[test]
    fn an_empty_translation_leaves_its_gap_and_is_counted() {
        let dir = tempfile::tempdir().unwrap();
        let mut r = rows();
        let report = fill_with(&mut r, &MuteFactory, dir.path());
        // `екі` (row 1) has gaps in ru and en: both stay gaps, counted as
        // empty, not as filled; `бір` (row 0, en) is filled.
        assert!(r[1].cells[1].is_gap() && r[1].cells[2].is_gap());
        assert_eq!(r[0].cells[2].text, "БІР");
        let kk: Vec<_> = report.directions.iter().filter(|d| d.src == "kk").collect();
        assert_eq!(kk.iter().map(|d| d.empty).sum::<usize>(), 2);
        for d in &kk {
            assert_eq!(d.filled + d.empty, d.gaps, "{d:?}");
        }
        assert!(!report.failed());
    }
}
