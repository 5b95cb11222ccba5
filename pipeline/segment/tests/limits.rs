//! Input-size limits: segmentation is linear and never panics on long or
//! degenerate paragraphs.

use std::time::{Duration, Instant};

use crate::lang::Lang;
use crate::segment::{segment_text, segmenter_for};

const MB: usize = 1 << 20;

/// In release mode each of these takes under 0.25 s on one core (most under
/// 0.1 s); debug builds (plain `cargo test`) are some ten times slower, and
/// CI machines are shared: the limits are generous.
const LIMIT: Duration = if cfg!(debug_assertions) {
    Duration::from_secs(10)
} else {
    Duration::from_secs(1)
};

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    assert!(took < LIMIT, "{what}: took {took:?}");
    out
}

#[test]
fn megabyte_without_a_stop_is_one_sentence() {
    let unit = "сөз word слово, ";
    let text = unit.repeat(MB / unit.len() + 1);
    assert!(text.len() >= MB);
    for lang in Lang::ALL {
        let got = timed("no stop", || segmenter_for(lang).split(&text));
        assert_eq!(got, vec![0..text.trim_end().len()], "{lang}");
    }
}

#[test]
fn megabyte_of_dots_is_one_sentence() {
    let text = ".".repeat(MB);
    for lang in Lang::ALL {
        let got = timed("dots", || segmenter_for(lang).split(&text));
        assert_eq!(got, vec![0..MB], "{lang}");
    }
}

/// Inputs that stress each rule's look-around, a quarter megabyte each to
/// keep debug runs short (1 MB versions take under 0.25 s each in release).
#[test]
fn degenerate_inputs_finish() {
    const N: usize = MB / 4;
    let cases = [
        ("spaced dots", ". ".repeat(N / 2)),
        ("one token", "ab.Cd".repeat(N / 5)),
        ("initials", "А. ".repeat(N / 4)),
        ("abbreviations", "т. е. ".repeat(N / 10)),
        ("sentences", "Бір. Two! Три? ".repeat(N / 20)),
        ("openers", format!("Бір. {}", "«".repeat(N / 2))),
        ("spaces", format!("Бір.{}Екі.", " ".repeat(N))),
        ("lines", "- a\n".repeat(N / 4)),
        ("newlines", "\n".repeat(N)),
        ("quotations", "\"Hi.\" Bob said. ".repeat(N / 16)),
    ];
    // One language each: a debug build (plain `cargo test`) is slow enough.
    let langs = [Lang::Kk, Lang::Ru, Lang::En];
    for (n, (what, text)) in cases.iter().enumerate() {
        let lang = langs[n % langs.len()];
        let got = timed(what, || segmenter_for(lang).split(text));
        assert!(got.iter().all(|r| r.start < r.end && r.end <= text.len()));
    }
    let text = "Бір. Екі.\n\n".repeat(N / 20);
    let paragraphs = timed("paragraphs", || segment_text(&text, Lang::Kk));
    assert_eq!(paragraphs.len(), N / 20);
}
