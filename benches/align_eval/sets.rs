//! The evaluation sets: synthetic FLORES-200 and NTREX-128 documents, the
//! Text+Berg and ParIce gold alignments, the long documents, and the
//! groupings the tuning and `--dev` runs use.

use super::*;

pub(super) fn lines(path: &Path) -> Vec<String> {
    fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(str::to_string)
        .collect()
}

/// FLORES dev documents: (start, end) line ranges of 40–80 sentences made
/// of whole consecutive articles.
pub(super) fn flores_documents(data: &Path, rng: &mut Rng) -> Vec<(usize, usize)> {
    let meta = lines(&data.join("flores200-dev/metadata_dev.tsv"));
    let urls: Vec<&str> = meta[1..]
        .iter()
        .map(|l| l.split('\t').next().unwrap_or(""))
        .collect();
    documents(&urls, rng)
}

/// Line ranges of 40–80 sentences made of whole consecutive articles,
/// `article[i]` naming the article of line `i`.
pub(super) fn documents(article: &[&str], rng: &mut Rng) -> Vec<(usize, usize)> {
    let mut articles = Vec::new();
    let mut start = 0;
    for i in 1..=article.len() {
        if i == article.len() || article[i] != article[i - 1] {
            articles.push((start, i));
            start = i;
        }
    }
    let mut docs = Vec::new();
    let mut target = 40 + rng.below(41);
    let mut doc_start = 0;
    for &(_, end) in &articles {
        if end - doc_start >= target {
            docs.push((doc_start, end));
            doc_start = end;
            target = 40 + rng.below(41);
        }
    }
    docs
}

/// Builds a synthetic pair from parallel sentences with seeded edits;
/// with `recuts`, also 2-2, 1-3 and 3-1 beads (see `recut.rs`).
pub(super) fn synthesize(
    src: &[String],
    tgt: &[String],
    pool: &[String],
    pool_tgt: &[String],
    rng: &mut Rng,
    recuts: bool,
) -> Case {
    let (mut s, mut t, mut gold) = (Vec::new(), Vec::new(), Vec::new());
    let mut push = |s: &mut Vec<String>, t: &mut Vec<String>, gs: Vec<String>, gt: Vec<String>| {
        let b = Bead {
            src: s.len()..s.len() + gs.len(),
            tgt: t.len()..t.len() + gt.len(),
            score: 1.0,
        };
        s.extend(gs);
        t.extend(gt);
        gold.push(b);
    };
    let mut i = 0;
    while i < src.len() {
        if let Some((gs, gt, used)) = recuts.then(|| recut::recut(src, tgt, i, rng)).flatten() {
            push(&mut s, &mut t, gs, gt);
            i += used;
            continue;
        }
        let r = rng.unit();
        let two = i + 1 < src.len();
        if r < 0.05 && two {
            // Source merges two sentences: 1-2.
            push(
                &mut s,
                &mut t,
                vec![format!("{} {}", src[i], src[i + 1])],
                vec![tgt[i].clone(), tgt[i + 1].clone()],
            );
            i += 2;
        } else if r < 0.10 && two {
            // Target merges: 2-1.
            push(
                &mut s,
                &mut t,
                vec![src[i].clone(), src[i + 1].clone()],
                vec![format!("{} {}", tgt[i], tgt[i + 1])],
            );
            i += 2;
        } else if r < 0.13 {
            push(&mut s, &mut t, vec![src[i].clone()], vec![]);
            i += 1;
        } else if r < 0.16 {
            push(&mut s, &mut t, vec![], vec![tgt[i].clone()]);
            i += 1;
        } else if r < 0.18 {
            let k = rng.below(pool.len());
            push(&mut s, &mut t, vec![pool[k].clone()], vec![]);
        } else if r < 0.20 {
            let k = rng.below(pool_tgt.len());
            push(&mut s, &mut t, vec![], vec![pool_tgt[k].clone()]);
        } else {
            push(&mut s, &mut t, vec![src[i].clone()], vec![tgt[i].clone()]);
            i += 1;
        }
    }
    Case {
        src: s,
        tgt: t,
        gold: gold.iter().map(ids_of).collect(),
    }
}

pub(super) fn flores_cases(data: &Path, tgt_file: &str, seed: u64) -> Vec<Case> {
    flores_cases_with(data, tgt_file, seed, false)
}

/// [`flores_cases`], with `recuts` as [`synthesize`] takes it.
pub(super) fn flores_cases_with(data: &Path, tgt_file: &str, seed: u64, recuts: bool) -> Vec<Case> {
    let kk = lines(&data.join("flores200-dev/kaz_Cyrl.dev"));
    let tgt = lines(&data.join(format!("flores200-dev/{tgt_file}")));
    let mut rng = Rng(seed);
    let docs = flores_documents(data, &mut rng);
    synthesize_all(&kk, &tgt, &docs, &mut rng, recuts)
}

/// Synthetic kk–ru or kk–en documents from NTREX-128 (WMT19 news, 123
/// documents of 4–30 sentences translated sentence by sentence), built as
/// the FLORES ones are: a validation set of other text for choices made on
/// the dev sets (`tgt` is `rus` or `eng`).
pub(super) fn ntrex_cases(data: &Path, tgt: &str, seed: u64) -> Vec<Case> {
    let dir = data.join("ntrex128");
    let ids = lines(&dir.join("DOCUMENT_IDS.tsv"));
    let ids: Vec<&str> = ids.iter().map(|l| l.trim()).collect();
    let kk = lines(&dir.join("NTREX-128/newstest2019-ref.kaz.txt"));
    let tgt = lines(&dir.join(match tgt {
        "eng" => "NTREX-128/newstest2019-src.eng.txt".to_string(),
        t => format!("NTREX-128/newstest2019-ref.{t}.txt"),
    }));
    let mut rng = Rng(seed);
    let docs = documents(&ids, &mut rng);
    synthesize_all(&kk, &tgt, &docs, &mut rng, false)
}

/// [`synthesize`] over each of `docs`, insertions drawn from 300 lines on.
pub(super) fn synthesize_all(
    kk: &[String],
    tgt: &[String],
    docs: &[(usize, usize)],
    rng: &mut Rng,
    recuts: bool,
) -> Vec<Case> {
    docs.iter()
        .map(|&(a, b)| {
            // Insertions come from far away in the corpus: unrelated text.
            let far = (b + 300) % kk.len();
            let pool_end = (far + 100).min(kk.len());
            synthesize(
                &kk[a..b],
                &tgt[a..b],
                &kk[far..pool_end],
                &tgt[far..pool_end],
                rng,
                recuts,
            )
        })
        .collect()
}

pub(super) fn gold_file(path: &Path) -> Vec<IdBead> {
    parse_gold(&fs::read_to_string(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub(super) fn textberg(data: &Path, names: &[&str]) -> Vec<Case> {
    let dir = data.join("text-berg-bleualign/vecalign-bleualign_data");
    names
        .iter()
        .map(|n| Case {
            src: lines(&dir.join(format!("{n}.de"))),
            tgt: lines(&dir.join(format!("{n}.fr"))),
            gold: gold_file(&dir.join(format!("{n}.defr"))),
        })
        .collect()
}

pub(super) fn parice(data: &Path) -> Vec<Case> {
    let dir = data.join("parice-en-is-sentalign");
    let mut names: Vec<String> = fs::read_dir(dir.join("gold"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
        .iter()
        .map(|n| Case {
            src: strip_ids(lines(&dir.join("eng").join(n))),
            tgt: strip_ids(lines(&dir.join("isl").join(n))),
            gold: gold_file(&dir.join("gold").join(n)),
        })
        .collect()
}

/// ParIce lines are `<id>\t<sentence>`; the ids must not reach the
/// aligner, which would match them as numbers.
pub(super) fn strip_ids(lines: Vec<String>) -> Vec<String> {
    lines
        .into_iter()
        .map(|l| match l.split_once('\t') {
            Some((id, text)) if id.bytes().all(|b| b.is_ascii_digit()) => text.to_string(),
            _ => l,
        })
        .collect()
}

/// The sets the results table reports on. Seed 7 is the reporting seed;
/// the tuning grids use seeds 1–3.
pub(super) fn reporting_sets(data: &Path) -> Vec<(&'static str, Lang, Lang, Vec<Case>)> {
    vec![
        (
            "FLORES synthetic kk–ru",
            Lang::Kk,
            Lang::Ru,
            flores_cases(data, "rus_Cyrl.dev", 7),
        ),
        (
            "FLORES synthetic kk–en",
            Lang::Kk,
            Lang::En,
            flores_cases(data, "eng_Latn.dev", 7),
        ),
        (
            "Text+Berg de–fr dev",
            Lang::De,
            Lang::Fr,
            textberg(data, &["dev"]),
        ),
        (
            "Text+Berg de–fr test",
            Lang::De,
            Lang::Fr,
            textberg(
                data,
                &[
                    "test0", "test1", "test2", "test3", "test4", "test5", "test6",
                ],
            ),
        ),
        ("ParIce en–is", Lang::En, Lang::Is, parice(data)),
    ]
}

/// A named set of corpora (each a list of document pairs) in one language
/// pair.
pub(super) type NamedSet = (&'static str, Lang, Lang, Vec<Vec<Case>>);

/// The corpora of `sets` without their names, as the grids score them.
pub(super) fn unnamed(sets: Vec<NamedSet>) -> Vec<(Lang, Lang, Vec<Vec<Case>>)> {
    sets.into_iter().map(|(_, s, t, c)| (s, t, c)).collect()
}

/// The synthetic FLORES kk–ru and kk–en sets with `seeds`, each seed its
/// own corpus, named `names`.
pub(super) fn flores_sets(data: &Path, seeds: &[u64], names: [&'static str; 2]) -> [NamedSet; 2] {
    let flores = |file: &str| -> Vec<Vec<Case>> {
        seeds
            .iter()
            .map(|&seed| flores_cases(data, file, seed))
            .collect()
    };
    let [ru, en] = names;
    [
        (ru, Lang::Kk, Lang::Ru, flores("rus_Cyrl.dev")),
        (en, Lang::Kk, Lang::En, flores("eng_Latn.dev")),
    ]
}

/// The development sets weights are tuned on (never the test sets).
pub(super) fn dev_sets(data: &Path) -> Vec<NamedSet> {
    // Three seeds of synthetic edits: with one, choices that moved F1 by
    // 0.008 on seed 1 went the other way on seed 7. Each seed is its own
    // corpus: pooled, the same sentences three times over would teach the
    // learned dictionary three times as much as a real corpus does.
    let names = ["FLORES kk–ru, seeds 1–3", "FLORES kk–en, seeds 1–3"];
    let mut sets = Vec::from(flores_sets(data, &[1, 2, 3], names));
    let textberg_dev = vec![textberg(data, &["dev"])];
    sets.push(("Text+Berg dev", Lang::De, Lang::Fr, textberg_dev));
    sets
}

/// Validation sets for a choice made on the dev sets: the synthetic
/// FLORES documents with other seeds (never 7, the reporting seed) and
/// synthetic NTREX-128 documents, other text altogether.
pub(super) fn validation_sets(data: &Path) -> Vec<NamedSet> {
    let names = [
        "FLORES kk–ru, seeds 4–6, 8, 9",
        "FLORES kk–en, seeds 4–6, 8, 9",
    ];
    let mut sets = Vec::from(flores_sets(data, &[4, 5, 6, 8, 9], names));
    let ntrex = |tgt: &str| -> Vec<Vec<Case>> {
        (1..=6).map(|seed| ntrex_cases(data, tgt, seed)).collect()
    };
    sets.push(("NTREX kk–ru, seeds 1–6", Lang::Kk, Lang::Ru, ntrex("rus")));
    sets.push(("NTREX kk–en, seeds 1–6", Lang::Kk, Lang::En, ntrex("eng")));
    sets
}

/// The validation FLORES documents with 2-2, 1-3 and 3-1 beads too
/// (`recut.rs`): printed by `--dev` beside the others, to judge the
/// prices of shapes the plain synthetic documents never hold.
pub(super) fn recut_sets(data: &Path) -> Vec<NamedSet> {
    let seeds = [4, 5, 6, 8, 9];
    let flores = |file: &str| -> Vec<Vec<Case>> {
        seeds
            .iter()
            .map(|&seed| flores_cases_with(data, file, seed, true))
            .collect()
    };
    vec![
        (
            "FLORES kk–ru with re-cuts, seeds 4–6, 8, 9",
            Lang::Kk,
            Lang::Ru,
            flores("rus_Cyrl.dev"),
        ),
        (
            "FLORES kk–en with re-cuts, seeds 4–6, 8, 9",
            Lang::Kk,
            Lang::En,
            flores("eng_Latn.dev"),
        ),
    ]
}

/// The long-document cases: the KazNU silver kk–en pairs as one
/// unedited document (1-1 text as it comes; gold: the line pairing), and
/// the 20,000-sentence pair (those pairs followed by FLORES, with seeded
/// edits).
pub(super) fn long_cases(data: &Path) -> (Case, Case) {
    // The KazNU silver kk–en pairs (12,446, lower-cased) stand in for a
    // long real document; FLORES fills it up to 20,000 sentences.
    let (mut src, mut tgt) = (Vec::new(), Vec::new());
    for f in ["economy_gov_kz_corpus.tsv", "primeminister_kz_corpus.tsv"] {
        for l in lines(&data.join("kaznu-kk-en-gov-news/corpus").join(f)) {
            let mut cols = l.split('\t');
            if let (Some(k), Some(e)) = (cols.next(), cols.next()) {
                src.push(k.to_string());
                tgt.push(e.to_string());
            }
        }
    }
    let silver = Case {
        src: src.clone(),
        tgt: tgt.clone(),
        gold: (0..src.len()).map(|i| (vec![i], vec![i])).collect(),
    };
    let kk = lines(&data.join("flores200-dev/kaz_Cyrl.dev"));
    let en = lines(&data.join("flores200-dev/eng_Latn.dev"));
    while src.len() < 20_000 {
        src.extend(kk.iter().cloned());
        tgt.extend(en.iter().cloned());
    }
    src.truncate(20_000);
    tgt.truncate(20_000);
    let mut rng = Rng(3);
    let long = synthesize(&src, &tgt, &kk[..100], &en[..100], &mut rng, false);
    (silver, long)
}
