//! JSON Lines: one object per row,
//! `{"doc":..,"kk":{"text":..,"origin":"human","sentences":[3,5]}|null,
//! "ru":..,"en":..,"beads":[{"pair":"kk-ru","shape":"1-2","score":0.87}]}`.
//! `sentences` is the half-open range of sentence indices; machine cells
//! carry `"model"` instead.

use std::io::Write;
use std::path::Path;

use serde_json::{json, Map, Value};

use super::atomic::AtomicFile;
use super::{link_labels, origin_label, ExportSummary, RowSink};
use crate::error::{Error, Result};
use crate::lang::CORPUS_LANGS;
use crate::row::{Origin, Row};

/// A JSONL file written atomically.
pub struct JsonlSink {
    file: AtomicFile,
    rows: usize,
}

impl JsonlSink {
    /// Starts `path`.
    pub fn create(path: &Path) -> Result<JsonlSink> {
        Ok(JsonlSink {
            file: AtomicFile::create(path)?,
            rows: 0,
        })
    }
}

/// The JSON object for a row.
pub fn row_json(row: &Row) -> Value {
    let mut obj = Map::new();
    obj.insert("doc".into(), json!(&*row.doc_id));
    for (lang, cell) in CORPUS_LANGS.iter().zip(&row.cells) {
        let value = if cell.is_gap() {
            Value::Null
        } else {
            let mut c = json!({
                "text": cell.text,
                "origin": origin_label(&cell.text, &cell.origin),
            });
            match &cell.origin {
                Origin::Human => {
                    c["sentences"] = json!([cell.sentences.start, cell.sentences.end]);
                }
                Origin::Machine { model, settings } => {
                    c["model"] = json!(model);
                    c["settings"] = json!(settings);
                }
            }
            c
        };
        obj.insert(lang.code().into(), value);
    }
    let beads: Vec<Value> = row
        .links
        .iter()
        .map(|l| {
            let (pair, shape) = link_labels(l);
            json!({"pair": pair, "shape": shape, "score": l.score})
        })
        .collect();
    obj.insert("beads".into(), Value::Array(beads));
    Value::Object(obj)
}

impl RowSink for JsonlSink {
    fn push(&mut self, row: &Row) -> Result<()> {
        if row.cells.iter().all(|c| c.is_gap()) {
            return Ok(());
        }
        writeln!(self.file, "{}", row_json(row)).map_err(|e| Error::io(self.file.path(), e))?;
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
