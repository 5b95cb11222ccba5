//! `shanyraq translate` on the tiny Marian fixture.

mod common;

use common::*;

fn translate(extra: &[&str], input: &str) -> std::process::Output {
    translate_with("marian-tiny", "en", extra, input)
}

/// `shanyraq translate --from kk --to TO` with fixture `model`.
fn translate_with(model: &str, to: &str, extra: &[&str], input: &str) -> std::process::Output {
    let model = root().join("models/tests/fixtures").join(model);
    let base = [
        "translate",
        "--from",
        "kk",
        "--to",
        to,
        "--model-dir",
        model.to_str().unwrap(),
    ];
    shanyraq_stdin(&[&base[..], extra].concat(), input)
}

#[test]
fn one_line_out_per_line_in() {
    let input = "Бір сөйлем.\n\nҚ.Тоқаев 15 наурызда «Shanyraq» туралы айтты.\n   \nСоңғы.\n";
    let o = translate(&[], input);
    assert_ok(&o);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5);
    assert!(
        lines[1].is_empty() && lines[3].is_empty(),
        "empty in, empty out: {lines:?}"
    );
    assert!(!lines[0].is_empty() && !lines[2].is_empty() && !lines[4].is_empty());
}

#[test]
fn batch_size_does_not_change_the_output() {
    let input: String = (0..20)
        .map(|i| format!("Сөйлем нөмірі {i} {}.\n", "сөз ".repeat(i % 7)))
        .collect();
    let one = translate(&["--batch-size", "1", "--beam", "3"], &input);
    let many = translate(&["--batch-size", "8", "--beam", "3"], &input);
    assert_ok(&one);
    assert_eq!(stdout(&one), stdout(&many));
}

#[test]
fn half_precision_runs_and_keeps_line_parity() {
    let input = "Бір сөйлем.\n\nЕкінші сөйлем 2026 жылы.\n";
    for dtype in ["f16", "bf16"] {
        let o = translate(&["--dtype", dtype, "--beam", "2"], input);
        assert_ok(&o);
        assert_eq!(stdout(&o).lines().count(), 3, "{dtype}");
    }
    let o = translate(&["--dtype", "int8"], input);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("unknown dtype `int8`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_thread_count_does_not_change_the_output() {
    // `--threads` is global: it may follow the subcommand.
    let input: String = (0..12).map(|i| format!("Сөйлем {i} туралы.\n")).collect();
    let a = translate(&["--threads", "1", "--beam", "3"], &input);
    let b = translate(&["--threads", "2", "--beam", "3"], &input);
    assert_ok(&a);
    assert_eq!(stdout(&a), stdout(&b));
    let o = shanyraq_stdin(
        &["--threads", "0", "translate", "--from", "kk", "--to", "en"],
        "x\n",
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--threads"), "{}", stderr(&o));
}

#[test]
fn a_missing_model_is_a_clear_error() {
    let o = shanyraq_stdin(
        &[
            "translate",
            "--from",
            "kk",
            "--to",
            "en",
            "--model-dir",
            "/no/such/model",
        ],
        "x\n",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("/no/such/model"), "{}", stderr(&o));
}

#[test]
fn a_gpu_this_build_lacks_is_a_clear_error() {
    // A build without the cuda feature (the default, and CI's) says how
    // to get one.
    let o = translate(&["--device", "cuda"], "x\n");
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("cuda:0") && err.contains("--features shanyraq-models/cuda"),
        "{err}"
    );
}

#[test]
fn a_many_to_many_model_is_told_the_direction() {
    // The tiny M2M100 (NLLB architecture) fixture: `--from`/`--to` pick
    // its language tokens; the expected text is transformers' (beam 4,
    // at least 8 tokens), see scripts/make_model_fixtures.py.
    let model = root().join("models/tests/fixtures/m2m100-tiny");
    let exp: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(model.join("expected.json")).unwrap())
            .unwrap();
    let case = &exp["translations"][1];
    let search = ["--beam", "4", "--max-length", "24", "--min-length", "8"];
    let input = format!("{}\n", case["text"].as_str().unwrap());
    let o = translate_with("m2m100-tiny", "en", &search, &input);
    assert_ok(&o);
    assert_eq!(stdout(&o).trim_end(), case["translation"].as_str().unwrap());
    // A language the model has no token for: a clear error, not output.
    let o = translate_with("m2m100-tiny", "de", &[], "Сәлем.\n");
    assert!(!o.status.success());
    assert!(stderr(&o).contains("deu_Latn"), "{}", stderr(&o));
}
