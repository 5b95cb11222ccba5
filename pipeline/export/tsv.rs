//! Tab-separated values, one row per line after a header:
//! `doc_id`, the kk/ru/en texts, their origins, and the beads as
//! `pair:shape:score` items separated by spaces (`kk-ru:1-2:0.8731`).

use std::io::Write;
use std::path::Path;

use super::atomic::AtomicFile;
use super::{beads_label, one_line, origin_label, ExportSummary, RowSink};
use crate::error::{Error, Result};
use crate::row::Row;

/// The header line.
pub const HEADER: &str = "doc_id\tkk\tru\ten\tkk_origin\tru_origin\ten_origin\tbeads";

/// A TSV file written atomically.
pub struct TsvSink {
    file: AtomicFile,
    rows: usize,
}

impl TsvSink {
    /// Starts `path` with the header line.
    pub fn create(path: &Path) -> Result<TsvSink> {
        let mut file = AtomicFile::create(path)?;
        writeln!(file, "{HEADER}").map_err(|e| Error::io(path, e))?;
        Ok(TsvSink { file, rows: 0 })
    }
}

impl RowSink for TsvSink {
    fn push(&mut self, row: &Row) -> Result<()> {
        if row.cells.iter().all(|c| c.is_gap()) {
            return Ok(());
        }
        let mut line = one_line(&row.doc_id).into_owned();
        for cell in &row.cells {
            line.push('\t');
            line.push_str(&one_line(&cell.text));
        }
        for cell in &row.cells {
            line.push('\t');
            line.push_str(origin_label(&cell.text, &cell.origin));
        }
        line.push('\t');
        line.push_str(&beads_label(row));
        writeln!(self.file, "{line}").map_err(|e| Error::io(self.file.path(), e))?;
        self.rows += 1;
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<ExportSummary> {
        Ok(ExportSummary {
            files: vec![self.file.commit()?],
            rows: self.rows,
            dropped_chars: 0,
        })
    }
}
