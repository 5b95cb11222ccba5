//! The pure-Rust Marian tokenizer against transformers' MarianTokenizer
//! (fixture written by scripts/make_tokenizer_fixtures.py).

mod common;

use common::{fixture, ids, json};
use shanyraq_models::tokenizer::{MarianTokenizer, TextTokenizer, TokenizerFiles};

fn marian() -> MarianTokenizer {
    let dir = fixture("marian-spm");
    MarianTokenizer::from_files(&dir.join("source.spm"), &dir.join("vocab.json")).unwrap()
}

#[test]
fn source_ids_match_transformers() {
    let tok = marian();
    let expected = json("marian-spm", "tokenizer_expected.json");
    let cases = expected["cases"].as_array().unwrap();
    assert!(cases.len() >= 60);
    let mut bad = Vec::new();
    for c in cases {
        let text = c["text"].as_str().unwrap();
        let got = tok.encode(text).unwrap();
        if got != ids(&c["ids"]) {
            bad.push(format!("{text:?}: got {got:?}, want {:?}", ids(&c["ids"])));
        }
    }
    assert!(
        bad.is_empty(),
        "{} mismatches:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn decoded_strings_match_transformers() {
    let tok = marian();
    let expected = json("marian-spm", "tokenizer_expected.json");
    for c in expected["cases"].as_array().unwrap() {
        for (ids_key, text_key) in [("target_ids", "decoded"), ("ids", "decoded_source")] {
            assert_eq!(
                tok.decode(&ids(&c[ids_key])),
                c[text_key].as_str().unwrap(),
                "{ids_key} of {:?}",
                c["text"]
            );
        }
    }
}

#[test]
fn text_tokenizer_prefers_marian_files_without_tokenizer_json() {
    let dir = fixture("marian-spm");
    let files = TokenizerFiles {
        source_spm: Some(dir.join("source.spm")),
        vocab_json: Some(dir.join("vocab.json")),
        ..Default::default()
    };
    let tok = TextTokenizer::load(&files, "fixture").unwrap();
    assert!(matches!(tok, TextTokenizer::Marian(_)));
    assert_eq!(tok.token_to_id(">>kaz<<"), marian().token_to_id(">>kaz<<"));
    let ids = tok.encode("Сәлем").unwrap();
    assert_eq!(*ids.last().unwrap(), 0, "</s> appended");
    let missing = TextTokenizer::load(&TokenizerFiles::default(), "fixture").unwrap_err();
    assert!(missing.to_string().contains("tokenizer.json"), "{missing}");
}
