//! shanyraq builds trilingual Kazakh–Russian–English parallel corpora.
//!
//! Data flows one way, one module per stage:
//!
//! 1. [`ingest`]: a corpus directory (text, office files, web pages) →
//!    [`ingest::DocumentFiles`] (the kk, ru and en versions of each document,
//!    paired by id) → [`document::Document`] (decoded text).
//! 2. [`segment`]: a document → [`document::Sentence`]s, byte ranges into its
//!    text, by per-language rules.
//! 3. [`align`]: two sentence lists → [`align::Bead`]s; [`align::pivot`]
//!    merges kk–ru and kk–en beads around the Kazakh pivot.
//! 4. [`row`]: beads → [`row::Row`]s, one trilingual unit each; empty cells
//!    are gaps.
//! 5. [`export`]: rows → TMX 1.4b, Moses, TSV or JSONL files, written
//!    atomically through a [`export::RowSink`].
//! 6. [`score`]: sacreBLEU-compatible BLEU, chrF and TER for quality gates.
//!
//! [`job`] runs stages 1–5 over a corpus; [`cli`] is the command line.

pub mod align;
mod cache_file;
pub mod cli;
pub mod document;
pub mod error;
pub mod export;
pub mod fill;
pub mod ingest;
pub mod job;
pub mod lang;
pub mod row;
pub mod score;
pub mod segment;
mod xml;

pub use error::{Error, Result};
pub use lang::Lang;
