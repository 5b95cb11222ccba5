//! The command line: one file per subcommand, each with its clap arguments
//! and a `run` that returns an exit code or an error for [`main`] to report.

mod align;
mod align_corpus;
mod progress;
mod run;
mod score;
mod segment;
mod translate;

use std::io::{self, IsTerminal};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit status when a quality gate is not met.
pub const EXIT_GATE_FAILED: u8 = 1;
/// Exit status for usage and input errors.
pub const EXIT_ERROR: u8 = 2;

/// Builds trilingual Kazakh–Russian–English parallel corpora.
#[derive(Debug, Parser)]
#[command(name = "shanyraq", version, about, long_about = None)]
pub struct Cli {
    /// Print only errors: no progress, no warnings.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Print more about what happens (repeat for debug output).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Worker threads for alignment, translation and encoding [default:
    /// $RAYON_NUM_THREADS, else one per core].
    #[arg(long, global = true, value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the aligned corpus: ingest, segment, align, export.
    Run(run::RunArgs),
    /// Split text into sentences, one per line.
    Segment(segment::SegmentArgs),
    /// Align the sentences of two documents, or of two directories of them as one corpus.
    Align(align::AlignArgs),
    /// Translate sentences (one per line on stdin) with a seq2seq model.
    Translate(translate::TranslateArgs),
    /// Score translations: sacreBLEU-identical BLEU, chrF, chrF++, TER, with gates.
    Score(score::ScoreArgs),
}

/// Runs the command line and reports errors; the binary's whole body.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.quiet, cli.verbose);
    if let Some(n) = cli.threads {
        // Before any pool exists: rayon's global pool, and candle and gemm,
        // which read RAYON_NUM_THREADS when they first split work.
        std::env::set_var("RAYON_NUM_THREADS", n.to_string());
        if let Err(e) = rayon::ThreadPoolBuilder::new()
            .num_threads(usize::from(n))
            .build_global()
        {
            tracing::warn!("--threads {n}: {e}");
        }
    }
    let quiet = cli.quiet;
    let result = match cli.command {
        Command::Run(args) => run::run(args, quiet),
        Command::Segment(args) => segment::run(args),
        Command::Align(args) => align::run(args),
        Command::Translate(args) => translate::run(args, quiet),
        Command::Score(args) => score::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {err:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn init_logging(quiet: bool, verbose: u8) {
    // The PDF libraries log what they meet inside a file (glyph names,
    // fonts, a missing password) in their own terms; the reader's error
    // says what matters and what to do, so their lines show from -vv.
    let level = match (quiet, verbose) {
        (true, _) => "error,lopdf=off,pdf_extract=off",
        (false, 0) => "warn,lopdf=off,pdf_extract=off",
        (false, 1) => "info,lopdf=off,pdf_extract=off",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("SHANYRAQ_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal())
        .without_time()
        .with_target(false)
        .init();
}
