//! Target tokens per second on the CPU, following the protocol of
//! /work/shared/tools/mtbench (README "Benchmark commands"): N sentences of
//! L words, exactly M output tokens (EOS forbidden before M, stop at M),
//! batch B, beam K, model load and one warm-up batch untimed.
//!
//! Not a test: prints numbers, asserts nothing.
//!
//! ```text
//! MTBENCH_MODEL=/tmp/mtbench-models/marian-base \
//! MTBENCH_SRC=/tmp/mtbench-src.txt MTBENCH_RUNS="16:4,16:1,1:1,32:4" \
//! cargo bench --bench translate
//! ```
//! `MTBENCH_SRC` is the file `bench_ct2.py --write-src` writes; without it
//! the bench makes its own `t<k>` words (speed does not depend on which).
//! `MTBENCH_DEVICE` and `MTBENCH_DTYPE` take what `--device` and `--dtype`
//! do: `MTBENCH_DEVICE=cuda` runs on the first GPU (a build with
//! `--features cuda`), in bfloat16 unless `MTBENCH_DTYPE` says otherwise.

use std::path::PathBuf;
use std::time::Instant;

use shanyraq_models::{
    parse_device, parse_dtype, DecodeOptions, MaxLength, ModelSource, Seq2SeqTranslator, Translator,
};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let model = PathBuf::from(
        std::env::var("MTBENCH_MODEL").unwrap_or("/tmp/mtbench-models/marian-base".into()),
    );
    if !model.join("config.json").is_file() {
        eprintln!(
            "{} not found: run mtbench's make_model.py first (see the doc comment)",
            model.display()
        );
        return;
    }
    let (n, l, m) = (
        env_usize("MTBENCH_SENTS", 64),
        env_usize("MTBENCH_SRC_LEN", 24),
        env_usize("MTBENCH_OUT_LEN", 24),
    );
    let sentences: Vec<String> = match std::env::var("MTBENCH_SRC") {
        Ok(path) => std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .take(n)
            .map(String::from)
            .collect(),
        Err(_) => {
            let mut x: u64 = 1234;
            (0..n)
                .map(|_| {
                    (0..l)
                        .map(|_| {
                            x = x
                                .wrapping_mul(6364136223846793005)
                                .wrapping_add(1442695040888963407);
                            format!("t{}", (x >> 33) % 32000)
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect()
        }
    };
    let refs: Vec<&str> = sentences.iter().map(String::as_str).collect();
    let runs = std::env::var("MTBENCH_RUNS").unwrap_or("16:4,16:1".into());
    let env = |name: &str, default: &str| std::env::var(name).unwrap_or(default.into());
    let device = parse_device(&env("MTBENCH_DEVICE", "cpu")).unwrap();
    let dtype = parse_dtype(&env("MTBENCH_DTYPE", "auto")).unwrap();
    println!(
        "model {} sentences {n} src_len {l} out_len {m} threads {} device {device:?} dtype {:?}",
        model.display(),
        candle_core::utils::get_num_threads(),
        dtype.unwrap_or(device.default_dtype())
    );
    for run in runs.split(',') {
        let (b, k) = run.split_once(':').expect("B:K");
        let (b, k): (usize, usize) = (b.parse().unwrap(), k.parse().unwrap());
        let options = DecodeOptions {
            beam_size: Some(k),
            // Exactly m generated tokens: decoder length m + 1 with the start token.
            max_length: Some(MaxLength::Absolute(m + 1)),
            min_length: Some(m + 1),
            batch_size: b,
            dtype,
            ..Default::default()
        };
        let t0 = Instant::now();
        let mut tr =
            Seq2SeqTranslator::load(&ModelSource::Local(model.clone()), device, None, options)
                .unwrap();
        // A many-to-many model (NLLB) needs a direction: mtbench's protocol
        // reads `eng_Latn` sources and forces `fra_Latn` first, one of the
        // M output tokens. Other models ignore it.
        tr.set_languages("en", "fr").unwrap();
        let mut p = tr.params().clone();
        p.forced_eos = None;
        tr.set_params(p);
        let load_s = t0.elapsed().as_secs_f64();
        let t0 = Instant::now();
        tr.translate(&refs[..b.min(refs.len())]).unwrap();
        let warmup_s = t0.elapsed().as_secs_f64();
        let t0 = Instant::now();
        let out = tr.translate(&refs).unwrap();
        let wall = t0.elapsed().as_secs_f64();
        let tokens = out.len() * m;
        println!(
            "batch {b:>2} beam {k}: wall {wall:.3} s, {:.1} sents/s, {:.0} tgt tok/s (load {load_s:.2} s, warm-up {warmup_s:.2} s, peak RSS {:.0} MB)",
            out.len() as f64 / wall,
            tokens as f64 / wall,
            peak_rss_mb()
        );
    }
}
