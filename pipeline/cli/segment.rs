//! `shanyraq segment --lang kk [FILE|-]`: one sentence per line, a blank
//! line between paragraphs.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use crate::document::{Document, SegmentedDocument};
use crate::ingest;
use crate::lang::Lang;

/// Arguments of `shanyraq segment`.
#[derive(Debug, Args)]
pub struct SegmentArgs {
    /// Language whose rules to use: kk, ru, en (de, fr, is get generic rules).
    #[arg(short, long)]
    pub lang: Lang,
    /// Input file; `-` or nothing reads standard input.
    pub input: Option<PathBuf>,
}

/// Reads the input, segments it and prints the sentences.
pub fn run(args: SegmentArgs) -> anyhow::Result<ExitCode> {
    let path = args.input.unwrap_or_else(|| PathBuf::from("-"));
    let text = read_input(&path)?;
    let doc = SegmentedDocument::new(Document {
        id: String::new(),
        lang: args.lang,
        path: path.clone(),
        text,
    });
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut last_paragraph = None;
    for (i, s) in doc.sentences.iter().enumerate() {
        if last_paragraph.is_some_and(|p| p != s.paragraph) {
            writeln!(out)?;
        }
        last_paragraph = Some(s.paragraph);
        writeln!(out, "{}", doc.joined(i..i + 1))?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Reads a file (a Word or OpenDocument text too) or standard input (`-`) as text,
/// with the same decoding and errors as corpus files.
pub fn read_input(path: &Path) -> anyhow::Result<String> {
    if path.as_os_str() != "-" {
        return Ok(ingest::read_text(path)?);
    }
    let mut bytes = Vec::new();
    io::stdin()
        .read_to_end(&mut bytes)
        .context("reading standard input")?;
    Ok(ingest::decode(path, bytes)?)
}
