//! The batch job: stages 1–5 over a whole corpus.
//!
//! Documents are read, segmented and aligned in parallel chunks; the rows
//! of the whole run are then gap-filled together (so translation batches
//! span documents) and pushed to the sink in document order. A bad
//! document does not stop the run early: every document is checked so the
//! user sees all problems at once, and unless asked to skip them the run
//! fails before its output is committed.

use std::path::PathBuf;
use std::time::Instant;

use rayon::prelude::*;

use crate::align::pairing::Pairing;
use crate::document::SegmentedDocument;
use crate::error::{Error, Result};
use crate::export::{ExportSummary, RowSink};
use crate::fill::cache::TranslationCache;
use crate::fill::config::FillConfig;
use crate::fill::eval::{self, Sample};
use crate::fill::{FillReport, Plan, TranslatorFactory};
use crate::ingest::{self, DocumentFiles};
use crate::lang::{Lang, CORPUS_LANGS};
use crate::row::{DocumentSet, Row};

/// Documents processed together; large enough to keep both cores busy,
/// small enough to bound memory.
const CHUNK: usize = 64;

/// Options of a corpus run.
pub struct JobOptions<'a> {
    /// The corpus directory.
    pub corpus: PathBuf,
    /// Leave out unreadable document versions (reported as warnings)
    /// instead of failing the run.
    pub skip_invalid: bool,
    /// Decode text files that are not UTF-8 with this encoding (each is
    /// named in a warning) instead of failing on them.
    pub legacy_encoding: Option<ingest::Legacy>,
    /// Machine translation of the gaps; `None` leaves them empty.
    pub fill: Option<FillSetup<'a>>,
    /// Dictionaries and encoder for the aligner.
    pub resources: crate::row::AlignResources,
}

/// How to fill gaps.
pub struct FillSetup<'a> {
    /// Models and decoding settings per direction.
    pub config: FillConfig,
    /// Loads models.
    pub factory: &'a dyn TranslatorFactory,
    /// The translation cache directory.
    pub cache_dir: PathBuf,
    /// Kazakh sentences with human translations to translate and score
    /// per direction (0: no evaluation).
    pub eval_sample: usize,
    /// Rows held in memory while the gaps are translated (about 1.5 KB
    /// each); a corpus with more is aligned a second time instead.
    pub hold_rows: usize,
}

/// The default [`FillSetup::hold_rows`]: about 75 MB of rows.
pub const HOLD_ROWS: usize = 50_000;

/// The stages progress is reported for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading, segmenting and aligning documents.
    Align,
    /// Translating gaps.
    Fill,
    /// Writing the output.
    Write,
}

impl Stage {
    /// A label for logs and progress bars.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Align => "align",
            Stage::Fill => "fill",
            Stage::Write => "write",
        }
    }
}

/// Counts reported at the end of a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobSummary {
    /// Documents (distinct ids).
    pub documents: usize,
    /// Document versions per language (kk, ru, en).
    pub versions: [usize; 3],
    /// Sentences per language.
    pub sentences: [usize; 3],
    /// Rows written.
    pub rows: usize,
    /// Rows with no text in each language, before filling.
    pub gaps: [usize; 3],
    /// Rows still without text in each language after filling.
    pub unfilled: [usize; 3],
    /// What filling did, when it ran.
    pub fill: Option<FillReport>,
    /// MT quality measured on this corpus (`--eval-sample`).
    pub eval: Vec<crate::fill::eval::EvalReport>,
    /// Seconds per stage (align, fill, write).
    pub seconds: [f64; 3],
    /// Alignment scores per language pair (`kk-ru`, ...) in ten bins of
    /// width 0.1, from the rows' links.
    pub score_histogram: std::collections::BTreeMap<String, [usize; 10]>,
    /// Warnings given along the way.
    pub warnings: Vec<String>,
    /// What the sink wrote.
    pub export: ExportSummary,
}

/// Runs the job, pushing rows into `sink`. `progress` is called with the
/// stage and (items done, items in all).
pub fn run(
    opts: &JobOptions<'_>,
    mut sink: Box<dyn RowSink>,
    progress: &mut dyn FnMut(Stage, usize, usize),
) -> Result<JobSummary> {
    let discovery = ingest::discover(&opts.corpus)?;
    let mut summary = JobSummary {
        documents: discovery.documents.len(),
        ..JobSummary::default()
    };
    for why in discovery.ignored {
        warn(&mut summary, format!("ignored {why}"));
    }
    let started = Instant::now();
    let Some(setup) = &opts.fill else {
        // Without filling, each document's rows go to the sink as soon as
        // they are aligned: memory holds one chunk of documents, not the
        // corpus. (The sink's file stays temporary until `finish`, so a
        // bad document still leaves no output.)
        let mut write = |rows: Vec<Row>, summary: &mut JobSummary| -> Result<()> {
            tally(&rows, summary);
            rows.iter().try_for_each(|row| sink.push(row))
        };
        align_all(
            opts,
            &discovery.documents,
            &mut summary,
            progress,
            &mut write,
        )?;
        summary.seconds[0] = started.elapsed().as_secs_f64();
        summary.unfilled = summary.gaps;
        return finish(sink, summary, Instant::now());
    };
    // Filling, the gaps of the whole run are gathered before any is
    // translated (full batches, one model load per direction). The rows of
    // a corpus up to `setup.hold_rows` are held meanwhile; a larger corpus
    // is aligned a second time instead, which costs alignment time (small
    // beside translation) but keeps memory flat: the first pass gathers the
    // gaps' sources, the models translate them into the cache, and the
    // second pass (the same rows: alignment is deterministic) fills each
    // row from the cache and writes it.
    let mut plan = Plan::default();
    let mut sample = Sample::new(setup.eval_sample);
    let mut rows = 0usize;
    let mut first = Fingerprint::default();
    let mut held = Some(Vec::new());
    let mut gather = |more: Vec<Row>, summary: &mut JobSummary| -> Result<()> {
        tally(&more, summary);
        for row in &more {
            plan.add(row);
            sample.count(row);
            first.add(row);
        }
        rows += more.len();
        held = held
            .take()
            .filter(|held| held.len() + more.len() <= setup.hold_rows)
            .map(|mut held| {
                held.extend(more);
                held
            });
        Ok(())
    };
    align_all(
        opts,
        &discovery.documents,
        &mut summary,
        progress,
        &mut gather,
    )?;
    summary.seconds[0] = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let mut cache = TranslationCache::open(&setup.cache_dir)?;
    let mut filler = plan.translate(&setup.config, setup.factory, &mut cache, &mut |d, t| {
        progress(Stage::Fill, d, t)
    })?;
    summary.seconds[1] = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let mut written = 0usize;
    let mut unfilled = [0usize; 3];
    let mut second = Fingerprint::default();
    let mut write = |mut more: Vec<Row>, _: &mut JobSummary| -> Result<()> {
        for row in &mut more {
            second.add(row);
            sample.pick(row);
            filler.apply(row, &cache);
            sink.push(row)?;
            written += 1;
            if written.is_multiple_of(1024) || written == rows {
                progress(Stage::Write, written, rows);
            }
        }
        count(&more, &mut unfilled);
        Ok(())
    };
    match held {
        Some(held) => write(held, &mut summary)?,
        None => {
            // Its warnings were given in the first pass.
            let mut again = JobSummary::default();
            align_all(
                opts,
                &discovery.documents,
                &mut again,
                &mut |_, _, _| {},
                &mut write,
            )?;
        }
    }
    if written != rows || first != second {
        return Err(Error::CorpusChanged {
            path: opts.corpus.clone(),
        });
    }
    summary.fill = Some(filler.finish());
    summary.unfilled = unfilled;
    if setup.eval_sample > 0 {
        let started = Instant::now();
        summary.eval = eval::evaluate(&sample, &setup.config, setup.factory, &mut cache)?;
        summary.seconds[1] += started.elapsed().as_secs_f64();
    }
    finish(sink, summary, started)
}

/// What the rows of a pass were, to tell that a second pass over the
/// corpus gave the same ones.
#[derive(Default, PartialEq)]
struct Fingerprint(u64);

impl Fingerprint {
    fn add(&mut self, row: &Row) {
        use std::hash::{DefaultHasher, Hash, Hasher};
        let mut h = DefaultHasher::new();
        self.0.hash(&mut h);
        row.doc_id.hash(&mut h);
        for cell in &row.cells {
            cell.text.hash(&mut h);
        }
        self.0 = h.finish();
    }
}

/// Counts the gaps and alignment scores of aligned rows.
fn tally(rows: &[Row], summary: &mut JobSummary) {
    count(rows, &mut summary.gaps);
    for row in rows {
        for link in &row.links {
            let (pair, _) = crate::export::link_labels(link);
            let bin = ((link.score * 10.0) as usize).min(9);
            summary.score_histogram.entry(pair).or_default()[bin] += 1;
        }
    }
}

/// Closes the sink (its files appear) and completes the summary.
fn finish(sink: Box<dyn RowSink>, mut summary: JobSummary, started: Instant) -> Result<JobSummary> {
    summary.export = sink.finish()?;
    summary.rows = summary.export.rows;
    summary.seconds[2] = started.elapsed().as_secs_f64();
    if summary.export.dropped_chars > 0 {
        let n = summary.export.dropped_chars;
        warn(
            &mut summary,
            format!("{n} characters that XML 1.0 forbids were dropped from the TMX"),
        );
    }
    Ok(summary)
}

fn count(rows: &[Row], gaps: &mut [usize; 3]) {
    for row in rows {
        for (c, cell) in row.cells.iter().enumerate() {
            gaps[c] += usize::from(cell.is_gap());
        }
    }
}

/// Stages 1–4: every document's rows, in document order, handed to
/// `rows` (until a document turns out invalid: then the error, naming
/// every invalid document, once all are read).
fn align_all(
    opts: &JobOptions<'_>,
    documents: &[DocumentFiles],
    summary: &mut JobSummary,
    progress: &mut dyn FnMut(Stage, usize, usize),
    rows: &mut dyn FnMut(Vec<Row>, &mut JobSummary) -> Result<()>,
) -> Result<()> {
    let total = documents.len();
    let mut errors = Vec::new();
    let mut done = 0;
    let resources = &opts.resources;
    for chunk in documents.chunks(CHUNK) {
        let legacy = opts.legacy_encoding;
        let loaded: Vec<Loaded> = chunk.par_iter().map(|f| load(f, legacy)).collect();
        let mut sets = Vec::with_capacity(loaded.len());
        let mut errs = Vec::with_capacity(loaded.len());
        for (set, e, legacy_read) in loaded {
            // Files are read as legacy only when an encoding was given.
            if let Some(legacy) = legacy {
                for path in &legacy_read {
                    warn(summary, legacy.read_note(path));
                }
            }
            sets.push(set);
            errs.push(e);
        }
        // A chunk's documents are aligned together: the aligner learns its
        // dictionary from all of them.
        let aligned = crate::row::rows_of(&sets, resources);
        for ((set, errs), aligned) in sets.iter().zip(errs).zip(aligned) {
            for e in errs {
                if opts.skip_invalid {
                    warn(summary, format!("skipped: {e}"));
                } else {
                    errors.push(e);
                }
            }
            check_set(set, summary);
            check_pairings(set, &aligned.pairings, summary);
            if errors.is_empty() {
                rows(aligned.rows, summary)?;
            }
            done += 1;
            progress(Stage::Align, done, total);
        }
    }
    if !errors.is_empty() {
        return Err(Error::InvalidDocuments { errors });
    }
    Ok(())
}

/// A document's versions, the errors reading them, and the files that were
/// read in the legacy encoding.
type Loaded = (DocumentSet, Vec<Error>, Vec<PathBuf>);

fn load(files: &DocumentFiles, legacy: Option<ingest::Legacy>) -> Loaded {
    let mut errors = Vec::new();
    let mut legacy_read = Vec::new();
    let versions = std::array::from_fn(|c| {
        let path = files.paths[c].as_ref()?;
        let lang = CORPUS_LANGS[c];
        match ingest::read_document_or(&files.id, lang, path, legacy) {
            Ok((doc, was_legacy)) => {
                if was_legacy {
                    legacy_read.push(path.clone());
                }
                Some(SegmentedDocument::new(doc))
            }
            Err(e) => {
                errors.push(e);
                None
            }
        }
    });
    let set = DocumentSet {
        id: files.id.clone(),
        versions,
    };
    (set, errors, legacy_read)
}

fn check_set(set: &DocumentSet, summary: &mut JobSummary) {
    let present: Vec<&str> = CORPUS_LANGS
        .iter()
        .zip(&set.versions)
        .filter(|(_, v)| v.is_some())
        .map(|(l, _)| l.code())
        .collect();
    for (c, version) in set.versions.iter().enumerate() {
        let Some(doc) = version else { continue };
        summary.versions[c] += 1;
        summary.sentences[c] += doc.sentences.len();
        if doc.sentences.is_empty() {
            let path = doc.doc.path.display();
            warn(
                summary,
                format!(
                    "{path}: empty document; its rows will be gaps in {}",
                    CORPUS_LANGS[c]
                ),
            );
        }
    }
    if present.len() == 1 {
        warn(
            summary,
            format!(
                "document `{}` exists in {} only; the other languages are gaps",
                set.id, present[0]
            ),
        );
    }
}

/// Warns about versions that do not look like translations of the pivot
/// version (a file named after the wrong document, say): their rows are
/// written, but pair sentences that do not translate each other.
fn check_pairings(set: &DocumentSet, pairings: &[(Lang, Lang, Pairing)], summary: &mut JobSummary) {
    let path = |lang: Lang| {
        let c = lang.column().expect("a corpus language");
        set.versions[c]
            .as_ref()
            .map(|d| d.doc.path.display().to_string())
    };
    for &(src, tgt, p) in pairings {
        tracing::debug!(
            "pairing check {} {}-{}: {} of {} sentences in one-to-one beads sharing evidence",
            set.id,
            src.code(),
            tgt.code(),
            p.sharing,
            p.shorter()
        );
        if !p.doubtful() {
            continue;
        }
        let (Some(a), Some(b)) = (path(src), path(tgt)) else {
            continue;
        };
        warn(
            summary,
            format!(
                "{b} does not look like a translation of {a}: {}; check that both files are \
                 versions of document `{}` (its rows were written all the same)",
                p.findings(),
                set.id
            ),
        );
    }
}

fn warn(summary: &mut JobSummary, message: String) {
    tracing::warn!("{message}");
    summary.warnings.push(message);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::Format;
    use crate::fill::config::ModelSpec;
    use crate::fill::tests::Upper;
    use shanyraq_models::Translator;
    use std::fs;
    use std::path::Path;

    /// Loads [`Upper`]; the first load also appends a sentence to
    /// `edit`, as a user editing the corpus during a run would.
    struct Editing<'a> {
        edit: Option<&'a Path>,
    }

    impl TranslatorFactory for Editing<'_> {
        fn load(
            &self,
            _: &ModelSpec,
        ) -> std::result::Result<Box<dyn Translator>, shanyraq_models::Error> {
            if let Some(path) = self.edit {
                let mut text = fs::read_to_string(path).unwrap();
                text.push_str("\n\nЖаңа сөйлем қосылды.\n");
                fs::write(path, text).unwrap();
            }
            Ok(Box::new(Upper))
        }
    }

    fn fill_run(corpus: &Path, out: &Path, edit: Option<&Path>) -> Result<JobSummary> {
        let factory = Editing { edit };
        let opts = JobOptions {
            corpus: corpus.to_path_buf(),
            skip_invalid: false,
            legacy_encoding: None,
            fill: Some(FillSetup {
                config: FillConfig::default(),
                factory: &factory,
                cache_dir: corpus.join("cache"),
                eval_sample: 3,
                hold_rows: 0,
            }),
            resources: Default::default(),
        };
        run(&opts, Format::Jsonl.open(out)?, &mut |_, _, _| {})
    }

    #[test]
    fn filling_a_large_corpus_aligns_it_twice_and_notices_an_edit_between() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("c");
        for (lang, text) in [
            ("kk", "Бірінші сөйлем.\n\nЕкінші сөйлем."),
            ("en", "First sentence.\n\nSecond sentence."),
        ] {
            fs::create_dir_all(corpus.join(lang)).unwrap();
            fs::write(corpus.join(lang).join("a.txt"), text).unwrap();
        }
        let out = dir.path().join("out.jsonl");
        let summary = fill_run(&corpus, &out, None).unwrap();
        let filled: usize = summary
            .fill
            .unwrap()
            .directions
            .iter()
            .map(|d| d.filled)
            .sum();
        assert_eq!((summary.rows, filled), (2, 2), "both Russian gaps");
        assert_eq!(summary.eval.len(), 1, "kk→en evaluated");
        let text = fs::read_to_string(&out).unwrap();
        assert!(text.contains("БІРІНШІ СӨЙЛЕМ."), "{text}");

        // A file edited while its gaps are translated: nothing is written.
        fs::remove_dir_all(corpus.join("cache")).unwrap();
        fs::remove_file(&out).unwrap();
        let edited = corpus.join("kk/a.txt");
        let err = fill_run(&corpus, &out, Some(&edited)).unwrap_err();
        assert!(matches!(err, Error::CorpusChanged { .. }), "{err}");
        assert!(!out.exists());
    }
}
