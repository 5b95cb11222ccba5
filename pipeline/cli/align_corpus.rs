//! `shanyraq align` over two directories: the documents of a corpus, paired
//! by file name and aligned together, so that the second pass learns its
//! word pairs from all of them, as `run` does (on FLORES kk–ru documents,
//! strict F1 0.945 as a corpus against 0.936 one document at a time).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context};

use super::align::{
    build_aligner, check_pairing, dictionary, log_encoder, print_scores, read_gold,
};
use super::align::{sentences, write_beads};
use super::align::{AlignArgs, AlignFormat};
use crate::align::gold::{ids_of, score_documents};
use crate::align::DocumentPair;
use crate::export::atomic::{commit_all, AtomicFile};

/// Aligns every document of `args.src` with its namesake in `args.tgt`;
/// writes each one's beads under `--out-dir`, or scores them all against
/// the gold files of `--gold`.
pub fn run(args: &AlignArgs) -> anyhow::Result<ExitCode> {
    let names = paired_names(&args.src, &args.tgt)?;
    if args.gold.is_none() && args.out_dir.is_none() {
        bail!(
            "aligning two directories writes a file per document: give --out-dir DIR \
             (or --gold DIR to score them)"
        );
    }
    let mut texts = Vec::with_capacity(names.len());
    for name in &names {
        let src = sentences(&args.src.join(name), args.src_lang, args)?;
        let tgt = sentences(&args.tgt.join(name), args.tgt_lang, args)?;
        texts.push((src, tgt));
    }
    fn side(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    let refs: Vec<(Vec<&str>, Vec<&str>)> = texts.iter().map(|(s, t)| (side(s), side(t))).collect();
    let docs: Vec<DocumentPair<'_>> = refs.iter().map(|(s, t)| (&s[..], &t[..])).collect();
    let dictionary = dictionary(args)?;
    let (aligner, embedder) = build_aligner(args, dictionary.clone());
    let aligned = aligner.align_documents(&docs);
    log_encoder(embedder.as_ref());
    tracing::info!("aligned {} document pairs as one corpus", names.len());
    for ((name, beads), &(src, tgt)) in names.iter().zip(&aligned).zip(&docs) {
        let paths = (args.src.join(name), args.tgt.join(name));
        let paths = (paths.0.as_path(), paths.1.as_path());
        check_pairing(args, paths, (src, tgt), beads, dictionary.as_ref());
    }

    if let Some(gold_dir) = &args.gold {
        if !gold_dir.is_dir() {
            bail!(
                "{}: with directories to align, --gold is a directory of gold files named as \
                 the documents",
                gold_dir.display()
            );
        }
        let mut docs = Vec::with_capacity(names.len());
        for ((name, beads), (src, tgt)) in names.iter().zip(&aligned).zip(&texts) {
            let test = beads.iter().map(ids_of).collect();
            docs.push((
                test,
                read_gold(&gold_dir.join(name))?,
                (src.len(), tgt.len()),
            ));
        }
        let scores = score_documents(docs);
        let mut out = std::io::stdout().lock();
        print_scores(&mut out, &scores)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }

    let out_dir = args.out_dir.as_ref().expect("checked above");
    std::fs::create_dir_all(out_dir)
        .with_context(|| format!("cannot create the output directory {}", out_dir.display()))?;
    let ext = match args.format {
        AlignFormat::Beads => "align",
        AlignFormat::Tsv => "tsv",
    };
    // Every file is complete before the first appears.
    let mut files = Vec::with_capacity(names.len());
    for ((name, beads), (src, tgt)) in names.iter().zip(&aligned).zip(&texts) {
        let mut file = AtomicFile::create(&out_dir.join(format!("{name}.{ext}")))?;
        write_beads(&mut file, beads, src, tgt, args)?;
        files.push(file);
    }
    let written = commit_all(files)?;
    tracing::info!("wrote {} files to {}", written.len(), out_dir.display());
    Ok(ExitCode::SUCCESS)
}

/// The file names found in both directories, sorted; an error listing the
/// documents that have no namesake on the other side (none is left out
/// silently).
fn paired_names(src: &Path, tgt: &Path) -> anyhow::Result<Vec<String>> {
    for dir in [src, tgt] {
        if !dir.is_dir() {
            bail!(
                "{}: SRC and TGT must both be documents or both be directories",
                dir.display()
            );
        }
    }
    let (src_names, tgt_names) = (file_names(src)?, file_names(tgt)?);
    let missing = |from: &[String], dir: &Path, other: &Path| -> Vec<String> {
        from.iter()
            .filter(|n| !other.join(n).is_file())
            .map(|n| dir.join(n).display().to_string())
            .collect()
    };
    let mut unpaired = missing(&src_names, src, tgt);
    unpaired.extend(missing(&tgt_names, tgt, src));
    if !unpaired.is_empty() {
        bail!(
            "no document of the same name on the other side for: {} (pair documents by \
             file name, or move the ones without a translation out of the directories)",
            unpaired.join(", ")
        );
    }
    if src_names.is_empty() {
        bail!("{}: no documents to align", src.display());
    }
    Ok(src_names)
}

/// The names of the regular files in `dir` (hidden ones and Word's lock
/// files, `~$name.docx`, left out), sorted.
fn file_names(dir: &Path) -> anyhow::Result<Vec<String>> {
    let read = |e: std::io::Error| anyhow::anyhow!("cannot read {}: {e}", dir.display());
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read)? {
        let entry = entry.map_err(read)?;
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            bail!("{}: file names must be UTF-8", path.display());
        };
        if path.is_file() && !name.starts_with('.') && !name.starts_with("~$") {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}
