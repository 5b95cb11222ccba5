//! `shanyraq score` from the command line: gates, exit codes, inputs.
//! Numeric parity with sacrebleu is in score_parity.rs.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::*;
use serde_json::Value;

fn write(dir: &Path, name: &str, lines: &[&str]) -> String {
    let p = dir.join(name);
    fs::write(
        &p,
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    )
    .unwrap();
    p.to_str().unwrap().to_string()
}

const REF: [&str; 3] = [
    "Парламент заңды 15 наурызда қабылдады.",
    "The ministry said on Monday that 10,000 people «came».",
    "Бұл — соңғы сөйлем.",
];
const HYP: [&str; 3] = [
    "Парламент заңды наурызда қабылдады.",
    "The ministry said Monday that 10,000 people came.",
    "Бұл соңғы сөйлем.",
];

fn json(o: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

#[test]
fn gates_decide_the_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let (r, h) = (
        write(dir.path(), "ref.txt", &REF),
        write(dir.path(), "hyp.txt", &HYP),
    );
    let base = [
        "score",
        "--ref",
        &r,
        "--hyp",
        &h,
        "--metrics",
        "bleu,chrf,ter",
        "--json",
    ];
    let o = shanyraq(&[&base[..], &["--min", "chrf=10", "--max", "ter=90"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let j = json(&o);
    assert_eq!(j["passed"], true);
    assert_eq!(j["gates"].as_array().unwrap().len(), 2);
    assert!(j["systems"][0]["scores"][0]["signature"]
        .as_str()
        .unwrap()
        .starts_with("nrefs:1|case:mixed|eff:no|tok:13a"));

    let o = shanyraq(&[&base[..], &["--min", "bleu=99"]].concat());
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json(&o)["passed"], false);
    let o = shanyraq(&["score", "--ref", &r, "--hyp", &h, "--min", "bleu=99"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("gate failed") && stderr(&o).contains("bleu"),
        "{}",
        stderr(&o)
    );
    // A gate on a metric that is not computed is a usage error.
    let o = shanyraq(&[
        "score",
        "--ref",
        &r,
        "--hyp",
        &h,
        "--metrics",
        "bleu",
        "--max",
        "ter=50",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--metrics"), "{}", stderr(&o));
}

#[test]
fn input_errors_exit_2_and_say_where() {
    let dir = tempfile::tempdir().unwrap();
    let r = write(dir.path(), "ref.txt", &REF);
    let short = write(dir.path(), "short.txt", &HYP[..2]);
    let o = shanyraq(&["score", "--ref", &r, "--hyp", &short]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("short.txt has 2") && err.contains("ref.txt has 3"),
        "{err}"
    );

    let bad = dir.path().join("bad.txt");
    fs::write(&bad, b"one\ntwo \xc3\x28\nthree\n").unwrap();
    let o = shanyraq(&["score", "--ref", &r, "--hyp", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("bad.txt:2: invalid UTF-8"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn sentence_level_gives_one_line_per_segment() {
    let dir = tempfile::tempdir().unwrap();
    let (r, h) = (
        write(dir.path(), "ref.txt", &REF),
        write(dir.path(), "hyp.txt", &HYP),
    );
    let o = shanyraq(&["score", "--ref", &r, "--hyp", &h, "--sentence-level"]);
    assert_ok(&o);
    let lines: Vec<String> = stdout(&o)
        .lines()
        .filter(|l| l.starts_with(char::is_numeric))
        .map(str::to_string)
        .collect();
    assert_eq!(lines.len(), 3, "{}", stdout(&o));
    assert!(
        lines[0].starts_with("1\tBLEU = ") && lines[0].contains("chrF2 = "),
        "{lines:?}"
    );
}

#[test]
fn tmx_streams_score_like_text_files() {
    let dir = tempfile::tempdir().unwrap();
    let tmx = dir.path().join("demo.tmx");
    assert_ok(&shanyraq(&[
        "run",
        corpus("demo").to_str().unwrap(),
        "-o",
        tmx.to_str().unwrap(),
        "--no-fill",
    ]));
    let units: Vec<_> = shanyraq::export::tmx_read::open(&tmx)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let text = |lang| -> Vec<String> {
        units
            .iter()
            .map(|u| u.variant(lang).map(|v| v.text.clone()).unwrap_or_default())
            .collect()
    };
    let kk = text(shanyraq::Lang::Kk);
    let ru = text(shanyraq::Lang::Ru);
    let kk_refs: Vec<&str> = kk.iter().map(String::as_str).collect();
    let ru_refs: Vec<&str> = ru.iter().map(String::as_str).collect();
    let (r, h) = (
        write(dir.path(), "kk.txt", &kk_refs),
        write(dir.path(), "ru.txt", &ru_refs),
    );
    let t = tmx.to_str().unwrap();
    let from_tmx = shanyraq(&[
        "score",
        "--ref",
        &format!("{t}:kk"),
        "--hyp",
        &format!("{t}:ru"),
        "--metrics",
        "chrf",
        "--json",
    ]);
    let from_text = shanyraq(&[
        "score",
        "--ref",
        &r,
        "--hyp",
        &h,
        "--metrics",
        "chrf",
        "--json",
    ]);
    assert_ok(&from_tmx);
    assert_eq!(
        json(&from_tmx)["systems"][0]["scores"],
        json(&from_text)["systems"][0]["scores"]
    );
    let o = shanyraq(&["score", "--ref", t, "--hyp", t]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(":en"), "{}", stderr(&o));
}

#[test]
fn the_cli_agrees_with_the_sacrebleu_cli() {
    let Some(python) = require(
        python_with("sacrebleu"),
        "sacrebleu in the Python venv",
        "run .ci/run or scripts/setup.sh",
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (r, h) = (
        write(dir.path(), "ref.txt", &REF),
        write(dir.path(), "hyp.txt", &HYP),
    );
    for (metric, flag) in [
        ("bleu", "bleu"),
        ("chrf", "chrf"),
        ("chrf++", "chrf"),
        ("ter", "ter"),
    ] {
        let ours = shanyraq(&[
            "score",
            "--ref",
            &r,
            "--hyp",
            &h,
            "--metrics",
            metric,
            "--json",
        ]);
        let ours = json(&ours)["systems"][0]["scores"][0]["score"]
            .as_f64()
            .unwrap();
        let mut cmd = Command::new(&python);
        cmd.args([
            "-m",
            "sacrebleu",
            &r,
            "-i",
            &h,
            "-m",
            flag,
            "-b",
            "-w",
            "12",
        ]);
        if metric == "chrf++" {
            cmd.args(["--chrf-word-order", "2"]);
        }
        let theirs: f64 = String::from_utf8(cmd.output().unwrap().stdout)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert!(
            (ours - theirs).abs() < 1e-9,
            "{metric}: ours {ours}, sacrebleu {theirs}"
        );
    }
}
