//! `--oracle`: how much better the anchor aligner would do if one of its
//! parts were perfect, to tell which part is worth working on. Gold is
//! used here on purpose, on development sets only; nothing this prints is
//! a result.

use super::*;
use shanyraq::align::lexicon::{sentence_stems, Lexicon};

pub fn oracle(data: &Path) {
    lexicon_from_gold(data);
    gold_links(data);
}

/// Text+Berg dev with a dictionary learned from its own gold one-to-one
/// beads (as from a perfect first pass), beside the usual learned one or
/// instead of it: the ceiling of a better-learned dictionary.
fn lexicon_from_gold(data: &Path) {
    let cases = textberg(data, &["dev"]);
    let base = AnchorAligner::with_options(Lang::De, Lang::Fr, AlignOptions::default());
    let f1 = |aligner: &AnchorAligner| evaluate_as(&cases, aligner, false, 1).0.strict.f1;
    println!("Text+Berg dev, default: strict F1 {:.4}", f1(&base));
    let stems: Vec<_> = cases
        .iter()
        .map(|c| {
            let s: Vec<&str> = c.src.iter().map(String::as_str).collect();
            let t: Vec<&str> = c.tgt.iter().map(String::as_str).collect();
            (sentence_stems(&s), sentence_stems(&t))
        })
        .collect();
    let gold: Vec<Vec<Bead>> = cases
        .iter()
        .map(|c| {
            c.gold
                .iter()
                .filter(|(s, t)| s.len() == 1 && t.len() == 1)
                .map(|(s, t)| Bead {
                    src: s[0]..s[0] + 1,
                    tgt: t[0]..t[0] + 1,
                    score: 1.0,
                })
                .collect()
        })
        .collect();
    let aligned: Vec<_> = stems
        .iter()
        .zip(&gold)
        .map(|((s, t), b)| (&s[..], &t[..], &b[..]))
        .collect();
    for (count, dice) in [(1, 0.6), (2, 0.3), (2, 0.5), (2, 0.6), (3, 0.6)] {
        let lexicon = std::sync::Arc::new(Lexicon::learn_from(&aligned, count, dice));
        for learn_dictionary in [true, false] {
            let opts = AlignOptions {
                dictionary: Some(lexicon.clone()),
                learn_dictionary,
                ..AlignOptions::default()
            };
            let aligner = AnchorAligner::with_options(Lang::De, Lang::Fr, opts);
            println!(
                "Text+Berg dev, gold dictionary (count {count}, Dice {dice}: {} pairs){}: {:.4}",
                lexicon.len(),
                if learn_dictionary {
                    " and learned"
                } else {
                    " alone"
                },
                f1(&aligner)
            );
        }
    }
}

/// FLORES dev (seeds 1–3) with a share of the gold one-to-one beads marked
/// by a word found in nothing else (an anchor the aligner cannot miss):
/// the ceiling of links from a third language, as kk–en and en–ru
/// alignments would give kk–ru.
fn gold_links(data: &Path) {
    for (file, tgt) in [("rus_Cyrl.dev", Lang::Ru), ("eng_Latn.dev", Lang::En)] {
        for share in [0.0, 0.3, 0.5, 0.8] {
            let f1: Vec<f64> = [1, 2, 3]
                .into_iter()
                .map(|seed| {
                    let mut cases = flores_cases(data, file, seed);
                    let mut rng = Rng(seed + 100);
                    let mut links = 0;
                    for c in &mut cases {
                        let one_to_one: Vec<(usize, usize)> = c
                            .gold
                            .iter()
                            .filter(|(s, t)| s.len() == 1 && t.len() == 1)
                            .map(|(s, t)| (s[0], t[0]))
                            .collect();
                        for (i, j) in one_to_one {
                            if rng.unit() < share {
                                let mark = link_word(links);
                                links += 1;
                                c.src[i].push_str(&mark);
                                c.tgt[j].push_str(&mark);
                            }
                        }
                    }
                    let aligner =
                        AnchorAligner::with_options(Lang::Kk, tgt, AlignOptions::default());
                    evaluate_as(&cases, &aligner, false, 1).0.strict.f1
                })
                .collect();
            let mean = f1.iter().sum::<f64>() / f1.len() as f64;
            println!("FLORES kk–{tgt}, {share} of gold 1-1 beads linked: {f1:.4?} mean {mean:.4}");
        }
    }
}

/// A word whose consonant skeleton is unique to link `n`.
fn link_word(n: usize) -> String {
    const CONSONANTS: &[u8] = b"bcdfgkmnprstvz";
    let mut out = String::from(" Qhxw");
    let mut x = n + 1;
    while x > 0 {
        out.push(CONSONANTS[x % CONSONANTS.len()] as char);
        x /= CONSONANTS.len();
    }
    out
}
