//! Throughput of corpus-level BLEU and chrF on 100,000 seeded segment pairs,
//! next to sacrebleu 2.5.1 on the same files (when its Python is available).
//!
//! Run: `cargo bench --bench score` (Python: `$SHANYRAQ_PYTHON`, else
//! `<repo>/.venv/bin/python`). Optional argument: the number of segments.

use shanyraq::score::{BleuOptions, ChrfOptions, Metric};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[path = "../tests/common/rng.rs"]
mod rng;
use rng::Rng;

const WORDS: &[&str] = &[
    "сәлем",
    "әлем",
    "қазақ",
    "тілі",
    "өнер",
    "ұлттық",
    "үй",
    "ғылым",
    "қала",
    "жаңа",
    "бүгін",
    "Қазақстан",
    "мектеп",
    "бала",
    "кітап",
    "оқу",
    "жұмыс",
    "біз",
    "олар",
    "деді",
    "керек",
    "үшін",
    "және",
    "бірақ",
    "привет",
    "мир",
    "язык",
    "город",
    "новый",
    "сегодня",
    "Россия",
    "школа",
    "книга",
    "работа",
    "мы",
    "они",
    "сказал",
    "нужно",
    "для",
    "и",
    "the",
    "cat",
    "sat",
    "on",
    "mat",
    "school",
    "book",
    "work",
    "we",
    "said",
    "and",
    "but",
    "of",
    "to",
    "in",
    "3.5",
    "1,000",
    "2020",
    ",",
    ".",
    "«",
    "»",
    "—",
    "(",
    ")",
    "!",
    "?",
    ":",
];

fn corpus(n: usize) -> (Vec<String>, Vec<String>) {
    let mut r = Rng(2024);
    let (mut hyps, mut refs) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for _ in 0..n {
        let len = 5 + r.below(35);
        let words: Vec<&str> = (0..len).map(|_| WORDS[r.below(WORDS.len())]).collect();
        // Drop ~10% of the words and substitute ~12% of the rest.
        let mut hyp = Vec::with_capacity(len);
        for &w in &words {
            if r.below(10) != 0 {
                hyp.push(if r.below(8) == 0 {
                    WORDS[r.below(WORDS.len())]
                } else {
                    w
                });
            }
        }
        refs.push(words.join(" "));
        hyps.push(hyp.join(" "));
    }
    (hyps, refs)
}

/// CPU time of this thread in seconds (Linux `schedstat`), so that numbers
/// stay meaningful on a busy machine where wall time is inflated.
fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(s.split_whitespace().next()?.parse::<f64>().ok()? / 1e9)
}

fn python() -> Option<PathBuf> {
    let py = std::env::var_os("SHANYRAQ_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python"));
    let ok = Command::new(&py)
        .args(["-c", "import sacrebleu"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    ok.then_some(py)
}

const PY_TIMER: &str = r#"
import sys, time
from sacrebleu.metrics import BLEU, CHRF
read = lambda p: open(p, encoding="utf-8").read().split("\n")[:-1]
hyps, refs = read(sys.argv[1]), read(sys.argv[2])
for name, m in (("BLEU", BLEU()), ("chrF", CHRF())):
    t = time.perf_counter()
    s = m.corpus_score(hyps, [refs])
    print(f"{name} {time.perf_counter() - t:.3f} {s.score!r}")
"#;

fn main() {
    // `cargo bench` passes `--bench`; a bare number sets the corpus size.
    let n = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let (hyps, refs) = corpus(n);
    let refs = [refs];
    println!(
        "{n} segment pairs, {} hypothesis bytes",
        hyps.iter().map(String::len).sum::<usize>()
    );

    let (mut wall, mut cpu) = (0.0, 0.0);
    for (name, metric) in [
        ("BLEU", Metric::Bleu(BleuOptions::default())),
        ("chrF", Metric::Chrf(ChrfOptions::default())),
    ] {
        let (t, c) = (Instant::now(), cpu_seconds());
        let s = metric.corpus_score(&hyps, &refs).expect("score");
        let secs = t.elapsed().as_secs_f64();
        let cpu_secs = c.zip(cpu_seconds()).map_or(f64::NAN, |(a, b)| b - a);
        println!(
            "shanyraq  {name:5} {secs:7.3} s wall {cpu_secs:7.3} s cpu   {}",
            s.value
        );
        wall += secs;
        cpu += cpu_secs;
    }
    println!("shanyraq  BLEU+chrF {wall:.3} s wall, {cpu:.3} s cpu (one core)");

    let Some(py) = python() else {
        println!(
            "sacrebleu: skipped (no Python with sacrebleu; set SHANYRAQ_PYTHON or create .venv)"
        );
        return;
    };
    let dir = std::env::temp_dir().join(format!("shanyraq-score-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let write = |name: &str, lines: &[String]| {
        let p = dir.join(name);
        std::fs::write(&p, lines.join("\n") + "\n").expect("write corpus");
        p
    };
    let (h, r) = (write("hyp.txt", &hyps), write("ref.txt", &refs[0]));
    let out = Command::new(&py)
        .arg("-c")
        .arg(PY_TIMER)
        .arg(&h)
        .arg(&r)
        .output()
        .expect("run python");
    let _ = std::fs::remove_dir_all(&dir);
    let text = String::from_utf8_lossy(&out.stdout);
    let mut theirs = 0.0;
    for line in text.lines() {
        let f: Vec<&str> = line.split(' ').collect();
        if let [name, secs, score] = f[..] {
            println!("sacrebleu {name:5} {:>7} s   {score}", secs);
            theirs += secs.parse::<f64>().unwrap_or(0.0);
        }
    }
    if !out.status.success() {
        println!("sacrebleu failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    println!("sacrebleu BLEU+chrF {theirs:.3} s");
}
