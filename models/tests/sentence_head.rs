//! sentence-transformers models (`modules.json`): the tiny random model in
//! LaBSE's shape that `scripts/make_st_fixture.py` wrote, with the token ids
//! and embeddings sentence-transformers computed for it, and the errors for
//! module setups the encoder does not implement.

mod common;

use std::path::{Path, PathBuf};

use serde::Deserialize;
use shanyraq_models::{EncoderOptions, ModelSource, Pooling, SentenceEncoder};

#[derive(Deserialize)]
struct Expected {
    sentences: Vec<String>,
    ids: Vec<Vec<u32>>,
    embeddings: Vec<Vec<f32>>,
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/st-tiny")
}

fn expected() -> Expected {
    let text = std::fs::read_to_string(fixture().join("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// A copy of the fixture whose `file` is replaced by `text`.
fn altered(file: &str, text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in walk(&fixture()) {
        let rel = entry.strip_prefix(fixture()).unwrap();
        let to = dir.path().join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &to).unwrap();
    }
    std::fs::write(dir.path().join(file), text).unwrap();
    dir
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn load(dir: &Path, options: EncoderOptions) -> Result<SentenceEncoder, shanyraq_models::Error> {
    SentenceEncoder::load_with(
        &ModelSource::Local(dir.to_path_buf()),
        common::test_device(),
        options,
    )
}

#[test]
fn cls_dense_tanh_normalize_matches_sentence_transformers() {
    let want = expected();
    // E5's options (mean pooling) are overridden by modules.json; LaBSE's
    // (the BERT pooler, which this model has, with other weights) too.
    for options in [EncoderOptions::e5(), EncoderOptions::labse()] {
        // Float32, to compare with sentence-transformers within 1e-5.
        let options = EncoderOptions {
            prefix: String::new(),
            batch_size: 2,
            int8: false,
            dtype: Some(candle_core::DType::F32),
            ..options
        };
        let mut encoder = load(&fixture(), options).unwrap();
        assert_eq!(encoder.options().pooling, Pooling::Cls);
        assert_eq!(encoder.dim(), 16);
        let sentences: Vec<&str> = want.sentences.iter().map(String::as_str).collect();
        for (s, ids) in sentences.iter().zip(&want.ids) {
            assert_eq!(&encoder.token_ids(s).unwrap(), ids, "{s}");
        }
        let got = encoder.encode(&sentences).unwrap();
        for ((s, g), w) in sentences.iter().zip(&got).zip(&want.embeddings) {
            let diff = g
                .iter()
                .zip(w)
                .map(|(a, b)| (a - b).abs())
                .fold(0f32, f32::max);
            assert!(diff < 1e-5, "{s}: {diff}");
        }
    }
}

#[test]
fn unsupported_modules_are_named() {
    let cases = [
        (
            "1_Pooling/config.json",
            r#"{"pooling_mode_max_tokens": true}"#,
            "pooling_mode_max_tokens",
        ),
        (
            "1_Pooling/config.json",
            r#"{"pooling_mode_cls_token": true, "pooling_mode_mean_tokens": true}"#,
            "pooling_mode_",
        ),
        (
            "2_Dense/config.json",
            r#"{"in_features": 32, "out_features": 16, "activation_function": "torch.nn.modules.activation.ReLU"}"#,
            "ReLU",
        ),
        (
            "modules.json",
            r#"[{"idx": 0, "path": "", "type": "sentence_transformers.models.Transformer"},
                {"idx": 1, "path": "1_Pooling", "type": "sentence_transformers.models.WordWeights"}]"#,
            "WordWeights",
        ),
    ];
    for (file, text, named) in cases {
        let dir = altered(file, text);
        let err = load(dir.path(), EncoderOptions::e5())
            .unwrap_err()
            .to_string();
        assert!(err.contains(named), "{file}: {err}");
    }
    // A Dense module whose weights are missing says which file it wanted.
    let dir = altered(
        "2_Dense/config.json",
        r#"{"in_features": 32, "out_features": 16}"#,
    );
    std::fs::remove_file(dir.path().join("2_Dense/model.safetensors")).unwrap();
    let err = load(dir.path(), EncoderOptions::e5())
        .unwrap_err()
        .to_string();
    assert!(err.contains("2_Dense/pytorch_model.bin"), "{err}");
}
