//! Stage 5: writing rows out.
//!
//! Every format is a [`RowSink`]: the job pushes rows in document order and
//! calls [`RowSink::finish`], which renames the finished files into place.
//! A sink dropped without `finish` leaves nothing behind.

pub mod atomic;
pub mod jsonl;
pub mod moses;
pub mod tmx;
pub mod tmx_read;
pub mod tsv;

use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::error::Result;
use crate::row::{Origin, Row};

/// Receives the rows of a run, in order.
pub trait RowSink {
    /// Writes one row.
    fn push(&mut self, row: &Row) -> Result<()>;

    /// Completes the output and moves it into place.
    fn finish(self: Box<Self>) -> Result<ExportSummary>;
}

/// What a sink wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportSummary {
    /// The files written.
    pub files: Vec<PathBuf>,
    /// Rows written.
    pub rows: usize,
    /// Characters dropped because the format cannot hold them (XML 1.0
    /// forbids most control characters).
    pub dropped_chars: usize,
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TMX 1.4b, one `<tu>` per row.
    Tmx,
    /// Moses: one line-parallel text file per language.
    Moses,
    /// Tab-separated values with a header line.
    Tsv,
    /// One JSON object per row.
    Jsonl,
}

impl Format {
    /// Every format's name, for help and errors.
    pub const NAMES: &'static str = "tmx, moses, tsv, jsonl";

    /// Guesses the format from an output file name.
    pub fn from_path(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()? {
            "tmx" => Some(Format::Tmx),
            "tsv" => Some(Format::Tsv),
            "jsonl" => Some(Format::Jsonl),
            _ => None,
        }
    }

    /// Opens a sink writing this format to `path` (for Moses, a prefix:
    /// `PATH.kk`, `PATH.ru`, `PATH.en`, `PATH.origin`).
    pub fn open(self, path: &Path) -> Result<Box<dyn RowSink>> {
        Ok(match self {
            Format::Tmx => Box::new(tmx::TmxSink::create(path)?),
            Format::Moses => Box::new(moses::MosesSink::create(path)?),
            Format::Tsv => Box::new(tsv::TsvSink::create(path)?),
            Format::Jsonl => Box::new(jsonl::JsonlSink::create(path)?),
        })
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Format, String> {
        match s.to_ascii_lowercase().as_str() {
            "tmx" => Ok(Format::Tmx),
            "moses" => Ok(Format::Moses),
            "tsv" => Ok(Format::Tsv),
            "jsonl" => Ok(Format::Jsonl),
            _ => Err(format!(
                "unknown format `{s}`; choose one of {}",
                Format::NAMES
            )),
        }
    }
}

/// The origin label used in every format: `human`, `mt`, or empty for a gap.
pub fn origin_label(text: &str, origin: &Origin) -> &'static str {
    match origin {
        _ if text.is_empty() => "",
        Origin::Human => "human",
        Origin::Machine { .. } => "mt",
    }
}

/// A link's language pair and bead shape, e.g. `("kk-ru", "1-2")`.
pub fn link_labels(link: &crate::align::pivot::Link) -> (String, String) {
    use crate::lang::CORPUS_LANGS;
    let pair = format!("{}-{}", CORPUS_LANGS[link.src], CORPUS_LANGS[link.tgt]);
    (pair, format!("{}-{}", link.shape.0, link.shape.1))
}

/// A row's beads for a line-based format: `kk-ru:1-1:0.9866 kk-en:1-2:0.7001`
/// (pair, shape, score), space-separated.
pub fn beads_label(row: &Row) -> String {
    let beads: Vec<String> = row
        .links
        .iter()
        .map(|l| {
            let (pair, shape) = link_labels(l);
            format!("{pair}:{shape}:{:.4}", l.score)
        })
        .collect();
    beads.join(" ")
}

/// Text for a line-based format: tabs and line breaks become spaces so a
/// segment can never break line parallelism.
pub fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains(['\t', '\n', '\r']) {
        text.replace(['\t', '\n', '\r'], " ").into()
    } else {
        text.into()
    }
}
