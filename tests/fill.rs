//! `shanyraq run` with gap filling, on the demo corpus with the tiny Marian
//! model that scripts/make_model_fixtures.py generated (random weights,
//! real tokenizer), given as a local path in a config file.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;
use shanyraq::export::tmx_read::{self, TranslationUnit};
use shanyraq::Lang;

fn tiny_model() -> PathBuf {
    root().join("models/tests/fixtures/marian-tiny")
}

/// A temporary directory with a config sending every direction to one
/// model, and a translation cache.
struct Setup {
    dir: tempfile::TempDir,
    config: PathBuf,
    cache: PathBuf,
}

impl Setup {
    fn new(model: &Path) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::from("[defaults]\nbeam = 2\n");
        for pair in ["kk-ru", "kk-en", "ru-kk", "ru-en", "en-kk", "en-ru"] {
            text.push_str(&format!(
                "[models.{pair}]\npath = {:?}\n",
                model.display().to_string()
            ));
        }
        let config = dir.path().join("shanyraq.toml");
        fs::write(&config, text).unwrap();
        let cache = dir.path().join("cache");
        Setup { dir, config, cache }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The arguments of a filling run of the demo corpus into `out`.
    fn args(&self, out: &Path) -> Vec<String> {
        [
            "run",
            s(&corpus("demo")),
            "-o",
            s(out),
            "--config",
            s(&self.config),
            "--cache-dir",
            s(&self.cache),
        ]
        .map(str::to_string)
        .to_vec()
    }

    /// Runs the demo corpus into `out` with gap filling and `extra` flags.
    fn fill(&self, out: &Path, extra: &[&str]) -> Output {
        let mut args = self.args(out);
        args.extend(extra.iter().map(|a| a.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        shanyraq(&args)
    }

    /// Runs the demo corpus into `out` without filling.
    fn plain(&self, out: &Path) -> Output {
        shanyraq(&["run", s(&corpus("demo")), "-o", s(out), "--no-fill"])
    }

    fn report(&self) -> Value {
        serde_json::from_str(&fs::read_to_string(self.path("r.json")).unwrap()).unwrap()
    }
}

fn units(path: &Path) -> Vec<TranslationUnit> {
    tmx_read::open(path).unwrap().map(Result::unwrap).collect()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn exactly_the_gaps_are_filled_and_marked() {
    let t = Setup::new(&tiny_model());
    let (plain, filled) = (t.path("plain.tmx"), t.path("filled.tmx"));
    assert_ok(&t.plain(&plain));
    assert_ok(&t.fill(&filled, &["--report", s(&t.path("r.json"))]));
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
                    assert_eq!(b.prop("x-mt-model"), Some(s(&tiny_model())));
                    assert_eq!(b.prop("x-mt-settings"), Some("beam=2"));
                }
                (Some(_), None) => panic!("a human segment was lost"),
                (None, None) => panic!("a gap stayed empty"),
            }
        }
    }
    let report = t.report();
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
    let tsv = t.path("filled.tsv");
    assert_ok(&t.fill(&tsv, &[]));
    let text = fs::read_to_string(tsv).unwrap();
    let with_mt = text
        .lines()
        .filter(|l| l.split('\t').skip(4).take(3).any(|o| o == "mt"));
    assert_eq!(
        with_mt.count(),
        plain.iter().filter(|u| u.variants.len() < 3).count()
    );
}

#[test]
fn a_rerun_translates_nothing_and_writes_the_same_bytes() {
    let t = Setup::new(&tiny_model());
    let (a, b) = (t.path("a.tmx"), t.path("b.tmx"));
    assert_ok(&t.fill(&a, &[]));
    assert_ok(&t.fill(&b, &["--report", s(&t.path("r.json"))]));
    assert_eq!(fs::read(&a).unwrap(), fs::read(&b).unwrap());
    for dir in t.report()["fill"].as_array().unwrap() {
        assert_eq!(dir["translated"], 0, "{dir}");
        assert_eq!(dir["cached"], dir["sources"], "{dir}");
    }
}

#[test]
fn a_killed_run_resumes_to_identical_output() {
    let t = Setup::new(&tiny_model());
    let reference = t.path("reference.tmx");
    let fresh = Setup::new(&tiny_model());
    assert_ok(&fresh.fill(&reference, &[]));

    let out = t.path("out.tmx");
    let mut child = Command::new(env!("CARGO_BIN_EXE_shanyraq"))
        .args(t.args(&out))
        .args(["--batch-size", "1"])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill (SIGKILL) as soon as the first translations are durable.
    let log = t.cache.join("translations.jsonl");
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
    assert_ok(&t.fill(&out, &["--resume"]));
    assert_eq!(fs::read(&out).unwrap(), fs::read(&reference).unwrap());
    let leftovers: Vec<_> = fs::read_dir(t.dir.path())
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
    let scratch = tempfile::tempdir().unwrap();
    let model = scratch.path().join("broken-model");
    fs::create_dir(&model).unwrap();
    fs::write(model.join("config.json"), "{ not json").unwrap();
    let t = Setup::new(&model);
    let (plain, out) = (t.path("plain.tmx"), t.path("out.tmx"));
    assert_ok(&t.plain(&plain));
    let o = t.fill(&out, &[]);
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
    let t = Setup::new(&tiny_model());
    let (a, b) = (t.path("a.tmx"), t.path("b.tmx"));
    assert_ok(&t.fill(&a, &[]));
    let o = t.fill(
        &b,
        &["--eval-sample", "5", "--report", s(&t.path("r.json"))],
    );
    assert_ok(&o);
    assert_eq!(fs::read(&a).unwrap(), fs::read(&b).unwrap());
    assert!(
        stderr(&o).contains("MT quality kk→ru on 5 human-translated sentences: BLEU"),
        "{}",
        stderr(&o)
    );
    let report = t.report();
    let eval = report["eval"].as_array().unwrap();
    assert_eq!(eval.len(), 2);
    for e in eval {
        assert_eq!(e["segments"], 5);
        assert!(e["chrf"].as_f64().is_some(), "{e}");
    }
}

#[test]
fn resume_without_a_cache_is_refused() {
    let t = Setup::new(&tiny_model());
    let o = t.fill(&t.path("o.tmx"), &["--resume"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--resume"), "{}", stderr(&o));
}

#[test]
fn hub_models_are_recorded_by_the_commit_their_revision_names() {
    // The tiny Marian as Hub repo `shanyraq/marian-tiny` in a Hugging Face
    // cache whose refs/main points at a snapshot, used offline.
    let t = Setup::new(&tiny_model());
    let commit = "89abcdef0123456789abcdef0123456789abcdef";
    let repo_dir = t.path("hf/hub/models--shanyraq--marian-tiny");
    copy_dir(&tiny_model(), &repo_dir.join("snapshots").join(commit));
    fs::create_dir_all(repo_dir.join("refs")).unwrap();
    fs::write(repo_dir.join("refs/main"), commit).unwrap();
    let out = t.path("hub.tmx");
    let mut args = t.args(&out);
    // `--model` overrides the config's local paths for kk-en only.
    args.extend(["--model".into(), "kk-en=shanyraq/marian-tiny".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = Command::new(env!("CARGO_BIN_EXE_shanyraq"))
        .args(&args)
        .env("HF_HOME", t.path("hf"))
        .env("HF_HUB_OFFLINE", "1")
        .env_remove("HF_HUB_CACHE")
        .env_remove("SHANYRAQ_LOG")
        .output()
        .unwrap();
    assert_ok(&o);
    let pinned = format!("shanyraq/marian-tiny@{commit}");
    let english_mt: Vec<_> = units(&out)
        .into_iter()
        .filter_map(|u| u.variant(Lang::En).cloned())
        .filter(|v| v.prop("x-origin") == Some("mt"))
        .collect();
    assert!(!english_mt.is_empty());
    for v in english_mt {
        assert_eq!(v.prop("x-mt-model"), Some(pinned.as_str()));
    }
}

#[test]
fn a_mistyped_device_or_weight_type_fails_before_any_work() {
    let t = Setup::new(&tiny_model());
    let out = t.path("o.tmx");
    for (flag, value, said) in [
        ("--device", "cuda:x", "bad device index"),
        ("--dtype", "int4", "unknown dtype `int4`"),
    ] {
        let o = t.fill(&out, &[flag, value]);
        assert!(!o.status.success(), "{flag} {value}");
        assert!(stderr(&o).contains(said), "{}", stderr(&o));
        assert!(!out.exists(), "nothing is written");
    }
}

#[test]
fn one_many_to_many_model_fills_every_direction() {
    // The tiny M2M100 (NLLB's architecture) for all six directions: each
    // loaded translator is told its direction (without it a many-to-many
    // model refuses to translate), so every direction translates its gaps.
    // (The random model ends some translations at once: an empty output
    // leaves its gap, and the report counts it as empty, not filled.)
    let model = root().join("models/tests/fixtures/m2m100-tiny");
    let t = Setup::new(&model);
    let filled = t.path("filled.tmx");
    assert_ok(&t.fill(&filled, &["--report", s(&t.path("r.json"))]));
    let report = t.report();
    let directions = report["fill"].as_array().unwrap();
    assert!(directions.len() >= 3);
    for d in directions {
        assert!(d["error"].is_null(), "{d}");
        assert_eq!(d["translated"], d["sources"], "{d}");
        let (filled, empty) = (d["filled"].as_u64().unwrap(), d["empty"].as_u64().unwrap());
        assert_eq!(filled + empty, d["gaps"].as_u64().unwrap(), "{d}");
    }
    let machine = units(&filled)
        .iter()
        .flat_map(|u| u.variants.clone())
        .filter(|v| v.prop("x-origin") == Some("mt"))
        .inspect(|v| assert_eq!(v.prop("x-mt-model"), Some(s(&model))))
        .count();
    assert!(machine > 0);
}
