//! Moses-style plain text: one line-parallel file per language.
//!
//! `PREFIX.kk`, `PREFIX.ru` and `PREFIX.en` hold one row per line (empty for
//! a gap); `PREFIX.meta` holds, on the same line, the document id, the
//! origin of each cell (`human`, `mt`, or empty) and the row's beads with
//! their scores (as in TSV: `kk-ru:1-1:0.9866 kk-en:1-1:0.9504`),
//! tab-separated, so that training data can be filtered by origin and score
//! without another format.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::atomic::{commit_all, AtomicFile};
use super::{beads_label, one_line, origin_label, ExportSummary, RowSink};
use crate::error::{Error, Result};
use crate::lang::CORPUS_LANGS;
use crate::row::Row;

/// Moses output under a path prefix.
pub struct MosesSink {
    files: Vec<AtomicFile>,
    rows: usize,
}

impl MosesSink {
    /// Creates `PREFIX.{kk,ru,en,meta}` under temporary names.
    pub fn create(prefix: &Path) -> Result<MosesSink> {
        let mut files = Vec::new();
        for ext in CORPUS_LANGS.iter().map(|l| l.code()).chain(["meta"]) {
            files.push(AtomicFile::create(&with_suffix(prefix, ext))?);
        }
        Ok(MosesSink { files, rows: 0 })
    }
}

/// `PREFIX.ext`, keeping any dots already in the prefix.
pub fn with_suffix(prefix: &Path, ext: &str) -> PathBuf {
    let mut s = prefix.as_os_str().to_owned();
    s.push(".");
    s.push(ext);
    PathBuf::from(s)
}

impl RowSink for MosesSink {
    fn push(&mut self, row: &Row) -> Result<()> {
        if row.cells.iter().all(|c| c.is_gap()) {
            return Ok(());
        }
        let mut meta = one_line(&row.doc_id).into_owned();
        for (file, cell) in self.files.iter_mut().zip(&row.cells) {
            writeln!(file, "{}", one_line(&cell.text)).map_err(|e| Error::io(file.path(), e))?;
            meta.push('\t');
            meta.push_str(origin_label(&cell.text, &cell.origin));
        }
        meta.push('\t');
        meta.push_str(&beads_label(row));
        let file = &mut self.files[3];
        writeln!(file, "{meta}").map_err(|e| Error::io(file.path(), e))?;
        self.rows += 1;
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<ExportSummary> {
        Ok(ExportSummary {
            files: commit_all(self.files)?,
            rows: self.rows,
            dropped_chars: 0,
        })
    }
}
