//! Checks against the project's shared data (skipped where it is absent).
//!
//! FLORES-200 dev sentences, one a line, joined into one paragraph (the
//! whole file, 997 lines): every line end must be a sentence end, and the
//! first 100 lines must come back whole, as one sentence each or as the
//! number of sentences they really hold (checked by hand and listed below).
//!
//! The data is not copied into the repository (its maintainers ask not to
//! re-host it as plain text): the test reads `shared/data/flores200-dev/`
//! from a parent folder of the crate (or `$SHANYRAQ_FLORES_DIR`) and is
//! skipped, with a note, where it is absent, except in CI (`CI=true`),
//! where a missing `shared/` is a failure.
//!
//! Skipped line ends: those without a final stop (a sentence going on in
//! the next line, like line 26 ending with `;`, or a trailing `(Bremer,
//! 1998)`), and line 576 of kaz_Cyrl, whose next line starts with a
//! lowercase quoted English word (`"cell" деген не?`): inherently ambiguous.

use std::collections::HashSet;
use std::path::PathBuf;

use crate::lang::Lang;
use crate::segment::{segment_text, segmenter_for};

/// How many lines from the start of each file are checked sentence by
/// sentence.
const EXACT: usize = 100;

/// Line ends (1-based) not checked beyond those without a final stop.
const SKIP_KK: &[usize] = &[576];

/// (1-based line, number of sentences) for the lines holding more than one.
const MULTI_KK: &[(usize, usize)] = &[
    (3, 2),
    (11, 2),
    (15, 2),
    (16, 2),
    (38, 2),
    (50, 2),
    (53, 2),
    (57, 2),
    (62, 2),
    (65, 2),
    (76, 2),
    (98, 2),
];
const MULTI_RU: &[(usize, usize)] = &[
    (3, 2),
    (4, 2),
    (15, 2),
    (20, 2),
    (53, 2),
    (57, 2),
    (62, 2),
    (65, 2),
    (98, 2),
];
const MULTI_EN: &[(usize, usize)] = &[(15, 2), (53, 2), (57, 2), (65, 2), (98, 2)];

/// `shared/<sub>` in the nearest parent folder of the crate that has it.
fn shared(sub: &str) -> Option<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .map(|dir| dir.join("shared").join(sub))
        .find(|path| path.exists())
}

/// `found`, or a skip (`None`) with a note; in CI a missing file fails.
fn require(found: Option<PathBuf>, what: &str) -> Option<PathBuf> {
    if found.is_none() {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(!ci, "{what} is missing: put shared/ beside the repository");
        eprintln!("SKIPPED: {what} is missing");
    }
    found
}

fn flores_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("SHANYRAQ_FLORES_DIR") {
        Some(dir) => Some(PathBuf::from(dir)),
        None => shared("data/flores200-dev"),
    };
    require(dir, "shared/data/flores200-dev")
}

/// Whether a FLORES line ends like a sentence.
fn ends_with_stop(line: &str) -> bool {
    line.trim_end_matches(['"', '”', '»', ')', '\''])
        .ends_with(['.', '?', '!', '…'])
}

fn check(lang: Lang, file: &str, multi: &[(usize, usize)], skip: &[usize]) {
    let Some(path) = flores_dir().map(|dir| dir.join(file)) else {
        return;
    };
    let data = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let lines: Vec<&str> = data.lines().map(str::trim).collect();
    assert!(lines.len() >= EXACT, "{path:?} is too short");
    let paragraph = lines.join(" ");
    let sentences = segmenter_for(lang).split(&paragraph);

    let starts: HashSet<usize> = sentences.iter().map(|s| s.start).collect();
    let ends: HashSet<usize> = sentences.iter().map(|s| s.end).collect();
    let mut failures = Vec::new();
    let mut start = 0;
    let mut continued = false;
    for (n, line) in lines.iter().enumerate() {
        let end = start + line.len();
        let checked = ends_with_stop(line) && !skip.contains(&(n + 1));
        if n < EXACT && checked && !continued {
            let expected = multi
                .iter()
                .find(|&&(at, _)| at == n + 1)
                .map_or(1, |&(_, count)| count);
            let inside: Vec<&str> = sentences
                .iter()
                .filter(|s| s.start >= start && s.end <= end)
                .map(|s| &paragraph[s.clone()])
                .collect();
            if !starts.contains(&start) || inside.len() != expected {
                failures.push(format!(
                    "line {}: expected {expected}, got {inside:#?}",
                    n + 1
                ));
            }
        }
        if checked && !ends.contains(&end) {
            failures.push(format!("line {}: no sentence end: {line}", n + 1));
        }
        continued = !checked;
        start = end + 1;
    }
    assert!(failures.is_empty(), "[{lang}] {}", failures.join("\n"));
}

#[test]
fn flores_kk() {
    check(Lang::Kk, "kaz_Cyrl.dev", MULTI_KK, SKIP_KK);
}

#[test]
fn flores_ru() {
    check(Lang::Ru, "rus_Cyrl.dev", MULTI_RU, &[]);
}

#[test]
fn flores_en() {
    check(Lang::En, "eng_Latn.dev", MULTI_EN, &[]);
}

/// The seed press release, one paragraph a line: how many sentences each
/// line holds (checked by hand; the first line is the title).
#[test]
fn seed_press_release() {
    const COUNTS: [usize; 11] = [1, 1, 1, 2, 2, 4, 2, 2, 1, 3, 2];
    let seed = "seed/kk-brussels-constitution-2026-03-06.txt";
    let Some(path) = require(shared(seed), seed) else {
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let segmenter = segmenter_for(Lang::Kk);
    let counts: Vec<usize> = text.lines().map(|l| segmenter.split(l).len()).collect();
    assert_eq!(counts, COUNTS);
    // The whole file reads as a paragraph a line: the title, which has no
    // full stop, stays a sentence of its own.
    let whole: Vec<usize> = segment_text(&text, Lang::Kk)
        .iter()
        .map(|p| p.sentences.len())
        .collect();
    assert_eq!(whole, COUNTS);
}
