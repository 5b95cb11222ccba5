//! Alignment evaluation harness (not a timed test).
//!
//! `cargo bench --bench align_eval` prints strict/lax F1 and speed of each
//! aligner on:
//! - synthetic kk–ru and kk–en documents built from FLORES-200 dev:
//!   consecutive articles grouped into 40–80 sentence documents, then,
//!   seeded, merges on either side (1-2, 2-1), deletions (1-0, 0-1) and
//!   insertions of unrelated sentences, gold beads known;
//! - Text+Berg de–fr (dev and test) and ParIce en–is gold alignments.
//!
//! `-- --tune` grid-searches the anchor aligner's weights on development
//! data only (FLORES synthetic with the tuning seed, Text+Berg dev);
//! `--tune-lexicon`, `--tune-search` and
//! `--tune-embeddings` search other settings the same way; `--dev` prints
//! the default settings' F1 on the dev sets and on validation sets (other
//! FLORES seeds, synthetic NTREX-128 documents, and FLORES documents with
//! 2-2, 1-3 and 3-1 beads too, `align_eval/recut.rs`), to judge a model
//! change by before the reporting sets are run.
//! `--dev-dict` compares the built-in kk–en dictionary with none there.
//! `--orphans` measures how well the Russian and English sentences a
//! Kazakh version lacks are paired with each other (`align_eval/orphans.rs`).
//! `--oracle` measures what a perfect dictionary or perfect links from a
//! third language would give on the dev sets (`align_eval/oracle.rs`).
//! `--long` aligns the KazNU silver pairs as one 1-1 document (the speed
//! target's case), then a 20,000-sentence pair; `--one-to-one` only the
//! first. `--beads` prints every bead (and score) the default aligner makes
//! on the reporting, dev and validation sets: a speed step that claims to
//! change nothing diffs it before and after. `--data DIR` points at
//! `shared/data` (default `../shared/data`).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use shanyraq::align::gold::{ids_of, parse_gold, score_documents, AlignmentScores, IdBead};
use shanyraq::align::{AlignOptions, Aligner, AnchorAligner, Bead, DocumentPair, LengthAligner};
use shanyraq::Lang;

/// One document pair with its gold beads.
struct Case {
    src: Vec<String>,
    tgt: Vec<String>,
    gold: Vec<IdBead>,
}

#[path = "../tests/common/rng.rs"]
mod rng;
use rng::Rng;

#[path = "align_eval/oracle.rs"]
mod oracle;
#[path = "align_eval/orphans.rs"]
mod orphans;
#[path = "align_eval/recut.rs"]
mod recut;
#[path = "align_eval/sets.rs"]
mod sets;
use sets::*;
#[path = "align_eval/tune.rs"]
mod tune;
use tune::*;

/// Aligns every case and scores all beads together, as vecalign's
/// score.py does over several files. The cases go to the aligner together,
/// as `shanyraq run` gives it a corpus's documents (it learns its
/// dictionary from all of them), on one thread, so speeds are per core.
fn evaluate(cases: &[Case], aligner: &dyn Aligner) -> (AlignmentScores, f64) {
    evaluate_as(cases, aligner, false, 3)
}

/// Each case's two sides as sentence slices, for [`DocumentPair`]s.
fn sentence_refs(cases: &[Case]) -> Vec<(Vec<&str>, Vec<&str>)> {
    cases
        .iter()
        .map(|c| {
            let s = c.src.iter().map(String::as_str).collect();
            let t = c.tgt.iter().map(String::as_str).collect();
            (s, t)
        })
        .collect()
}

/// [`evaluate`], or with `one_by_one` each case aligned on its own as
/// `shanyraq align` does; the speed is the best of `runs` runs.
fn evaluate_as(
    cases: &[Case],
    aligner: &dyn Aligner,
    one_by_one: bool,
    runs: usize,
) -> (AlignmentScores, f64) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool");
    let texts = sentence_refs(cases);
    let docs: Vec<DocumentPair<'_>> = texts.iter().map(|(s, t)| (&s[..], &t[..])).collect();
    let run = || {
        pool.install(|| {
            if one_by_one {
                docs.iter().map(|&(s, t)| aligner.align(s, t)).collect()
            } else {
                aligner.align_documents(&docs)
            }
        })
    };
    let start = Instant::now();
    let all: Vec<Vec<Bead>> = run();
    // The machine is shared and noisy: report the fastest run.
    let mut secs = start.elapsed().as_secs_f64();
    for _ in 1..runs {
        let start = Instant::now();
        std::hint::black_box(run());
        secs = secs.min(start.elapsed().as_secs_f64());
    }
    let sentences: usize = cases.iter().map(|c| c.src.len().max(c.tgt.len())).sum();
    let docs = cases.iter().zip(&all).map(|(c, beads)| {
        let test = beads.iter().map(ids_of).collect();
        (test, c.gold.clone(), (c.src.len(), c.tgt.len()))
    });
    (score_documents(docs), sentences as f64 / secs)
}

/// Runs the PyPI `galechurch` package on the same cases through
/// scripts/galechurch_align.py (needs `.venv` with
/// scripts/requirements-eval.txt).
fn galechurch(cases: &[Case]) -> Result<(AlignmentScores, f64), String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let python = root.join(".venv/bin/python");
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let input: Vec<serde_json::Value> = cases
        .iter()
        .map(|c| serde_json::json!({"src": c.src, "tgt": c.tgt}))
        .collect();
    let (cases_path, beads_path) = (dir.path().join("cases.json"), dir.path().join("beads.json"));
    fs::write(&cases_path, serde_json::to_vec(&input).unwrap()).map_err(|e| e.to_string())?;
    let o = std::process::Command::new(&python)
        .arg(root.join("scripts/galechurch_align.py"))
        .args([&cases_path, &beads_path])
        .output()
        .map_err(|e| format!("{}: {e}", python.display()))?;
    if !o.status.success() {
        return Err(format!(
            "pip install -r scripts/requirements-eval.txt into .venv ({})",
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .last()
                .unwrap_or("")
        ));
    }
    let out: serde_json::Value =
        serde_json::from_slice(&fs::read(&beads_path).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    let sentences: usize = cases.iter().map(|c| c.src.len().max(c.tgt.len())).sum();
    let docs = cases
        .iter()
        .zip(out["beads"].as_array().unwrap())
        .map(|(c, beads)| {
            // Each bead as [src start, src end, tgt start, tgt end].
            let test = beads
                .as_array()
                .unwrap()
                .iter()
                .map(|b| {
                    let v: Vec<usize> = b
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|x| x.as_u64().unwrap() as usize)
                        .collect();
                    ((v[0]..v[1]).collect(), (v[2]..v[3]).collect())
                })
                .collect();
            (test, c.gold.clone(), (c.src.len(), c.tgt.len()))
        });
    let seconds = out["seconds"].as_f64().unwrap_or(f64::NAN);
    Ok((score_documents(docs), sentences as f64 / seconds))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let data = args
        .iter()
        .position(|a| a == "--data")
        .map(|i| PathBuf::from(&args[i + 1]))
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    if !data.is_dir() {
        eprintln!(
            "align_eval: {} not found; pass --data DIR (shared/data)",
            data.display()
        );
        return;
    }
    if args.iter().any(|a| a == "--errors") {
        // `--errors` alone: the anchor aligner; `--errors e5`: with e5-small.
        let with_e5 = args.iter().any(|a| a == "e5");
        let encoder = if with_e5 { e5_embedder() } else { None };
        let opts = || match &encoder {
            Some(e) => AlignOptions::with_encoder(Some(e.clone())),
            None => AlignOptions::default(),
        };
        // `--show` prints each missed gold bead of Text+Berg dev;
        // `--show-flores` of the FLORES seed-1 documents too.
        let show = args.iter().any(|a| a == "--show");
        let show_flores = args.iter().any(|a| a == "--show-flores");
        errors(
            &flores_cases(&data, "rus_Cyrl.dev", 1),
            Lang::Kk,
            Lang::Ru,
            opts(),
            show_flores,
        );
        errors(
            &flores_cases(&data, "eng_Latn.dev", 1),
            Lang::Kk,
            Lang::En,
            opts(),
            show_flores,
        );
        errors(&textberg(&data, &["dev"]), Lang::De, Lang::Fr, opts(), show);
        return;
    }
    if args.iter().any(|a| a == "--beads") {
        // `--beads --long`: the long documents too (a few seconds more).
        dump_beads(&data, args.iter().any(|a| a == "--long"));
        return;
    }
    if args.iter().any(|a| a == "--long" || a == "--one-to-one") {
        long(&data, args.iter().any(|a| a == "--one-to-one"));
        return;
    }
    if args.iter().any(|a| a == "--orphans") {
        orphans::report(&data);
        return;
    }
    if args.iter().any(|a| a == "--oracle") {
        oracle::oracle(&data);
        return;
    }
    if args.iter().any(|a| a == "--dev") {
        dev_report(&data);
        return;
    }
    if args.iter().any(|a| a == "--dev-dict") {
        dev_dictionary(&data);
        return;
    }
    if args.iter().any(|a| a == "--tune-search") {
        tune_search(&data);
        return;
    }
    if args.iter().any(|a| a == "--tune-lexicon") {
        tune_lexicon(&data);
        return;
    }
    if args.iter().any(|a| a == "--tune") {
        tune(&data);
        return;
    }
    if args.iter().any(|a| a == "--calibration") {
        calibration(&data);
        return;
    }
    if args.iter().any(|a| a == "--tune-risk") {
        // `--tune-risk e5`: the same grid for the embedding aligner.
        let encoder = if args.iter().any(|a| a == "e5") {
            Some(e5_embedder().expect("--tune-risk e5 needs target/e5-small"))
        } else {
            None
        };
        tune_risk(&data, encoder);
        return;
    }
    let encoder = e5_embedder();
    if args.iter().any(|a| a == "--tune-embeddings") {
        let encoder = encoder.expect("--tune-embeddings needs target/e5-small");
        tune_embeddings(&data, encoder);
        return;
    }
    // `--only LABEL` keeps the rows of that aligner (e.g. `shanyraq
    // anchors`, `galechurch`).
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1).cloned());
    let wanted = |label: &str| only.as_ref().is_none_or(|o| label == o.as_str());
    let sets = reporting_sets(&data);
    println!("| data | aligner | strict P | strict R | strict F1 | lax F1 | sentences/s |");
    println!("|---|---|---|---|---|---|---|");
    for (name, src, tgt, cases) in &sets {
        let mut aligners: Vec<(&str, Box<dyn Aligner>)> = vec![
            (
                "shanyraq length (Gale–Church)",
                Box::new(LengthAligner::new(*src, *tgt)),
            ),
            ("shanyraq anchors", Box::new(AnchorAligner::new(*src, *tgt))),
        ];
        let one_by_one = "shanyraq anchors, one document at a time";
        if wanted(one_by_one) {
            let (s, speed) = evaluate_as(cases, &AnchorAligner::new(*src, *tgt), true, 3);
            print_row(name, one_by_one, &s, speed);
        }
        if let Some(e) = &encoder {
            // Embeddings and length only, to show what the lexical
            // evidence adds.
            let alone = AlignOptions {
                lexical_weight: 0.0,
                learn_dictionary: false,
                ..AlignOptions::with_encoder(Some(e.clone()))
            };
            aligners.push((
                "shanyraq e5-small + length, no lexical evidence",
                Box::new(AnchorAligner::with_options(*src, *tgt, alone)),
            ));
            let opts = AlignOptions::with_encoder(Some(e.clone()));
            aligners.push((
                "shanyraq anchors + e5-small",
                Box::new(AnchorAligner::with_options(*src, *tgt, opts)),
            ));
        }
        if let Some(lex) = shanyraq::align::lexicon::Lexicon::shipped(*src, *tgt) {
            // The KazNU hunalign dictionary (`en @ kk`, 734 lines), built
            // into the command line's kk–en alignment by default.
            let opts = AlignOptions {
                dictionary: Some(std::sync::Arc::new(lex)),
                ..AlignOptions::default()
            };
            let aligner = AnchorAligner::with_options(*src, *tgt, opts);
            let label = "shanyraq anchors + KazNU dictionary, one document at a time";
            if wanted(label) {
                let (s, speed) = evaluate_as(cases, &aligner, true, 3);
                print_row(name, label, &s, speed);
            }
            aligners.push(("shanyraq anchors + KazNU dictionary", Box::new(aligner)));
        }
        for (label, aligner) in aligners.iter().filter(|(l, _)| wanted(l)) {
            let (s, speed) = evaluate(cases, aligner.as_ref());
            print_row(name, label, &s, speed);
        }
        if !wanted("galechurch") {
            continue;
        }
        match galechurch(cases) {
            Ok((s, speed)) => print_row(name, "galechurch 0.1.0 (PyPI)", &s, speed),
            Err(why) => eprintln!("galechurch baseline skipped: {why}"),
        }
    }
}

/// Every bead the default aligner makes on the reporting, dev and
/// validation sets (each as one corpus), with its score: a speed step that
/// claims to change nothing is checked by diffing this output.
fn dump_beads(data: &Path, with_long: bool) {
    let mut sets: Vec<(String, Lang, Lang, Vec<Vec<Case>>)> = reporting_sets(data)
        .into_iter()
        .map(|(name, s, t, cases)| (name.to_string(), s, t, vec![cases]))
        .collect();
    for (name, s, t, corpora) in dev_sets(data).into_iter().chain(validation_sets(data)) {
        sets.push((name.to_string(), s, t, corpora));
    }
    if with_long {
        let (silver, long) = long_cases(data);
        for (name, case) in [("KazNU 1-1", silver), ("20k pair", long)] {
            sets.push((name.to_string(), Lang::Kk, Lang::En, vec![vec![case]]));
        }
    }
    for (name, src, tgt, corpora) in &sets {
        let aligner = AnchorAligner::new(*src, *tgt);
        for (c, cases) in corpora.iter().enumerate() {
            let texts = sentence_refs(cases);
            let docs: Vec<DocumentPair<'_>> = texts.iter().map(|(s, t)| (&s[..], &t[..])).collect();
            for (d, beads) in aligner.align_documents(&docs).iter().enumerate() {
                for b in beads {
                    println!("{name}\t{c}\t{d}\t{:?}:{:?}\t{:.6}", b.src, b.tgt, b.score);
                }
            }
        }
    }
}

/// One line of the results table.
fn print_row(set: &str, aligner: &str, s: &AlignmentScores, speed: f64) {
    println!(
        "| {set} | {aligner} | {:.3} | {:.3} | {:.3} | {:.3} | {:.0} |",
        s.strict.precision, s.strict.recall, s.strict.f1, s.lax.f1, speed
    );
}

/// Which gold shapes the aligner misses and which wrong shapes it proposes;
/// with `show`, each missed gold bead next to what the aligner made of it.
fn errors(cases: &[Case], src: Lang, tgt: Lang, opts: AlignOptions, show: bool) {
    use std::collections::{BTreeMap, HashSet};
    let aligner = AnchorAligner::with_options(src, tgt, opts);
    let mut missed: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut wrong: BTreeMap<String, usize> = BTreeMap::new();
    for c in cases {
        let s: Vec<&str> = c.src.iter().map(String::as_str).collect();
        let t: Vec<&str> = c.tgt.iter().map(String::as_str).collect();
        let test: Vec<IdBead> = aligner.align(&s, &t).iter().map(ids_of).collect();
        let test_set: HashSet<&IdBead> = test.iter().collect();
        let gold_set: HashSet<&IdBead> = c.gold.iter().collect();
        for g in &c.gold {
            let e = missed
                .entry(format!("{}-{}", g.0.len(), g.1.len()))
                .or_default();
            e.1 += 1;
            if !test_set.contains(g) {
                e.0 += 1;
                if show {
                    show_miss(c, g, &test);
                }
            }
        }
        for b in &test {
            if !gold_set.contains(b) {
                *wrong
                    .entry(format!("{}-{}", b.0.len(), b.1.len()))
                    .or_default() += 1;
            }
        }
    }
    println!("{src}-{tgt} missed gold (missed/total): {missed:?}");
    println!("{src}-{tgt} wrong test beads: {wrong:?}");
}

fn show_miss(c: &Case, g: &IdBead, test: &[IdBead]) {
    let overlaps =
        |b: &IdBead| b.0.iter().any(|i| g.0.contains(i)) || b.1.iter().any(|j| g.1.contains(j));
    println!("--- gold {:?}:{:?}", g.0, g.1);
    for i in &g.0 {
        println!("  S{i}: {}", c.src[*i]);
    }
    for j in &g.1 {
        println!("  T{j}: {}", c.tgt[*j]);
    }
    let made: Vec<String> = test
        .iter()
        .filter(|b| overlaps(b))
        .map(|b| format!("{:?}:{:?}", b.0, b.1))
        .collect();
    println!("  test: {}", made.join(" "));
    for b in test.iter().filter(|b| overlaps(b)) {
        for i in b.0.iter().filter(|i| !g.0.contains(i)) {
            println!("  s{i}: {}", c.src[*i]);
        }
        for j in b.1.iter().filter(|j| !g.1.contains(j)) {
            println!("  t{j}: {}", c.tgt[*j]);
        }
    }
}

/// `--long`: speed of the anchor aligner on the KazNU one-to-one document,
/// then speed and peak memory on the 20,000-sentence pair; `--one-to-one`:
/// the first alone.
fn long(data: &Path, one_to_one_only: bool) {
    let (silver, case) = long_cases(data);
    // Other tenants of a shared machine only ever slow a run down: the
    // fastest of more runs comes closer to what the aligner itself costs.
    let (s, speed) = evaluate_as(
        std::slice::from_ref(&silver),
        &AnchorAligner::new(Lang::Kk, Lang::En),
        false,
        9,
    );
    println!(
        "KazNU silver kk–en as one document, 1-1: {} pairs, strict F1 {:.3}, {:.0} sentence pairs/s",
        silver.src.len(),
        s.strict.f1,
        speed
    );
    if one_to_one_only {
        return;
    }
    let before = peak_rss_kb();
    let (s, speed) = evaluate(
        std::slice::from_ref(&case),
        &AnchorAligner::new(Lang::Kk, Lang::En),
    );
    let after = peak_rss_kb();
    println!(
        "20k kk–en (KazNU silver + FLORES): {} × {} sentences, strict F1 {:.3}, {:.0} sentences/s, peak RSS {} MB (before aligning {} MB)",
        case.src.len(),
        case.tgt.len(),
        s.strict.f1,
        speed,
        after / 1024,
        before / 1024
    );
}

/// Peak resident memory of this process (Linux), in kB.
fn peak_rss_kb() -> u64 {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(str::to_string)
        })
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

/// The multilingual-e5-small embedder, when scripts/make_e5_fixture.sh has
/// written it (`SHANYRAQ_E5_DIR`, else target/e5-small).
fn e5_embedder() -> Option<shanyraq::align::embed::SharedEmbedder> {
    let dir = std::env::var_os("SHANYRAQ_E5_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/e5-small"));
    if !dir.join("model.safetensors").exists() {
        eprintln!("e5-small rows skipped: run scripts/make_e5_fixture.sh");
        return None;
    }
    let source = shanyraq_models::ModelSource::Local(dir);
    let encoder =
        shanyraq_models::SentenceEncoder::load(&source, shanyraq_models::DeviceChoice::Cpu).ok()?;
    let mut embedder = shanyraq::align::embed::Embedder::new(encoder);
    // Embeddings of earlier runs, so that evaluating and tuning encode each
    // dev and test sentence once.
    let cache = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/e5-small-embeddings");
    if let Err(e) = embedder.with_disk_cache(&cache) {
        eprintln!("embedding cache not used: {e}");
    }
    Some(std::sync::Arc::new(std::sync::Mutex::new(embedder)))
}
