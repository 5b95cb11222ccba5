//! Tests of the model-free aligner: its costs, the corridor, links, and
//! properties on random input.

use super::*;

#[test]
fn length_costs_grow_linearly_in_the_tail() {
    // German–French: the generic model, ratio 1 and variance 6.8.
    let aligner = AnchorAligner::new(Lang::De, Lang::Fr);
    let z = |ls: f64, lt: f64| (lt - ls) / ((ls + lt) / 2.0 * 6.8).sqrt();
    // Within the tail's start, the normal law.
    assert!(z(100.0, 150.0) < LENGTH_TAIL);
    let near = aligner.length_cost(100, 150);
    assert!((near - neg_ln_two_tail(z(100.0, 150.0))).abs() < 1e-12);
    // Beyond it, the normal law's slope there, below the law itself.
    for lt in [200, 230, 260] {
        let z = z(100.0, f64::from(lt));
        assert!(z > LENGTH_TAIL);
        let linear = neg_ln_two_tail(LENGTH_TAIL) + LENGTH_TAIL * (z - LENGTH_TAIL);
        let cost = aligner.length_cost(100, lt as usize);
        assert!(
            (cost - linear.min(LENGTH_CAP)).abs() < 1e-12,
            "{cost} {linear}"
        );
        assert!(
            cost < neg_ln_two_tail(z).min(LENGTH_CAP),
            "{cost} at z = {z}"
        );
    }
    // Continuous where the tail starts.
    let at = |lt: usize| (z(100.0, lt as f64), aligner.length_cost(100, lt));
    let (z0, c0) = at(167);
    let (z1, c1) = at(168);
    assert!(z0 < LENGTH_TAIL && z1 > LENGTH_TAIL, "{z0} {z1}");
    assert!((c1 - c0).abs() < 0.2, "{c0} {c1}");
}

/// English beads of `src` and `tgt` from the default aligner (inside
/// the anchor corridor) and from one that searches the whole grid.
fn cornered_and_whole(src: &[&str], tgt: &[&str]) -> (Vec<Bead>, Vec<Bead>) {
    let cornered = AnchorAligner::new(Lang::En, Lang::En).align(src, tgt);
    let whole = AnchorAligner::with_options(
        Lang::En,
        Lang::En,
        AlignOptions {
            full_grid: usize::MAX,
            ..AlignOptions::default()
        },
    )
    .align(src, tgt);
    (cornered, whole)
}

#[test]
fn the_corridor_widens_around_a_long_insertion() {
    // No anchors (each number is in two sentences per side), so the
    // corridor starts around the diagonal of a 40 × 80 grid; the true
    // path leaves it at the 40 inserted sentences.
    let src: Vec<String> = (0..40)
        .map(|i| format!("Report {i} and report {} were filed.", i + 1))
        .collect();
    let mut tgt: Vec<String> = src[..20].to_vec();
    tgt.extend((0..40).map(|k| format!("Unrelated line {}.", 1000 + k)));
    tgt.extend(src[20..].iter().cloned());
    let src: Vec<&str> = src.iter().map(String::as_str).collect();
    let tgt: Vec<&str> = tgt.iter().map(String::as_str).collect();
    let (cornered, whole) = cornered_and_whole(&src, &tgt);
    assert_eq!(cornered, whole);
    let inserted = whole.iter().filter(|b| b.src.is_empty()).count();
    assert!(inserted >= 30, "{inserted} insertions found");
}

#[test]
fn the_corridor_finds_the_whole_grids_path_through_scattered_edits() {
    // 150 sentences with few anchors (each number recurs a dozen
    // times), and insertions of 1–9 sentences, deletions and merges
    // every few sentences: the path drifts from the anchor line, and
    // the first pass must widen wherever it presses on a side.
    let mut state = 7u64;
    let mut next = |n: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % n
    };
    let text = |i: u64| {
        format!(
            "Item {} of the {} list was moved to shelf {}.",
            i % 13,
            i % 11,
            i % 7
        )
    };
    let (mut src, mut tgt) = (Vec::new(), Vec::new());
    for i in 0..150u64 {
        match next(20) {
            0 => {
                for k in 0..1 + next(9) {
                    tgt.push(format!("Unrelated note {}.", 900 + k));
                }
                src.push(text(i));
                tgt.push(text(i));
            }
            1 => src.push(text(i)),
            2 => tgt.push(text(i)),
            3 => {
                src.push(text(i));
                tgt.push(format!("{} {}", text(i), text(i + 500)));
            }
            _ => {
                src.push(text(i));
                tgt.push(text(i));
            }
        }
    }
    let src: Vec<&str> = src.iter().map(String::as_str).collect();
    let tgt: Vec<&str> = tgt.iter().map(String::as_str).collect();
    let (cornered, whole) = cornered_and_whole(&src, &tgt);
    assert!(tgt.len() > src.len() + 10, "{} × {}", src.len(), tgt.len());
    assert_eq!(cornered, whole);
}

#[test]
fn numbers_pull_the_right_pairs_together() {
    // The second Kazakh sentence was dropped in Russian; its numbers
    // and names find nothing there, while its neighbours' do.
    let kk = [
        "Министр 2019 жылы Астанада 12 жаңа мектеп ашты.",
        "Бұдан бөлек, Жамбыл облысында 345 отбасы жаңа үй алды, деп хабарлады Серік Жұмабаев.",
        "Үкімет 2026 жылға дейін 77 пайыз өсімді жоспарлап отыр.",
    ];
    let ru = [
        "Министр в 2019 году открыл в Астане 12 новых школ.",
        "Правительство планирует рост на 77 процентов до 2026 года.",
    ];
    let beads = AnchorAligner::new(Lang::Kk, Lang::Ru).align(&kk, &ru);
    let shapes: Vec<(Range<usize>, Range<usize>)> =
        beads.into_iter().map(|b| (b.src, b.tgt)).collect();
    assert_eq!(shapes, vec![(0..1, 0..1), (1..2, 1..1), (2..3, 1..2)]);
}

#[test]
fn scores_are_sure_of_clear_pairs_and_doubt_guesses() {
    let src: Vec<String> = (0..30)
        .map(|i| format!("Report {:02} cites {:03} cases.", i, i * 7 + 3))
        .collect();
    let src: Vec<&str> = src.iter().map(String::as_str).collect();
    let mean =
        |beads: &[Bead]| -> f32 { beads.iter().map(|b| b.score).sum::<f32>() / beads.len() as f32 };
    let aligner = AnchorAligner::new(Lang::En, Lang::En);
    let clear = aligner.align(&src, &src);
    assert!(clear.iter().all(|b| b.score > 0.9), "{clear:?}");
    // Two sentences fewer, of the same length and sharing nothing
    // with the source: which two went missing is anybody's guess.
    let other = vec!["z".repeat(src[0].len()); 28];
    let other: Vec<&str> = other.iter().map(String::as_str).collect();
    let guessed = aligner.align(&src, &other);
    assert!(mean(&guessed) < 0.6, "{guessed:?}");
    // The first pair is right unless a deletion comes first; further
    // in, ever more placements of the two deletions disagree with it.
    // Local evidence alone would score every pair alike.
    let least = guessed.iter().map(|b| b.score).fold(1.0, f32::min);
    assert!(guessed[0].score > 0.85 && least < 0.5, "{guessed:?}");
}

#[test]
fn links_through_a_third_language_settle_a_guess() {
    // As above: 30 sentences against 28 that share nothing with them.
    // A third language says which pairs belong together: 10 and 11
    // are the ones missing.
    let src: Vec<String> = (0..30)
        .map(|i| format!("Report {:02} cites {:03} cases.", i, i * 7 + 3))
        .collect();
    let src: Vec<&str> = src.iter().map(String::as_str).collect();
    let other = vec!["z".repeat(src[0].len()); 28];
    let other: Vec<&str> = other.iter().map(String::as_str).collect();
    let links: Vec<(usize, usize)> = (0..30)
        .filter(|i| !(10..12).contains(i))
        .map(|i| (i, if i < 10 { i } else { i - 2 }))
        .collect();
    let aligner = AnchorAligner::new(Lang::En, Lang::En);
    let linked = aligner.align_documents_linked(&[(&src, &other)], std::slice::from_ref(&links));
    let guessed = aligner.align(&src, &other);
    let together = |beads: &[Bead]| {
        links
            .iter()
            .filter(|&&(i, j)| {
                beads
                    .iter()
                    .any(|b| b.src.contains(&i) && b.tgt.contains(&j))
            })
            .count()
    };
    assert_eq!(together(&linked[0]), links.len(), "{:?}", linked[0]);
    assert!(together(&guessed) < links.len(), "{guessed:?}");
    let mean = |beads: &[Bead]| beads.iter().map(|b| b.score).sum::<f32>() / beads.len() as f32;
    assert!(mean(&linked[0]) > mean(&guessed) + 0.2, "{linked:?}");
}

mod properties {
    use super::*;
    use crate::align::check_cover;
    use crate::align::lexicon::sentence_stems;
    use proptest::prelude::*;

    fn cover(src: &[&str], tgt: &[&str]) {
        let beads = AnchorAligner::new(Lang::Kk, Lang::En).align(src, tgt);
        check_cover(&beads, src.len(), tgt.len()).unwrap();
        assert!(beads.iter().all(|b| (0.0..=1.0).contains(&b.score)));
    }

    #[test]
    fn awkward_inputs() {
        let many: Vec<String> = (0..500).map(|i| format!("Sentence number {i}.")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        cover(&["Бір сөйлем."], &many);
        cover(&many, &["One sentence."]);
        cover(&[], &many);
        cover(&many, &[]);
        let huge = "сөз ".repeat(25_000);
        cover(&[&huge, "2026"], &["word", "2026", "..."]);
        cover(
            &["123 456", "!!!", "", "...", "7.5"],
            &["123456", "", "?", "7,5"],
        );
        // Identical documents align one to one.
        let beads = AnchorAligner::new(Lang::En, Lang::En).align(&many[..50], &many[..50]);
        assert!(beads.iter().all(|b| b.src.len() == 1 && b.tgt.len() == 1));
        // Even a 40,000-character line, whose length ratio is far from
        // kk→ru's: its evidence is all shared.
        let digits: String = (0..20_000).map(|i| format!("{} ", i % 10)).collect();
        let doc = [digits.as_str(), "Бұл сөйлем."];
        let beads = AnchorAligner::new(Lang::Kk, Lang::Ru).align(&doc, &doc);
        let pairs: Vec<_> = beads
            .iter()
            .map(|b| (b.src.clone(), b.tgt.clone()))
            .collect();
        assert_eq!(pairs, [(0..1, 0..1), (1..2, 1..2)]);
    }

    #[test]
    fn widening_stops_at_the_memory_bound() {
        // The 20k pair may widen to ±96, not to ±192 (7.7M cells).
        assert!(may_widen(96, 20_000, 20_000));
        assert!(!may_widen(192, 20_000, 20_000));
        // A grid within the bound may always be searched whole.
        assert!(may_widen(4096, 1_000, 1_500));
        // 600 unrelated sentences before the real ones and no anchors: the
        // true path lies far off the diagonal, every corridor is pinned, and
        // the result still covers both sides.
        let src: Vec<String> = (0..800)
            .map(|i| format!("Report {i} and report {} were filed.", i + 1))
            .collect();
        let mut tgt: Vec<String> = (0..600).map(|k| format!("Line {}.", 10_000 + k)).collect();
        tgt.extend(src.iter().cloned());
        let src: Vec<&str> = src.iter().map(String::as_str).collect();
        let tgt: Vec<&str> = tgt.iter().map(String::as_str).collect();
        let beads = AnchorAligner::new(Lang::En, Lang::En).align(&src, &tgt);
        check_cover(&beads, src.len(), tgt.len()).unwrap();
    }

    #[test]
    fn long_documents_use_the_corridor() {
        // 1,200 × 1,100 sentences exceed the full grid; the result must
        // still cover both sides.
        let a: Vec<String> = (0..1200)
            .map(|i| format!("Жыл {i} сөз {}", "а".repeat(i % 40)))
            .collect();
        let b: Vec<String> = (0..1100)
            .map(|i| format!("Year {i} word {}", "b".repeat(i % 37)))
            .collect();
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let b: Vec<&str> = b.iter().map(String::as_str).collect();
        cover(&a, &b);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn beads_cover_every_sentence_once_in_order(
            src in proptest::collection::vec("[а-яәқ0-9 .,«»]{0,30}", 0..25),
            tgt in proptest::collection::vec("[a-z0-9 .,\"]{0,30}", 0..25),
        ) {
            let s: Vec<&str> = src.iter().map(String::as_str).collect();
            let t: Vec<&str> = tgt.iter().map(String::as_str).collect();
            let beads = AnchorAligner::new(Lang::Kk, Lang::En).align(&s, &t);
            prop_assert!(check_cover(&beads, s.len(), t.len()).is_ok());
        }

        #[test]
        fn documents_aligned_together_are_each_covered(
            docs in proptest::collection::vec(
                (
                    proptest::collection::vec("[а-яәқ0-9 .,«»]{0,30}", 0..12),
                    proptest::collection::vec("[a-z0-9 .,\"]{0,30}", 0..12),
                ),
                0..5,
            ),
        ) {
            let refs: Vec<(Vec<&str>, Vec<&str>)> = docs
                .iter()
                .map(|(s, t)| (s.iter().map(String::as_str).collect(), t.iter().map(String::as_str).collect()))
                .collect();
            let pairs: Vec<DocumentPair<'_>> = refs.iter().map(|(s, t)| (&s[..], &t[..])).collect();
            let all = AnchorAligner::new(Lang::Kk, Lang::En).align_documents(&pairs);
            prop_assert_eq!(all.len(), pairs.len());
            for ((s, t), beads) in pairs.iter().zip(&all) {
                prop_assert!(check_cover(beads, s.len(), t.len()).is_ok());
            }
        }
    }

    #[test]
    fn a_corpus_teaches_what_one_document_cannot() {
        // Each document pair shows `тауда` ↔ `mountains` once, too rarely
        // to learn from either alone (a pair must co-occur twice); the two
        // together teach it.
        let doc = |k: usize| -> (Vec<String>, Vec<String>) {
            let kk = vec![
                format!("Біз {k} жыл бойы тауда тұрдық."),
                format!("Өзен {} шақырым ағады.", k + 10),
            ];
            let en = vec![
                format!("We lived in the mountains for {k} years."),
                format!("The river flows for {} kilometres.", k + 10),
            ];
            (kk, en)
        };
        let texts: Vec<(Vec<String>, Vec<String>)> = (1..=2).map(doc).collect();
        let refs: Vec<(Vec<&str>, Vec<&str>)> = texts
            .iter()
            .map(|(s, t)| {
                (
                    s.iter().map(String::as_str).collect(),
                    t.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        let firsts: Vec<Vec<Bead>> = refs
            .iter()
            .map(|(s, t)| AnchorAligner::new(Lang::Kk, Lang::En).align(s, t))
            .collect();
        let stems: Vec<[Vec<Vec<Stem>>; 2]> = refs
            .iter()
            .map(|(s, t)| [sentence_stems(s), sentence_stems(t)])
            .collect();
        let aligned: Vec<AlignedPair<'_>> = stems
            .iter()
            .zip(&firsts)
            .map(|([s, t], b)| (&s[..], &t[..], &b[..]))
            .collect();
        let opts = AlignOptions::default();
        let learn = |docs| Lexicon::learn_from(docs, opts.lexicon_min_count, opts.lexicon_min_dice);
        let (alone, together) = (learn(&aligned[..1]), learn(&aligned));
        let has = |lex: &Lexicon| {
            let mut fs = vec![Vec::new()];
            let mut ft = vec![Vec::new()];
            lex.augment(&["тауда"], &["mountains"], &mut fs, &mut ft);
            fs[0].iter().any(|f| ft[0].contains(f))
        };
        assert!(!has(&alone), "{alone:?}");
        assert!(has(&together), "{together:?}");
    }
}
