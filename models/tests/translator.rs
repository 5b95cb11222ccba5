//! The translator end to end on the tiny Marian fixture, and loading errors.

mod common;

use std::path::Path;

use candle_core::Device;
use common::{fixture, ids, json};
use shanyraq_models::{
    DecodeOptions, Error, MaxLength, ModelSource, Seq2SeqTranslator, Translator,
};

fn load(
    dir: &Path,
    target: Option<&str>,
    options: DecodeOptions,
) -> Result<Seq2SeqTranslator, Error> {
    // Float32 on every device: the expected outputs are transformers'.
    let options = DecodeOptions {
        dtype: options.dtype.or(Some(candle_core::DType::F32)),
        ..options
    };
    Seq2SeqTranslator::load(
        &ModelSource::Local(dir.into()),
        common::test_device(),
        target.map(String::from),
        options,
    )
}

#[test]
fn translates_like_transformers_generate_with_the_model_defaults() {
    let mut tr = load(&fixture("marian-tiny"), None, DecodeOptions::default()).unwrap();
    // generation_config.json: num_beams 4, max_length 24, forced EOS, pad banned.
    assert_eq!(tr.params().beam_size, 4);
    assert_eq!(tr.params().max_length, MaxLength::Absolute(24));
    let exp = json("marian-tiny", "expected.json");
    let texts: Vec<&str> = exp["texts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    let beam4 = exp["generate"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["settings"]["name"] == "beam4")
        .unwrap();
    let got = tr.translate(&texts).unwrap();
    assert_eq!(got.len(), texts.len());
    for (i, h) in got.iter().enumerate() {
        let want = &beam4["results"]["batch1"][i];
        let want_text = tr.tokenizer().decode(&ids(&want["tokens"])).unwrap();
        assert_eq!(h.text, want_text, "sentence {i}");
        assert!((h.score - want["score"].as_f64().unwrap() as f32).abs() < 1e-4);
    }
    assert!(tr.model_id().ends_with("marian-tiny"));
}

#[test]
fn batches_give_the_one_by_one_results() {
    let options = DecodeOptions {
        beam_size: Some(3),
        batch_size: 3,
        max_batch_tokens: Some(40),
        ..Default::default()
    };
    let mut tr = load(&fixture("marian-tiny"), None, options).unwrap();
    let texts = [
        "Сәлем, әлем!",
        "a",
        "Ол мектепке барды.",
        "«Кітап» 2024",
        "The quick brown fox.",
        "Hello",
    ];
    let batch = tr.translate(&texts).unwrap();
    for (t, h) in texts.iter().zip(&batch) {
        // Same text; the score may differ in the last float bits, since
        // matrix shapes differ.
        let alone = tr.translate(&[t]).unwrap().remove(0);
        assert_eq!(alone.text, h.text);
        assert!((alone.score - h.score).abs() < 1e-5);
    }
}

#[test]
fn empty_inputs_and_overlong_sentences() {
    let mut tr = load(&fixture("marian-tiny"), None, DecodeOptions::default()).unwrap();
    assert!(tr.translate(&[]).unwrap().is_empty());
    let out = tr.translate(&["", "  ", "Сәлем"]).unwrap();
    assert_eq!(out[0].text, "");
    assert_eq!(out[1].text, "");
    // 64 positions: a longer source is truncated with a warning, not a crash.
    let long = "Қазақстан Республикасы Орталық Азиядағы мемлекет. ".repeat(20);
    let out = tr.translate(&[&long, "Сәлем"]).unwrap();
    assert_eq!(out.len(), 2);
    let relative = DecodeOptions {
        max_length: Some(MaxLength::Relative {
            base: 2,
            per_source_token: 0.5,
        }),
        beam_size: Some(1),
        ..Default::default()
    };
    let mut tr = load(&fixture("marian-tiny"), None, relative).unwrap();
    assert!(!tr.translate(&["a"]).unwrap()[0].text.contains('\u{2581}'));
}

#[test]
fn target_token_must_be_in_the_vocabulary() {
    let mut tr = load(
        &fixture("marian-tiny"),
        Some(">>kaz<<"),
        DecodeOptions::default(),
    )
    .unwrap();
    assert_eq!(tr.translate(&["Сәлем"]).unwrap().len(), 1);
    match load(
        &fixture("marian-tiny"),
        Some(">>xyz<<"),
        DecodeOptions::default(),
    ) {
        Err(Error::UnknownToken { token, .. }) => assert_eq!(token, ">>xyz<<"),
        other => panic!("{:?}", other.err()),
    }
}

#[test]
fn a_label_is_found_under_its_script_variant() {
    // The same model with its Kazakh label written `>>kaz_Cyrl<<`: asking
    // for `>>kaz<<` finds it and translates as the original does.
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("marian-tiny"), dir.path());
    let vocab = std::fs::read_to_string(dir.path().join("vocab.json")).unwrap();
    assert!(vocab.contains("\">>kaz<<\""));
    std::fs::write(
        dir.path().join("vocab.json"),
        vocab.replace("\">>kaz<<\"", "\">>kaz_Cyrl<<\""),
    )
    .unwrap();
    let input = ["Сәлем әлем", "Екінші сөйлем 2026"];
    let mut original = load(
        &fixture("marian-tiny"),
        Some(">>kaz<<"),
        DecodeOptions::default(),
    )
    .unwrap();
    let mut renamed = load(dir.path(), Some(">>kaz<<"), DecodeOptions::default()).unwrap();
    let texts = |h: Vec<shanyraq_models::Hypothesis>| -> Vec<String> {
        h.into_iter().map(|h| h.text).collect()
    };
    assert_eq!(
        texts(renamed.translate(&input).unwrap()),
        texts(original.translate(&input).unwrap())
    );
    use shanyraq_models::translator::matching_label;
    let labels: Vec<String> = [">>kaz_Cyrl<<", ">>kaz_Latn<<", ">>rus<<", ">>kaa<<"]
        .map(String::from)
        .to_vec();
    assert_eq!(
        matching_label(">>kaz<<", &labels).as_deref(),
        Some(">>kaz_Cyrl<<")
    );
    assert_eq!(
        matching_label(">>ka<<", &labels),
        None,
        "a code is matched whole"
    );
    assert_eq!(matching_label(">>eng<<", &labels), None);
}

fn copy_dir(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

#[test]
fn missing_weight_error_names_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture("marian-tiny-sep"), tmp.path());
    let st = tmp.path().join("model.safetensors");
    let mut tensors = candle_core::safetensors::load(&st, &Device::Cpu).unwrap();
    tensors.remove("model.decoder.layers.1.fc2.weight").unwrap();
    candle_core::safetensors::save(&tensors, &st).unwrap();
    let files = ModelSource::Local(tmp.path().into()).resolve().unwrap();
    let err = shanyraq_models::translator::load_model(&files, &Device::Cpu)
        .err()
        .unwrap();
    assert!(matches!(err, Error::Weights { .. }));
    assert!(
        err.to_string()
            .contains("model.decoder.layers.1.fc2.weight"),
        "{err}"
    );
}

#[test]
fn config_errors_name_the_file_or_field() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture("marian-tiny-sep"), tmp.path());
    let cfg_path = tmp.path().join("config.json");
    let mut cfg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cfg_path).unwrap()).unwrap();
    cfg["normalize_before"] = true.into();
    std::fs::write(&cfg_path, cfg.to_string()).unwrap();
    let files = ModelSource::Local(tmp.path().into()).resolve().unwrap();
    let err = shanyraq_models::translator::load_model(&files, &Device::Cpu)
        .err()
        .unwrap();
    assert!(
        matches!(&err, Error::Unsupported { field, .. } if field == "normalize_before"),
        "{err}"
    );

    cfg["normalize_before"] = false.into();
    cfg["activation_function"] = "mish".into();
    std::fs::write(&cfg_path, cfg.to_string()).unwrap();
    let err = shanyraq_models::translator::load_model(&files, &Device::Cpu)
        .err()
        .unwrap();
    assert!(err.to_string().contains("activation_function"), "{err}");

    std::fs::remove_file(tmp.path().join("model.safetensors")).unwrap();
    let err = ModelSource::Local(tmp.path().into()).resolve().unwrap_err();
    assert!(
        matches!(&err, Error::MissingFile { file, .. } if file.contains("model.safetensors")),
        "{err}"
    );
    std::fs::remove_file(&cfg_path).unwrap();
    let err = ModelSource::Local(tmp.path().into()).resolve().unwrap_err();
    assert!(
        matches!(&err, Error::MissingFile { file, .. } if file == "config.json"),
        "{err}"
    );
}

#[test]
fn older_configs_are_read_tolerantly() {
    // marian-tiny's config.json has no share_encoder_decoder_embeddings and
    // "forced_eos_token_id": null, as older OPUS-MT conversions.
    let cfg: serde_json::Value = json("marian-tiny", "config.json");
    assert!(cfg.get("share_encoder_decoder_embeddings").is_none());
    assert!(cfg["forced_eos_token_id"].is_null());
    let c = shanyraq_models::marian::Config::from_file(&fixture("marian-tiny").join("config.json"))
        .unwrap();
    assert!(c.share_encoder_decoder_embeddings);
    assert_eq!(c.forced_eos_token_id, None);
}

/// A copy of fixture `name` with `NAME-pth/pytorch_model.bin` (written by
/// scripts/make_pth_fixture.py) in place of its model.safetensors.
fn with_pytorch_weights(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture(name), tmp.path());
    std::fs::remove_file(tmp.path().join("model.safetensors")).unwrap();
    std::fs::copy(
        fixture(&format!("{name}-pth")).join("pytorch_model.bin"),
        tmp.path().join("pytorch_model.bin"),
    )
    .unwrap();
    tmp
}

#[test]
fn pytorch_model_bin_is_the_fallback_and_gives_the_same_translations() {
    // marian-tiny's files with the weights as torch.save wrote them
    // (scripts/make_pth_fixture.py) instead of model.safetensors.
    let tmp = with_pytorch_weights("marian-tiny");
    let texts = [
        "Қазақстан Республикасы",
        "Привет, мир!",
        "The 15th of March",
    ];
    let mut from_bin = load(tmp.path(), None, DecodeOptions::default()).unwrap();
    let mut from_safetensors =
        load(&fixture("marian-tiny"), None, DecodeOptions::default()).unwrap();
    let (a, b) = (
        from_bin.translate(&texts).unwrap(),
        from_safetensors.translate(&texts).unwrap(),
    );
    assert_eq!(a, b);
    // Both present: model.safetensors wins, so a broken .bin is never read.
    std::fs::copy(
        fixture("marian-tiny").join("model.safetensors"),
        tmp.path().join("model.safetensors"),
    )
    .unwrap();
    std::fs::write(tmp.path().join("pytorch_model.bin"), b"not a checkpoint").unwrap();
    let mut both = load(tmp.path(), None, DecodeOptions::default()).unwrap();
    assert_eq!(both.translate(&texts).unwrap(), b);
}

#[test]
fn a_tied_pytorch_checkpoint_translates_as_its_safetensors() {
    // m2m100-tiny's files with the weights as transformers saves a tied
    // checkpoint (facebook/nllb-200-distilled-600M's layout): the table
    // once, under four names. It is loaded once (weights.rs's unit test
    // checks the names are found to be one tensor) and gives the same
    // translations.
    let tmp = with_pytorch_weights("m2m100-tiny");
    let options = DecodeOptions {
        beam_size: Some(2),
        max_length: Some(MaxLength::Absolute(12)),
        ..DecodeOptions::default()
    };
    let texts = ["Қазақстан Республикасы", "The 15th of March"];
    let mut from_bin = load(tmp.path(), None, options.clone()).unwrap();
    let mut from_safetensors = load(&fixture("m2m100-tiny"), None, options).unwrap();
    from_bin.set_languages("kk", "en").unwrap();
    from_safetensors.set_languages("kk", "en").unwrap();
    assert_eq!(
        from_bin.translate(&texts).unwrap(),
        from_safetensors.translate(&texts).unwrap()
    );
}

/// NLLB's way, on the tiny M2M100 fixture with an NLLB-style
/// tokenizer.json: the source between `kaz_Cyrl` and `</s>` as
/// transformers' `NllbTokenizerFast(src_lang="kaz_Cyrl")` frames it, and
/// the output forced to start with `eng_Latn`, as `generate(...,
/// forced_bos_token_id=eng_Latn)` gives it.
#[test]
fn a_many_to_many_model_translates_between_the_languages_it_is_told() {
    let options = DecodeOptions {
        beam_size: Some(4),
        max_length: Some(MaxLength::Absolute(24)),
        min_length: Some(8),
        ..DecodeOptions::default()
    };
    let mut tr = load(&fixture("m2m100-tiny"), None, options).unwrap();
    let exp = json("m2m100-tiny", "expected.json");
    let cases = exp["translations"].as_array().unwrap();
    let texts: Vec<&str> = cases.iter().map(|c| c["text"].as_str().unwrap()).collect();
    // Without the direction there is no source language to start with.
    let err = tr.translate(&texts).unwrap_err();
    assert!(err.to_string().contains("set_languages"), "{err}");
    tr.set_languages("kk", "en").unwrap();
    let got = tr.translate(&texts).unwrap();
    for (i, c) in cases.iter().enumerate() {
        assert_eq!(
            tr.source_ids(texts[i]).unwrap(),
            ids(&c["source_ids"]),
            "{i}"
        );
        assert_eq!(
            got[i].text,
            c["translation"].as_str().unwrap(),
            "sentence {i}"
        );
    }
    // A language the vocabulary has no token for is named in the error.
    let err = tr.set_languages("kk", "de").unwrap_err();
    assert!(err.to_string().contains("deu_Latn"), "{err}");
    // An explicit target token wins over the direction's.
    let mut ru = load(
        &fixture("m2m100-tiny"),
        Some("rus_Cyrl"),
        DecodeOptions::default(),
    )
    .unwrap();
    ru.set_languages("kk", "en").unwrap();
    assert_eq!(ru.params().forced_bos, Some(152));
}

#[test]
fn one_direction_models_ignore_the_direction() {
    let mut tr = load(&fixture("marian-tiny"), None, DecodeOptions::default()).unwrap();
    tr.set_languages("kk", "en").unwrap();
    assert_eq!(tr.params().forced_bos, None);
    let plain = tr.tokenizer().encode("Сәлем, әлем!").unwrap();
    assert_eq!(tr.source_ids("Сәлем, әлем!").unwrap(), plain);
}
