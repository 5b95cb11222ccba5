//! The batch job: stages 1–5 over a whole corpus.
//!
//! Documents are processed in chunks: each chunk is read, segmented and
//! aligned in parallel, then its rows are pushed to the sink in document
//! order, so memory holds one chunk, not the corpus. A bad document does not
//! stop the run early: every document is checked so the user sees all
//! problems at once, and unless asked to skip them the run fails before its
//! output is committed.

use std::path::PathBuf;

use rayon::prelude::*;

use crate::document::SegmentedDocument;
use crate::error::{Error, Result};
use crate::export::{ExportSummary, RowSink};
use crate::ingest::{self, DocumentFiles};
use crate::lang::CORPUS_LANGS;
use crate::row::DocumentSet;

/// Documents processed together; large enough to keep both cores busy,
/// small enough to bound memory.
const CHUNK: usize = 64;

/// Options of a corpus run.
#[derive(Debug, Clone)]
pub struct JobOptions {
    /// The corpus directory.
    pub corpus: PathBuf,
    /// Leave out unreadable document versions (reported as warnings)
    /// instead of failing the run.
    pub skip_invalid: bool,
}

/// Counts reported at the end of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobSummary {
    /// Documents (distinct ids).
    pub documents: usize,
    /// Document versions per language (kk, ru, en).
    pub versions: [usize; 3],
    /// Sentences per language.
    pub sentences: [usize; 3],
    /// Rows written.
    pub rows: usize,
    /// Rows with no text in each language.
    pub gaps: [usize; 3],
    /// Warnings given along the way.
    pub warnings: Vec<String>,
    /// What the sink wrote.
    pub export: ExportSummary,
}

/// Runs the job, pushing rows into `sink`. `progress` is called after each
/// document with (documents done, documents in all).
pub fn run(
    opts: &JobOptions,
    mut sink: Box<dyn RowSink>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<JobSummary> {
    let discovery = ingest::discover(&opts.corpus)?;
    let mut summary = JobSummary {
        documents: discovery.documents.len(),
        ..JobSummary::default()
    };
    for why in discovery.ignored {
        warn(&mut summary, format!("ignored {why}"));
    }
    let total = discovery.documents.len();
    let mut errors = Vec::new();
    let mut done = 0;
    for chunk in discovery.documents.chunks(CHUNK) {
        let sets: Vec<(DocumentSet, Vec<Error>)> = chunk.par_iter().map(load).collect();
        for (set, errs) in sets {
            if !errs.is_empty() {
                for e in errs {
                    if opts.skip_invalid {
                        warn(&mut summary, format!("skipped: {e}"));
                    } else {
                        errors.push(e);
                    }
                }
            }
            check_set(&set, &mut summary);
            // Rows are computed even after an error so that every document
            // gets checked; they are only written while the run is clean.
            let rows = set.rows();
            if errors.is_empty() {
                for row in &rows {
                    for (c, cell) in row.cells.iter().enumerate() {
                        summary.gaps[c] += usize::from(cell.is_gap());
                    }
                    sink.push(row)?;
                }
            }
            done += 1;
            progress(done, total);
        }
    }
    if !errors.is_empty() {
        return Err(Error::InvalidDocuments { errors });
    }
    summary.export = sink.finish()?;
    summary.rows = summary.export.rows;
    if summary.export.dropped_chars > 0 {
        let n = summary.export.dropped_chars;
        warn(
            &mut summary,
            format!("{n} characters that XML 1.0 forbids were dropped from the TMX"),
        );
    }
    Ok(summary)
}

fn load(files: &DocumentFiles) -> (DocumentSet, Vec<Error>) {
    let mut errors = Vec::new();
    let versions = std::array::from_fn(|c| {
        let path = files.paths[c].as_ref()?;
        match ingest::read_document(&files.id, CORPUS_LANGS[c], path) {
            Ok(doc) => Some(SegmentedDocument::new(doc)),
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
    (set, errors)
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

fn warn(summary: &mut JobSummary, message: String) {
    tracing::warn!("{message}");
    summary.warnings.push(message);
}
