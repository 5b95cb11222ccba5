//! `shanyraq run` with gap filling, on the demo corpus with the tiny Marian
//! model that scripts/make_model_fixtures.py generated (random weights,
//! real tokenizer), given as a local path in a config file.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use shanyraq::export::tmx_read::{self, TranslationUnit};
use shanyraq::Lang;

fn tiny_model() -> PathBuf {
    root().join("models/tests/fixtures/marian-tiny")
}

/// A config sending every direction to `model`.
fn config(dir: &Path, model: &Path) -> PathBuf {
    let mut text = String::from("[defaults]\nbeam = 2\n");
    for pair in ["kk-ru", "kk-en", "ru-kk", "ru-en", "en-kk", "en-ru"] {
        text.push_str(&format!(
            "[models.{pair}]\npath = {:?}\n",
            model.display().to_string()
        ));
    }
    let path = dir.join("shanyraq.toml");
    fs::write(&path, text).unwrap();
    path
}

fn run(args: &[&str]) -> std::process::Output {
    shanyraq(&[&["run", corpus("demo").to_str().unwrap()], args].concat())
}

fn units(path: &Path) -> Vec<TranslationUnit> {
    tmx_read::open(path).unwrap().map(Result::unwrap).collect()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn exactly_the_gaps_are_filled_and_marked() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cfg = config(d, &tiny_model());
    let (plain, filled) = (d.join("plain.tmx"), d.join("filled.tmx"));
    assert_ok(&run(&["-o", s(&plain), "--no-fill"]));
    let o = run(&[
        "-o",
        s(&filled),
        "--config",
        s(&cfg),
        "--cache-dir",
        s(&d.join("cache")),
        "--report",
        s(&d.join("r.json")),
    ]);
    assert_ok(&o);
    assert_dtd_valid(&filled);
    let (plain, filled) = (units(&plain), units(&filled));
    assert_eq!(plain.len(), filled.len());
    let mut machine = 0;
    for (p, f) in plain.iter().zip(&filled) {
        assert_eq!(p.props, f.props);
        for lang in [Lang::Kk, Lang::Ru, Lang::En] {
            match (p.variant(lang), f.variant(lang)) {
                (Some(a), Some(b)) => assert_eq!(a, b, "human segments are untouched"),
                (None, Some(b)) => {
                    machine += 1;
                    assert_eq!(b.prop("x-origin"), Some("mt"));
                    assert_eq!(b.prop("x-mt-model"), Some(tiny_model().to_str().unwrap()));
                    assert_eq!(b.prop("x-mt-settings"), Some("beam=2"));
                }
                (Some(_), None) => panic!("a human segment was lost"),
                (None, None) => panic!("a gap stayed empty"),
            }
        }
    }
    let report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(d.join("r.json")).unwrap()).unwrap();
    let gaps: u64 = ["kk", "ru", "en"]
        .iter()
        .map(|l| report["gaps"][l].as_u64().unwrap())
        .sum();
    assert_eq!(machine as u64, gaps);
    assert_eq!(
        report["unfilled"],
        serde_json::json!({"kk": 0, "ru": 0, "en": 0})
    );
    assert!(report["seconds"]["fill"].as_f64().is_some());
    // The line formats carry the origin too.
    let tsv = d.join("filled.tsv");
    assert_ok(&run(&[
        "-o",
        s(&tsv),
        "--config",
        s(&cfg),
        "--cache-dir",
        s(&d.join("cache")),
    ]));
    let text = fs::read_to_string(tsv).unwrap();
    assert_eq!(
        text.lines()
            .filter(|l| l.split('\t').skip(4).take(3).any(|o| o == "mt"))
            .count(),
        plain.iter().filter(|u| u.variants.len() < 3).count()
    );
}

#[test]
fn a_rerun_translates_nothing_and_writes_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cfg = config(d, &tiny_model());
    let cache = d.join("cache");
    let (a, b) = (d.join("a.tmx"), d.join("b.tmx"));
    assert_ok(&run(&[
        "-o",
        s(&a),
        "--config",
        s(&cfg),
        "--cache-dir",
        s(&cache),
    ]));
    let o = run(&[
        "-o",
        s(&b),
        "--config",
        s(&cfg),
        "--cache-dir",
        s(&cache),
        "--report",
        s(&d.join("r.json")),
    ]);
    assert_ok(&o);
    assert_eq!(fs::read(&a).unwrap(), fs::read(&b).unwrap());
    let report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(d.join("r.json")).unwrap()).unwrap();
    for dir in report["fill"].as_array().unwrap() {
        assert_eq!(dir["translated"], 0, "{dir}");
        assert_eq!(dir["cached"], dir["sources"], "{dir}");
    }
}

#[test]
fn a_killed_run_resumes_to_identical_output() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cfg = config(d, &tiny_model());
    let reference = d.join("reference.tmx");
    assert_ok(&run(&[
        "-o",
        s(&reference),
        "--config",
        s(&cfg),
        "--cache-dir",
        s(&d.join("ref-cache")),
    ]));

    let cache = d.join("cache");
    let out = d.join("out.tmx");
    let mut child = Command::new(env!("CARGO_BIN_EXE_shanyraq"))
        .args([
            "run",
            s(&corpus("demo")),
            "-o",
            s(&out),
            "--config",
            s(&cfg),
            "--cache-dir",
            s(&cache),
            "--batch-size",
            "1",
        ])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill (SIGKILL) as soon as the first translations are durable.
    let log = cache.join("translations.jsonl");
    let start = Instant::now();
    while fs::metadata(&log).map_or(true, |m| m.len() == 0)
        && start.elapsed() < Duration::from_secs(60)
    {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().ok();
    child.wait().unwrap();
    assert!(
        !out.exists(),
        "the run was killed before writing its output"
    );
    assert!(
        fs::metadata(&log).unwrap().len() > 0,
        "and after caching some translations"
    );
    let o = run(&[
        "-o",
        s(&out),
        "--config",
        s(&cfg),
        "--cache-dir",
        s(&cache),
        "--resume",
    ]);
    assert_ok(&o);
    assert_eq!(fs::read(&out).unwrap(), fs::read(&reference).unwrap());
    let leftovers: Vec<_> = fs::read_dir(d)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary files left behind: {leftovers:?}"
    );
}

#[test]
fn a_broken_model_still_writes_the_aligned_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let model = d.join("broken-model");
    fs::create_dir(&model).unwrap();
    fs::write(model.join("config.json"), "{ not json").unwrap();
    let cfg = config(d, &model);
    let (plain, out) = (d.join("plain.tmx"), d.join("out.tmx"));
    assert_ok(&run(&["-o", s(&plain), "--no-fill"]));
    let o = run(&[
        "-o",
        s(&out),
        "--config",
        s(&cfg),
        "--cache-dir",
        s(&d.join("cache")),
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("kk→en") && err.contains("left empty"), "{err}");
    assert!(
        err.contains("broken-model"),
        "the error names the model: {err}"
    );
    assert_eq!(
        fs::read(&plain).unwrap(),
        fs::read(&out).unwrap(),
        "the aligned corpus is complete"
    );
}

#[test]
fn eval_sample_reports_scores_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cfg = config(d, &tiny_model());
    let cache = d.join("cache");
    let (a, b) = (d.join("a.tmx"), d.join("b.tmx"));
    assert_ok(&run(&[
        "-o",
        s(&a),
        "--config",
        s(&cfg),
        "--cache-dir",
        s(&cache),
    ]));
    let o = run(&[
        "-o",
        s(&b),
        "--config",
        s(&cfg),
        "--cache-dir",
        s(&cache),
        "--eval-sample",
        "5",
        "--report",
        s(&d.join("r.json")),
    ]);
    assert_ok(&o);
    assert_eq!(fs::read(&a).unwrap(), fs::read(&b).unwrap());
    assert!(
        stderr(&o).contains("MT quality kk→ru on 5 human-translated sentences: BLEU"),
        "{}",
        stderr(&o)
    );
    let report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(d.join("r.json")).unwrap()).unwrap();
    let eval = report["eval"].as_array().unwrap();
    assert_eq!(eval.len(), 2);
    for e in eval {
        assert_eq!(e["segments"], 5);
        assert!(e["chrf"].as_f64().is_some(), "{e}");
    }
}

#[test]
fn resume_without_a_cache_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = run(&[
        "-o",
        s(&d.join("o.tmx")),
        "--cache-dir",
        s(&d.join("none")),
        "--resume",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--resume"), "{}", stderr(&o));
}
