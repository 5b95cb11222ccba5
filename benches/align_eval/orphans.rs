//! `--orphans`: pairing the sentences the pivot lacks.
//!
//! When the Kazakh version lacks a passage, its Russian and English
//! sentences stand at the same cut of both alignments, and `shanyraq run`
//! aligns them with each other (`orphans::pair_orphans`). A wrong pair there
//! is worse than none (two human cells that do not translate each other,
//! where before each stood alone and filling made up the rest), so what
//! matters is the precision of the ru–en pairs it makes, then their recall.
//!
//! Cases, seeded: seven in ten are a passage of 1–6 consecutive parallel
//! lines with the synthetic documents' edits (merges, deletions,
//! insertions of unrelated lines); three in ten pair 1–3 Russian lines
//! with 1–3 unrelated English ones (gold: nothing to pair). They are
//! aligned eight at a time, as a run's chunk of documents holds a few such
//! passages.

use super::*;
use shanyraq::align::lexicon::Lexicon;

/// One ru–en orphan case per entry, from the parallel `ru` and `en` lines.
fn cases(ru: &[String], en: &[String], seed: u64, n: usize) -> Vec<Case> {
    let mut rng = Rng(seed);
    let len = ru.len();
    (0..n)
        .map(|_| {
            let start = rng.below(len - 8);
            let far = (start + len / 4 + rng.below(len / 2)) % (len - 8);
            if rng.chance(70) {
                let k = 1 + rng.below(6);
                let pool = far..far + 8;
                synthesize(
                    &ru[start..start + k],
                    &en[start..start + k],
                    &ru[pool.clone()],
                    &en[pool],
                    &mut rng,
                    false,
                )
            } else {
                let (a, b) = (1 + rng.below(3), 1 + rng.below(3));
                let mut gold: Vec<IdBead> = (0..a).map(|i| (vec![i], vec![])).collect();
                gold.extend((0..b).map(|j| (vec![], vec![j])));
                Case {
                    src: ru[start..start + a].to_vec(),
                    tgt: en[far..far + b].to_vec(),
                    gold,
                }
            }
        })
        .collect()
}

/// What pairing the cases gave, keeping beads of both sides that score at
/// least `min_score`.
#[derive(Default)]
struct Tally {
    /// On related passages: pairs made, right, and in the gold.
    made: usize,
    right: usize,
    gold: usize,
    /// On unrelated passages: cases, and pairs made (all wrong).
    unrelated: usize,
    false_pairs: usize,
}

fn tally(cases: &[Case], beads: &[Vec<Bead>], min_score: f32) -> Tally {
    let mut t = Tally::default();
    for (c, bs) in cases.iter().zip(beads) {
        let pairs: Vec<&IdBead> = c
            .gold
            .iter()
            .filter(|g| !g.0.is_empty() && !g.1.is_empty())
            .collect();
        let made = bs
            .iter()
            .filter(|b| !b.src.is_empty() && !b.tgt.is_empty() && b.score >= min_score);
        if pairs.is_empty() {
            t.unrelated += 1;
            t.false_pairs += made.count();
            continue;
        }
        t.gold += pairs.len();
        for b in made {
            t.made += 1;
            t.right += usize::from(pairs.contains(&&ids_of(b)));
        }
    }
    t
}

/// Every case's beads, aligned eight cases at a time.
fn align(cases: &[Case], opts: &AlignOptions) -> Vec<Vec<Bead>> {
    let aligner = AnchorAligner::with_options(Lang::Ru, Lang::En, opts.clone());
    let texts = sentence_refs(cases);
    let docs: Vec<DocumentPair<'_>> = texts.iter().map(|(s, t)| (&s[..], &t[..])).collect();
    docs.chunks(8)
        .flat_map(|chunk| aligner.align_documents(chunk))
        .collect()
}

/// A ru–en dictionary learned from parallel lines, as `shanyraq run`
/// learns one from its rows that hold all three languages.
fn dictionary(ru: &[String], en: &[String]) -> Lexicon {
    let ru: Vec<&str> = ru.iter().map(String::as_str).collect();
    let en: Vec<&str> = en.iter().map(String::as_str).collect();
    let beads: Vec<Bead> = (0..ru.len())
        .map(|i| Bead {
            src: i..i + 1,
            tgt: i..i + 1,
            score: 1.0,
        })
        .collect();
    let d = AlignOptions::default();
    Lexicon::learn(&ru, &en, &beads, d.lexicon_min_count, d.lexicon_min_dice)
}

/// Prints precision and recall of the ru–en pairs over a grid of deletion
/// costs and score thresholds, without and with a dictionary learned from
/// the other half of the lines, on FLORES dev (choose here) and NTREX-128
/// (confirm here); cases come from the first half, seeds 1–3.
pub fn report(data: &Path) {
    let flores = |f: &str| lines(&data.join("flores200-dev").join(f));
    let ntrex = |f: &str| lines(&data.join("ntrex128/NTREX-128").join(f));
    let sets = [
        (
            "FLORES ru–en",
            flores("rus_Cyrl.dev"),
            flores("eng_Latn.dev"),
        ),
        (
            "NTREX ru–en",
            ntrex("newstest2019-ref.rus.txt"),
            ntrex("newstest2019-src.eng.txt"),
        ),
    ];
    println!(
        "| set | dictionary | deletion cost | min score | precision | recall | false pairs per unrelated passage |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (name, ru, en) in &sets {
        let half = ru.len() / 2;
        let (ru_cases, en_cases) = (&ru[..half], &en[..half]);
        let all: Vec<Case> = (1..=3)
            .flat_map(|seed| cases(ru_cases, en_cases, seed, 300))
            .collect();
        let learned = std::sync::Arc::new(dictionary(&ru[half..], &en[half..]));
        for dict in [None, Some(learned)] {
            for deletion_cost in [1.0, -2.0, -2.5, -3.0, -3.5, -4.0] {
                let opts = AlignOptions {
                    deletion_cost,
                    dictionary: dict.clone(),
                    ..AlignOptions::default()
                };
                let beads = align(&all, &opts);
                for min_score in [0.0, 0.5, 0.6, 0.7, 0.8, 0.9] {
                    let t = tally(&all, &beads, min_score);
                    println!(
                        "| {name} | {} | {deletion_cost} | {min_score} | {:.4} | {:.4} | {:.3} |",
                        if dict.is_some() { "learned" } else { "none" },
                        t.right as f64 / t.made.max(1) as f64,
                        t.right as f64 / t.gold.max(1) as f64,
                        t.false_pairs as f64 / t.unrelated.max(1) as f64,
                    );
                }
            }
        }
    }
}
