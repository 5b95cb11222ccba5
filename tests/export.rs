//! TMX, Moses, TSV and JSONL output: validity against the TMX 1.4 DTD,
//! read-back by translate-toolkit and by our own reader.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use shanyraq::export::tmx_read;
use shanyraq::Lang;

fn run_demo(dir: &Path, file: &str, extra: &[&str]) -> std::path::PathBuf {
    let out = dir.join(file);
    let demo = corpus("demo");
    let mut args = vec![
        "run",
        demo.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--no-fill",
    ];
    args.extend_from_slice(extra);
    assert_ok(&shanyraq(&args));
    out
}

#[test]
fn demo_tmx_is_valid_against_the_dtd() {
    let dir = tempfile::tempdir().unwrap();
    let tmx = run_demo(dir.path(), "demo.tmx", &[]);
    assert_dtd_valid(&tmx);
}

#[test]
fn translate_toolkit_reads_every_segment_back() {
    let Some(python) = require(
        python_with("translate.storage.tmx"),
        "translate-toolkit in the Python venv",
        "run .ci/run or `python3 -m venv .venv && .venv/bin/pip install -r scripts/requirements.txt`",
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let tmx = run_demo(dir.path(), "demo.tmx", &[]);
    let o = Command::new(python)
        .arg(root().join("scripts/tmx_dump_ttk.py"))
        .arg(&tmx)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let theirs: Vec<serde_json::Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ours: Vec<_> = tmx_read::open(&tmx).unwrap().map(Result::unwrap).collect();
    assert_eq!(theirs.len(), ours.len());
    assert!(!ours.is_empty());
    for (t, u) in theirs.iter().zip(&ours) {
        for lang in [Lang::Kk, Lang::Ru, Lang::En] {
            let ours = u.variant(lang).map(|v| v.text.as_str());
            let theirs = t.get(lang.code()).and_then(|v| v.as_str());
            assert_eq!(ours, theirs, "{lang} in {t}");
        }
    }
}

#[test]
fn every_format_holds_the_same_rows() {
    let dir = tempfile::tempdir().unwrap();
    let tmx = run_demo(dir.path(), "demo.tmx", &[]);
    let tsv = run_demo(dir.path(), "demo.tsv", &[]);
    let jsonl = run_demo(dir.path(), "demo.jsonl", &[]);
    run_demo(dir.path(), "demo", &["--format", "moses"]);
    let units: Vec<_> = tmx_read::open(&tmx).unwrap().map(Result::unwrap).collect();
    let tsv = std::fs::read_to_string(tsv).unwrap();
    let mut tsv_lines = tsv.lines();
    assert_eq!(tsv_lines.next(), Some(shanyraq::export::tsv::HEADER));
    let tsv_rows: Vec<Vec<&str>> = tsv_lines.map(|l| l.split('\t').collect()).collect();
    let json_rows: Vec<serde_json::Value> = std::fs::read_to_string(jsonl)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let moses: Vec<Vec<String>> = ["kk", "ru", "en", "meta"]
        .iter()
        .map(|ext| {
            let text = std::fs::read_to_string(dir.path().join(format!("demo.{ext}"))).unwrap();
            text.lines().map(str::to_string).collect()
        })
        .collect();
    assert_eq!(units.len(), tsv_rows.len());
    assert_eq!(units.len(), json_rows.len());
    for m in &moses {
        assert_eq!(units.len(), m.len());
    }
    for (i, u) in units.iter().enumerate() {
        assert_eq!(u.prop("x-doc"), Some(tsv_rows[i][0]));
        // Moses' .meta carries the beads and scores TSV does.
        assert_eq!(moses[3][i].split('\t').nth(4), Some(tsv_rows[i][7]));
        assert!(tsv_rows[i][7].starts_with("kk-"), "{}", tsv_rows[i][7]);
        assert_eq!(json_rows[i]["doc"], tsv_rows[i][0]);
        for (c, lang) in [Lang::Kk, Lang::Ru, Lang::En].into_iter().enumerate() {
            let text = u.variant(lang).map_or("", |v| v.text.as_str());
            assert_eq!(tsv_rows[i][1 + c], text);
            assert_eq!(moses[c][i], text);
            let origin = if text.is_empty() { "" } else { "human" };
            assert_eq!(tsv_rows[i][4 + c], origin);
            assert_eq!(moses[3][i].split('\t').nth(1 + c), Some(origin));
            let json_text = json_rows[i][lang.code()]["text"].as_str().unwrap_or("");
            assert_eq!(json_text, text);
            if let Some(v) = u.variant(lang) {
                assert_eq!(v.prop("x-origin"), Some("human"));
            }
        }
    }
}
