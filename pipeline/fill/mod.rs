//! Stage 4b: filling the gaps with machine translation.
//!
//! Every empty cell of a row is translated from the row's best human cell:
//! Kazakh when present, else Russian, else English. Gaps are gathered over
//! the whole run ([`Plan`]) and grouped by direction, so batches are full
//! and each direction's model is loaded only if that direction has gaps,
//! and only for sources the cache does not already hold. Translations are
//! made durable in the cache after every batch; the rows are filled from
//! the cache ([`Filler`]), so a resumed run writes exactly what an
//! uninterrupted one does, and a run need not hold its rows while the
//! models work: it plans from the rows as they are aligned and fills them
//! as they are aligned again.

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

/// The column a row's gaps are translated from, and the gaps' columns:
/// the first human cell (Kazakh, else Russian, else English) into every
/// empty one.
fn gaps_of(row: &Row) -> Option<(usize, Vec<usize>)> {
    let src = row
        .cells
        .iter()
        .position(|c| !c.is_gap() && c.origin == Origin::Human)?;
    let gaps: Vec<usize> = (0..row.cells.len())
        .filter(|&c| row.cells[c].is_gap())
        .collect();
    (!gaps.is_empty()).then_some((src, gaps))
}

/// The gaps of a run, gathered row by row: per direction, how many there
/// are and their distinct source texts (in order of first appearance, so
/// batches and the cache are the same from run to run). Rows themselves
/// need not be kept.
#[derive(Debug, Default)]
pub struct Plan {
    directions: HashMap<(usize, usize), Sources>,
}

#[derive(Debug, Default)]
struct Sources {
    gaps: usize,
    /// Source text → order of first appearance.
    texts: HashMap<String, usize>,
}

impl Plan {
    /// Adds the gaps of `row`.
    pub fn add(&mut self, row: &Row) {
        let Some((src, gaps)) = gaps_of(row) else {
            return;
        };
        let text = &row.cells[src].text;
        for tgt in gaps {
            let d = self.directions.entry((src, tgt)).or_default();
            d.gaps += 1;
            if !d.texts.contains_key(text) {
                let n = d.texts.len();
                d.texts.insert(text.clone(), n);
            }
        }
    }

    /// Gaps in all directions.
    pub fn gaps(&self) -> usize {
        self.directions.values().map(|d| d.gaps).sum()
    }

    /// Translates every source the cache lacks, direction by direction, and
    /// returns what fills the rows from the cache. Model failures are
    /// reported, not raised: the aligned corpus is still worth writing.
    /// Only cache I/O errors abort.
    pub fn translate(
        mut self,
        config: &FillConfig,
        factory: &dyn TranslatorFactory,
        cache: &mut TranslationCache,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Filler> {
        let total = self.gaps();
        let mut done = 0;
        let mut filler = Filler::default();
        // kk→ru, kk→en, ru→kk, ... in a fixed order, so logs and reports are stable.
        for (src, tgt) in FillConfig::directions() {
            let key = (src.column().expect("corpus"), tgt.column().expect("corpus"));
            let Some(sources) = self.directions.remove(&key) else {
                continue;
            };
            let started = Instant::now();
            let mut d = DirectionReport {
                src: src.code().into(),
                tgt: tgt.code().into(),
                gaps: sources.gaps,
                sources: sources.texts.len(),
                ..DirectionReport::default()
            };
            let Some(spec) = config.spec(src, tgt) else {
                d.error = Some(format!("no model configured for {src}→{tgt}"));
                done += d.gaps;
                progress(done, total);
                filler.directions.push((key, None, d));
                continue;
            };
            d.model = factory.model_id(&spec);
            d.settings = spec.settings();
            let scope = CacheScope::new(&d.model, src, tgt, &d.settings);
            let mut ordered: Vec<(String, usize)> = sources.texts.into_iter().collect();
            ordered.sort_unstable_by_key(|&(_, n)| n);
            let keyed: Vec<(&str, String)> = ordered
                .iter()
                .map(|(text, _)| (text.as_str(), scope.key(text)))
                .collect();
            let missing = cache.missing(&keyed);
            d.cached = d.sources - missing.len();
            if !missing.is_empty() {
                let (base, gaps) = (done, d.gaps);
                let (translated, error) =
                    translate_missing(&spec, &missing, factory, cache, &mut |n| {
                        progress(base + n.min(gaps), total)
                    })?;
                d.translated = translated;
                d.error = error;
            }
            done += d.gaps;
            progress(done, total);
            d.seconds = started.elapsed().as_secs_f64();
            filler.directions.push((key, Some(scope), d));
        }
        Ok(filler)
    }
}

/// Fills rows' gaps from the cache once their sources are translated, and
/// counts what it filled.
#[derive(Debug, Default)]
pub struct Filler {
    /// Per direction (source and target column): the cache scope of its
    /// model (none if no model is configured) and its report.
    directions: Vec<((usize, usize), Option<CacheScope>, DirectionReport)>,
}

impl Filler {
    /// Fills the gaps of `row` whose translation the cache holds. A source
    /// the model translated as empty text leaves its gap, counted.
    pub fn apply(&mut self, row: &mut Row, cache: &TranslationCache) {
        let Some((src, gaps)) = gaps_of(row) else {
            return;
        };
        for tgt in gaps {
            let Some((_, Some(scope), d)) =
                self.directions.iter_mut().find(|(k, ..)| *k == (src, tgt))
            else {
                continue;
            };
            let Some(text) = cache.get(&scope.key(&row.cells[src].text)) else {
                continue;
            };
            if text.trim().is_empty() {
                d.empty += 1;
                continue;
            }
            row.cells[tgt] = Cell {
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

    /// The report, once every row has been through [`Filler::apply`]; gaps
    /// left empty are logged.
    pub fn finish(self) -> FillReport {
        let mut report = FillReport::default();
        for ((src, tgt), _, d) in self.directions {
            let (src, tgt) = (CORPUS_LANGS[src], CORPUS_LANGS[tgt]);
            if d.empty > 0 {
                tracing::warn!(
                    "{src}→{tgt}: the model translated {} of {} gaps as empty text; they stay empty",
                    d.empty,
                    d.gaps
                );
            }
            if let Some(e) = &d.error {
                tracing::warn!(
                    "{src}→{tgt}: {} of {} gaps stay empty: {e}",
                    d.failed_gaps(),
                    d.gaps
                );
            }
            report.directions.push(d);
        }
        report
    }
}

/// Fills the gaps of `rows` in place: [`Plan`], translate, apply.
pub fn fill(
    rows: &mut [Row],
    config: &FillConfig,
    factory: &dyn TranslatorFactory,
    cache: &mut TranslationCache,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<FillReport> {
    let mut plan = Plan::default();
    rows.iter().for_each(|row| plan.add(row));
    let mut filler = plan.translate(config, factory, cache, progress)?;
    for row in rows.iter_mut() {
        filler.apply(row, cache);
    }
    Ok(filler.finish())
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
