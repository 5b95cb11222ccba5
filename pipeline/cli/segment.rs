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
    /// Read input that is not UTF-8 as ENC: kz1048 (Kazakh KZ-1048) or
    /// cp1251 (Windows-1251).
    #[arg(long, value_name = "ENC")]
    pub legacy_encoding: Option<ingest::Legacy>,
}

/// Reads the input, segments it and prints the sentences.
pub fn run(args: SegmentArgs) -> anyhow::Result<ExitCode> {
    let path = args.input.unwrap_or_else(|| PathBuf::from("-"));
    let text = read_input(&path, args.legacy_encoding)?;
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

/// Reads a file (a Word or OpenDocument text, RTF or web page too) or standard input (`-`)
/// as text, with the same decoding and errors as corpus files; input that
/// is not UTF-8 is read as `legacy` if given (with a warning).
pub fn read_input(path: &Path, legacy: Option<ingest::Legacy>) -> anyhow::Result<String> {
    let (text, was_legacy) = if path.as_os_str() != "-" {
        ingest::read_text_or(path, legacy)?
    } else {
        let mut bytes = Vec::new();
        io::stdin()
            .read_to_end(&mut bytes)
            .context("reading standard input")?;
        ingest::decode_or(path, bytes, legacy)?
    };
    if let Some(legacy) = legacy.filter(|_| was_legacy) {
        tracing::warn!("{}", legacy.read_note(path));
    }
    Ok(text)
}
