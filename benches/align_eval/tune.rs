//! Grid searches and reports on the development and validation sets
//! (`--tune*`, `--dev`, `--dev-dict`, `--calibration`): settings are chosen
//! here, never on the reporting sets.

use super::*;

/// `--dev`: strict F1 of the default settings on the dev and validation
/// sets, as one corpus and one document at a time; what a change to the
/// aligner's model is judged by before the reporting sets are run.
pub(super) fn dev_report(data: &Path) {
    let opts = AlignOptions::default();
    println!("| dev set | as a corpus | one document at a time |");
    println!("|---|---|---|");
    let sets = dev_sets(data)
        .into_iter()
        .chain(validation_sets(data))
        .chain(recut_sets(data));
    for (name, s, t, corpora) in sets {
        let set = [(s, t, corpora)];
        let (corpus, alone) = (dev_f1(&set, &opts, false), dev_f1(&set, &opts, true));
        println!("| {name} | {:.4} | {:.4} |", corpus[0], alone[0]);
    }
}

/// `--dev-dict`: the built-in kk–en dictionary against none, on the kk–en
/// dev and validation sets, as one corpus and a document at a time (the
/// command line's default was chosen on these).
pub(super) fn dev_dictionary(data: &Path) {
    use shanyraq::align::lexicon::Lexicon;
    let plain = AlignOptions::default();
    let with = AlignOptions {
        dictionary: Lexicon::shipped(Lang::Kk, Lang::En).map(std::sync::Arc::new),
        ..AlignOptions::default()
    };
    println!("| kk–en set | corpus, none → built-in | one at a time, none → built-in |");
    println!("|---|---|---|");
    let sets = dev_sets(data).into_iter().chain(validation_sets(data));
    for (name, s, t, corpora) in sets.filter(|&(_, s, t, _)| (s, t) == (Lang::Kk, Lang::En)) {
        let set = [(s, t, corpora)];
        let f1 = |opts: &AlignOptions, one: bool| dev_f1(&set, opts, one)[0];
        println!(
            "| {name} | {:.4} → {:.4} | {:.4} → {:.4} |",
            f1(&plain, false),
            f1(&with, false),
            f1(&plain, true),
            f1(&with, true)
        );
    }
}

/// Strict F1 of the anchor aligner with `opts` on each dev set (the mean
/// over its seeds), as one corpus or, with `one_by_one`, a document at a
/// time.
pub(super) fn dev_f1(
    dev: &[(Lang, Lang, Vec<Vec<Case>>)],
    opts: &AlignOptions,
    one_by_one: bool,
) -> Vec<f64> {
    dev.iter()
        .map(|(s, t, corpora)| {
            let aligner = AnchorAligner::with_options(*s, *t, opts.clone());
            let sum: f64 = corpora
                .iter()
                .map(|cases| evaluate_as(cases, &aligner, one_by_one, 1).0.strict.f1)
                .sum();
            sum / corpora.len() as f64
        })
        .collect()
}

/// Scores every candidate setting on the dev sets (mean strict F1 over
/// the seeds of each) and prints the best.
pub(super) fn grid(data: &Path, candidates: Vec<(String, AlignOptions)>) {
    let dev = unnamed(dev_sets(data));
    // The validation sets are printed beside, to check a choice with: the
    // dev mean is what is ranked.
    let validation = unnamed(validation_sets(data));
    let mut results = Vec::new();
    for (label, opts) in candidates {
        let f1 = dev_f1(&dev, &opts, false);
        let mean = f1.iter().sum::<f64>() / f1.len() as f64;
        let v = dev_f1(&validation, &opts, false);
        let v_mean = v.iter().sum::<f64>() / v.len() as f64;
        println!("{label}: {f1:.3?} mean {mean:.4}; validation {v:.3?} mean {v_mean:.4}");
        results.push((mean, label));
    }
    results.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!("best: {:?}", &results[..3.min(results.len())]);
}

pub(super) fn tune(data: &Path) {
    let mut candidates = Vec::new();
    for lexical_weight in [4.0, 5.0, 6.0, 7.0] {
        for deletion_cost in [0.0, 0.5, 1.0, 1.5] {
            for member_coverage in [0.0, 0.35] {
                let opts = AlignOptions {
                    lexical_weight,
                    deletion_cost,
                    member_coverage,
                    ..AlignOptions::default()
                };
                candidates.push((
                    format!("w={lexical_weight} del={deletion_cost} cov={member_coverage}"),
                    opts,
                ));
            }
        }
    }
    grid(data, candidates);
}

/// The learned dictionary's thresholds, with the lexical weight they
/// interact with.
pub(super) fn tune_lexicon(data: &Path) {
    let mut candidates = Vec::new();
    for lexicon_min_count in [2, 3, 4] {
        for lexicon_min_dice in [0.5, 0.6, 0.7, 0.8] {
            for lexical_weight in [5.0, 6.0] {
                let opts = AlignOptions {
                    lexicon_min_count,
                    lexicon_min_dice,
                    lexical_weight,
                    ..AlignOptions::default()
                };
                candidates.push((
                    format!("count={lexicon_min_count} dice={lexicon_min_dice} w={lexical_weight}"),
                    opts,
                ));
            }
        }
    }
    grid(data, candidates);
}

/// How well bead scores predict that a bead is right, on the dev sets:
/// per score decile, the share of beads (with both sides) found in the
/// gold, and the Brier score (mean squared error of score as probability).
pub(super) fn calibration(data: &Path) {
    for (_, src, tgt, corpora) in dev_sets(data) {
        let aligner = AnchorAligner::new(src, tgt);
        let mut bins = [(0usize, 0usize, 0.0f64); 10];
        let mut brier = 0.0;
        let mut total = 0;
        for cases in &corpora {
            let docs = sentence_refs(cases);
            let pairs: Vec<DocumentPair<'_>> = docs.iter().map(|(s, t)| (&s[..], &t[..])).collect();
            for (c, beads) in cases.iter().zip(aligner.align_documents(&pairs)) {
                let gold: std::collections::HashSet<&IdBead> = c.gold.iter().collect();
                for b in beads
                    .iter()
                    .filter(|b| !b.src.is_empty() && !b.tgt.is_empty())
                {
                    let right = gold.contains(&ids_of(b));
                    let p = f64::from(b.score);
                    let bin = &mut bins[((p * 10.0) as usize).min(9)];
                    bin.0 += 1;
                    bin.1 += usize::from(right);
                    bin.2 += p;
                    brier += (p - f64::from(u8::from(right))).powi(2);
                    total += 1;
                }
            }
        }
        println!(
            "{src}-{tgt}: {total} beads, Brier {:.4}",
            brier / total as f64
        );
        for (k, (n, right, sum)) in bins.iter().enumerate() {
            if *n > 0 {
                println!(
                    "  score {:.1}-{:.1}: {n} beads, mean score {:.3}, right {:.3}",
                    k as f64 / 10.0,
                    (k + 1) as f64 / 10.0,
                    sum / *n as f64,
                    *right as f64 / *n as f64
                );
            }
        }
    }
}

/// Posterior decoding's temperature and threshold, against Viterbi, and
/// the second pass's band (`e5`: a smaller grid, for the embedding aligner).
pub(super) fn tune_risk(data: &Path, encoder: Option<shanyraq::align::embed::SharedEmbedder>) {
    use shanyraq::align::dp::MinRisk;
    let base = AlignOptions::with_encoder(encoder.clone());
    let mut candidates = Vec::new();
    for band in [2, 4] {
        candidates.push((
            format!("viterbi band={band}"),
            AlignOptions {
                min_risk: None,
                realign_band: Some(band),
                ..base.clone()
            },
        ));
    }
    let (temperatures, thresholds, bands): (&[f64], &[f64], &[usize]) = if encoder.is_some() {
        (&[0.5, 1.0, 2.0], &[0.45], &[2, 4])
    } else {
        (
            &[0.5, 0.75, 1.0, 1.5, 2.0],
            &[0.2, 0.35, 0.45, 0.5],
            &[2, 3, 4],
        )
    };
    for &temperature in temperatures {
        for &threshold in thresholds {
            for &band in bands {
                candidates.push((
                    format!("T={temperature} threshold={threshold} band={band}"),
                    AlignOptions {
                        min_risk: Some(MinRisk {
                            temperature,
                            threshold,
                        }),
                        realign_band: Some(band),
                        ..base.clone()
                    },
                ));
            }
        }
    }
    grid(data, candidates);
    // `shanyraq align` aligns one document at a time, learning its
    // dictionary from that document alone.
    let dev = unnamed(dev_sets(data));
    for (label, min_risk) in [("viterbi", None), ("default", base.min_risk)] {
        let opts = AlignOptions {
            min_risk,
            ..base.clone()
        };
        let f1 = dev_f1(&dev, &opts, true);
        println!("one document at a time, {label}: {f1:.3?}");
    }
}

/// The search settings: the first pass's corridor and the second pass's
/// band, also where it widens near the first pass's merges and deletions.
pub(super) fn tune_search(data: &Path) {
    let mut candidates = Vec::new();
    // (first-pass corridor, second-pass band, band near the first pass's
    // merges and deletions, how far that reaches).
    for (corridor, band, mend_band, mend_reach) in [
        (8, 1, 1, 0),
        (8, 2, 2, 0),
        (8, 4, 4, 0),
        (8, 1, 2, 2),
        (8, 1, 2, 4),
        (8, 1, 2, 8),
        (8, 1, 4, 4),
        (8, 1, 4, 8),
        (8, 1, 6, 4),
        (8, 1, 8, 8),
    ] {
        let opts = AlignOptions {
            corridor,
            realign_band: Some(band),
            mend_band,
            mend_reach,
            ..AlignOptions::default()
        };
        candidates.push((
            format!("corridor={corridor} band={band} mend={mend_band}/{mend_reach}"),
            opts,
        ));
    }
    grid(data, candidates);
}

/// Grid over the embedding and lexical weights on development data.
pub(super) fn tune_embeddings(data: &Path, encoder: shanyraq::align::embed::SharedEmbedder) {
    let mut candidates = Vec::new();
    for embedding_weight in [4.0, 6.0, 8.0, 12.0] {
        for lexical_weight in [1.0, 2.0, 3.0] {
            for deletion_cost in [1.0, 2.0, 3.0] {
                let opts = AlignOptions {
                    encoder: Some(encoder.clone()),
                    embedding_weight,
                    lexical_weight,
                    deletion_cost,
                    ..AlignOptions::default()
                };
                candidates.push((
                    format!("emb={embedding_weight} w={lexical_weight} del={deletion_cost}"),
                    opts,
                ));
            }
        }
    }
    grid(data, candidates);
}
