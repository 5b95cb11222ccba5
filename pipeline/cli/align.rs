//! `shanyraq align --src-lang kk --tgt-lang ru SRC TGT`: align two documents
//! and print beads in vecalign's format; or, given two directories, every
//! pair of documents in them as one corpus (`align_corpus.rs`).

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, ValueEnum};

use super::align_corpus;
use super::segment::read_input;
use crate::align::embed::{self, SharedEmbedder};
use crate::align::gold::{format_bead, parse_gold, score, AlignmentScores};
use crate::align::lexicon::Lexicon;
use crate::align::pairing;
use crate::align::{AlignOptions, Aligner, AnchorAligner, Bead, LengthAligner};
use crate::document::{Document, SegmentedDocument};
use crate::lang::Lang;

/// Output of `shanyraq align`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AlignFormat {
    /// One bead per line: `[1]:[1,2]`.
    Beads,
    /// Source and target text of each bead, tab-separated.
    Tsv,
}

/// Which aligner to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AlignerChoice {
    /// Lengths plus lexical anchors (the default).
    Anchors,
    /// Gale–Church lengths alone.
    Length,
}

impl AlignerChoice {
    /// The aligner for a language pair.
    pub fn build(
        self,
        src: Lang,
        tgt: Lang,
        dictionary: Option<Lexicon>,
        encoder: Option<SharedEmbedder>,
        embedding_weight: Option<f64>,
    ) -> Box<dyn Aligner> {
        match self {
            AlignerChoice::Anchors => {
                let tuned = AlignOptions::with_encoder(encoder);
                let opts = AlignOptions {
                    dictionary: dictionary.map(std::sync::Arc::new),
                    embedding_weight: embedding_weight.unwrap_or(tuned.embedding_weight),
                    ..tuned
                };
                Box::new(AnchorAligner::with_options(src, tgt, opts))
            }
            AlignerChoice::Length => Box::new(LengthAligner::new(src, tgt)),
        }
    }
}

/// Arguments of `shanyraq align`.
#[derive(Debug, Args)]
pub struct AlignArgs {
    /// Language of SRC.
    #[arg(long)]
    pub src_lang: Lang,
    /// Language of TGT.
    #[arg(long)]
    pub tgt_lang: Lang,
    /// Source document, or a directory of them.
    pub src: PathBuf,
    /// Target document, or a directory holding a document of the same name
    /// for each in SRC: the documents are then aligned together as one
    /// corpus, which teaches the second pass more word pairs than one
    /// document can.
    pub tgt: PathBuf,
    /// With directories: where each document's beads go, as NAME.align
    /// (NAME.tsv with `--format tsv`), NAME being the documents' file name.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Inputs are one sentence per line, used as is (blank lines too).
    #[arg(long)]
    pub presegmented: bool,
    /// Append `:score` to each bead.
    #[arg(long)]
    pub scores: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AlignFormat::Beads)]
    pub format: AlignFormat,
    /// Aligner: `anchors` (lengths plus lexical anchors) or `length`
    /// (Gale–Church alone).
    #[arg(long, value_enum, default_value_t = AlignerChoice::Anchors)]
    pub aligner: AlignerChoice,
    /// Sentence encoder for embedding evidence: none, e5-small, labse or a
    /// model directory (falls back to none with a warning if it cannot be
    /// loaded).
    #[arg(long, default_value = "none")]
    pub encoder: String,
    /// Run the encoder in float32 even on CPUs where its linear layers
    /// would run in int8 (AVX-512 VNNI): identical vectors on every
    /// machine, at about 0.6× the speed.
    #[arg(long)]
    pub encoder_float32: bool,
    /// Cost weight of embedding distance (with --encoder; default: the
    /// tuned 8).
    #[arg(long)]
    pub embedding_weight: Option<f64>,
    /// Keep sentence embeddings (with --encoder) in DIR/embeddings.bin, as
    /// `run --cache-dir` does, so that aligning again encodes only
    /// sentences not seen before.
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Bilingual dictionary in hunalign's format (`target @ source` per
    /// line), used as extra evidence by the anchor aligner [default: the
    /// built-in KazNU list for kk–en and en–kk, none for other pairs].
    #[arg(long, value_name = "FILE")]
    pub dict: Option<PathBuf>,
    /// Align without the built-in dictionary.
    #[arg(long, conflicts_with = "dict")]
    pub no_builtin_dict: bool,
    /// Gold alignment (vecalign format): print strict and lax precision,
    /// recall and F1 instead of the beads. With directories, a directory
    /// of gold files named as the documents, scored together as vecalign's
    /// score.py scores several files.
    #[arg(long)]
    pub gold: Option<PathBuf>,
    /// Read inputs that are not UTF-8 as ENC: kz1048 (Kazakh KZ-1048) or
    /// cp1251 (Windows-1251).
    #[arg(long, value_name = "ENC")]
    pub legacy_encoding: Option<crate::ingest::Legacy>,
}

pub(super) fn sentences(path: &Path, lang: Lang, args: &AlignArgs) -> anyhow::Result<Vec<String>> {
    let presegmented = args.presegmented;
    let text = read_input(path, args.legacy_encoding)?;
    if presegmented {
        return Ok(text.lines().map(str::to_string).collect());
    }
    let doc = SegmentedDocument::new(Document {
        id: String::new(),
        lang,
        path: path.to_path_buf(),
        text,
    });
    Ok(doc.texts())
}

/// Aligns and prints.
pub fn run(args: AlignArgs) -> anyhow::Result<ExitCode> {
    if args.src.is_dir() || args.tgt.is_dir() {
        return align_corpus::run(&args);
    }
    if args.out_dir.is_some() {
        anyhow::bail!(
            "--out-dir is for aligning two directories; for two documents the beads go to stdout"
        );
    }
    let src = sentences(&args.src, args.src_lang, &args)?;
    let tgt = sentences(&args.tgt, args.tgt_lang, &args)?;
    let src_refs: Vec<&str> = src.iter().map(String::as_str).collect();
    let tgt_refs: Vec<&str> = tgt.iter().map(String::as_str).collect();
    let dictionary = dictionary(&args)?;
    let (aligner, embedder) = build_aligner(&args, dictionary.clone());
    let beads = aligner.align(&src_refs, &tgt_refs);
    log_encoder(embedder.as_ref());
    let paths = (args.src.as_path(), args.tgt.as_path());
    check_pairing(
        &args,
        paths,
        (&src_refs, &tgt_refs),
        &beads,
        dictionary.as_ref(),
    );
    let mut out = io::BufWriter::new(io::stdout().lock());
    if let Some(gold_path) = &args.gold {
        let gold = read_gold(gold_path)?;
        print_scores(&mut out, &score(&beads, &gold))?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    write_beads(&mut out, &beads, &src, &tgt, &args)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The dictionary the arguments ask for: `--dict`, else the built-in one
/// for the pair unless `--no-builtin-dict`.
pub(super) fn dictionary(args: &AlignArgs) -> anyhow::Result<Option<Lexicon>> {
    Ok(match &args.dict {
        Some(path) => Some(Lexicon::read_hunalign(path)?),
        // One document teaches the second pass few word pairs of its own:
        // a dictionary helps most here.
        None if !args.no_builtin_dict => Lexicon::shipped(args.src_lang, args.tgt_lang),
        None => None,
    })
}

/// The aligner the arguments ask for, with `dictionary` and the encoder
/// (also returned, to say what it did).
pub(super) fn build_aligner(
    args: &AlignArgs,
    dictionary: Option<Lexicon>,
) -> (Box<dyn Aligner>, Option<embed::SharedEmbedder>) {
    let embedder = embed::load_or_warn(&args.encoder, args.encoder_float32);
    if let (Some(embedder), Some(dir)) = (&embedder, &args.cache_dir) {
        let mut e = embedder.lock().unwrap_or_else(|p| p.into_inner());
        if let Err(err) = e.with_disk_cache(dir) {
            tracing::warn!("sentence embeddings are not cached: {err}");
        }
    }
    let aligner = args.aligner.build(
        args.src_lang,
        args.tgt_lang,
        dictionary,
        embedder.clone(),
        args.embedding_weight,
    );
    (aligner, embedder)
}

/// Says (with `-v`) how many sentences the encoder encoded and how many it
/// read back from the disk cache.
pub(super) fn log_encoder(embedder: Option<&embed::SharedEmbedder>) {
    if let Some(embedder) = embedder {
        let (encoded, cached) = embedder.lock().unwrap_or_else(|p| p.into_inner()).counts();
        tracing::info!("sentence embeddings: {encoded} encoded, {cached} read from the cache");
    }
}

/// Warns when `tgt_path` does not look like a translation of `src_path`
/// ([`pairing::check`]); the beads are written all the same.
pub(super) fn check_pairing(
    args: &AlignArgs,
    (src_path, tgt_path): (&Path, &Path),
    (src, tgt): (&[&str], &[&str]),
    beads: &[Bead],
    dictionary: Option<&Lexicon>,
) {
    let p = pairing::check(src, tgt, (args.src_lang, args.tgt_lang), beads, dictionary);
    if p.doubtful() {
        tracing::warn!(
            "{} does not look like a translation of {}: {}; check that both are versions of \
             one text",
            tgt_path.display(),
            src_path.display(),
            p.findings()
        );
    }
}

/// A gold file's beads, its path named in any error.
pub(super) fn read_gold(path: &Path) -> anyhow::Result<Vec<crate::align::gold::IdBead>> {
    let text = read_input(path, None)?;
    parse_gold(&text).with_context(|| format!("{}", path.display()))
}

/// Strict and lax precision, recall and F1, a line each.
pub(super) fn print_scores(out: &mut impl Write, s: &AlignmentScores) -> io::Result<()> {
    writeln!(
        out,
        "strict\tP {:.4}\tR {:.4}\tF1 {:.4}",
        s.strict.precision, s.strict.recall, s.strict.f1
    )?;
    writeln!(
        out,
        "lax\tP {:.4}\tR {:.4}\tF1 {:.4}",
        s.lax.precision, s.lax.recall, s.lax.f1
    )
}

/// The beads in the format asked for: vecalign's (with `:score` on
/// request) or the aligned text.
pub(super) fn write_beads(
    out: &mut impl Write,
    beads: &[Bead],
    src: &[String],
    tgt: &[String],
    args: &AlignArgs,
) -> io::Result<()> {
    for b in beads {
        match args.format {
            AlignFormat::Beads if args.scores => {
                writeln!(out, "{}:{:.4}", format_bead(b), b.score)?
            }
            AlignFormat::Beads => writeln!(out, "{}", format_bead(b))?,
            AlignFormat::Tsv => {
                let join = |side: &[String], r: std::ops::Range<usize>| {
                    r.map(|i| side[i].as_str()).collect::<Vec<_>>().join(" ")
                };
                writeln!(
                    out,
                    "{}\t{}",
                    join(src, b.src.clone()),
                    join(tgt, b.tgt.clone())
                )?;
            }
        }
    }
    Ok(())
}
