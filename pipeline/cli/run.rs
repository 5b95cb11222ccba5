//! `shanyraq run CORPUS -o OUT`: the main job.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::Args;

use super::progress::Progress;
use crate::export::Format;
use crate::job::{self, JobOptions, JobSummary};
use crate::lang::CORPUS_LANGS;

/// Arguments of `shanyraq run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Corpus directory: {kk,ru,en}/<doc-id>.txt or <doc-id>.<lang>.txt.
    pub corpus: PathBuf,
    /// Output file (for --format moses, a prefix: OUT.kk, OUT.ru, OUT.en, OUT.meta).
    #[arg(short, long)]
    pub output: PathBuf,
    /// Output format: tmx, moses, tsv or jsonl [default: from the output's extension, else tmx].
    #[arg(short, long)]
    pub format: Option<Format>,
    /// Leave gaps empty (marked) instead of machine-translating them.
    /// Gap filling is not available yet, so this is currently the only mode.
    #[arg(long)]
    pub no_fill: bool,
    /// Leave out document files that cannot be read (reported as warnings)
    /// instead of failing the run.
    #[arg(long)]
    pub skip_invalid: bool,
}

/// Runs the job and prints its summary on stderr.
pub fn run(args: RunArgs, quiet: bool) -> anyhow::Result<ExitCode> {
    let format = args
        .format
        .or_else(|| Format::from_path(&args.output))
        .unwrap_or(Format::Tmx);
    if format == Format::Moses && args.output.extension().is_some_and(|e| e == "tmx") {
        bail!("--format moses takes an output prefix, not a .tmx file name");
    }
    if !args.no_fill {
        tracing::warn!(
            "gap filling is not available yet; gaps stay empty (pass --no-fill to silence this)"
        );
    }
    let opts = JobOptions {
        corpus: args.corpus.clone(),
        skip_invalid: args.skip_invalid,
    };
    let sink = format.open(&args.output)?;
    let mut progress = Progress::new("documents", quiet);
    let summary = job::run(&opts, sink, &mut |done, total| progress.update(done, total))
        .with_context(|| format!("corpus {}", args.corpus.display()))?;
    progress.finish();
    if !quiet {
        eprint!("{}", report(&summary));
    }
    Ok(ExitCode::SUCCESS)
}

/// The end-of-run summary.
pub fn report(s: &JobSummary) -> String {
    let per_lang = |counts: &[usize; 3]| {
        let items: Vec<String> = CORPUS_LANGS
            .iter()
            .zip(counts)
            .map(|(l, n)| format!("{l} {n}"))
            .collect();
        items.join(", ")
    };
    let files: Vec<String> = s
        .export
        .files
        .iter()
        .map(|f| f.display().to_string())
        .collect();
    format!(
        "documents: {} ({})\nsentences: {}\nrows: {}\ngaps: {}\nwrote: {}\n",
        s.documents,
        per_lang(&s.versions),
        per_lang(&s.sentences),
        s.rows,
        per_lang(&s.gaps),
        files.join(", "),
    )
}
