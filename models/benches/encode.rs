//! Sentence-encoder throughput on the CPU: FLORES-200 dev sentences in
//! kk, ru and en through multilingual-e5-small (the fixture
//! `scripts/make_e5_fixture.sh` writes to target/e5-small), batched as the
//! aligner batches them. Prints numbers, asserts nothing:
//!
//! ```text
//! cargo bench -p shanyraq-models --bench encode [-- N] [--float32]
//! ```
//!
//! `--float32` turns off the int8 linear layers the encoder uses by
//! default on CPUs with AVX-512 VNNI.

use std::path::Path;
use std::time::Instant;

use shanyraq_models::{DeviceChoice, EncoderOptions, ModelSource, SentenceEncoder};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let model = root.join("target/e5-small");
    let flores = root.join("../shared/data/flores200-dev");
    if !model.join("model.safetensors").is_file() || !flores.is_dir() {
        eprintln!("needs target/e5-small (scripts/make_e5_fixture.sh) and ../shared/data");
        return;
    }
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(300);
    let options = EncoderOptions {
        int8: !std::env::args().any(|a| a == "--float32"),
        ..EncoderOptions::e5()
    };
    let mut encoder =
        SentenceEncoder::load_with(&ModelSource::Local(model), DeviceChoice::Cpu, options)
            .expect("load e5-small");
    println!("model {}", encoder.model_id());
    for file in ["kaz_Cyrl.dev", "rus_Cyrl.dev", "eng_Latn.dev"] {
        let text = std::fs::read_to_string(flores.join(file)).expect("read FLORES");
        let sentences: Vec<&str> = text.lines().take(n).collect();
        let tokens: usize = sentences
            .iter()
            .map(|s| encoder.token_ids(s).map_or(0, |t| t.len()))
            .sum();
        let t0 = Instant::now();
        encoder.encode(&sentences).expect("encode");
        let s = t0.elapsed().as_secs_f64();
        println!(
            "{file}: {} sentences ({:.1} tokens each) in {s:.2} s: {:.0} sentences/s, {:.0} tokens/s",
            sentences.len(),
            tokens as f64 / sentences.len() as f64,
            sentences.len() as f64 / s,
            tokens as f64 / s
        );
    }
}
