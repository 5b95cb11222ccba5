//! Word translations as alignment evidence: learned from the document pair
//! itself in a second pass (as hunalign's realign does), or read from a
//! bilingual dictionary in hunalign's format.
//!
//! Words are compared by stem, the first five letters lower-cased, which
//! absorbs most Kazakh and Russian case endings (`Конституциясының`,
//! `Конституции`) without a morphological analyser.

use std::path::Path;

use super::features::{hash_pair, Feature, FeatureMap, StemScanner};
use super::Bead;
use crate::error::{Error, Result};
use crate::lang::Lang;

/// The repository path of [`Lexicon::shipped`]'s kk–en list, as a macro:
/// `include_str!` takes only literals and macros, and the path is named
/// once for it and for [`SHIPPED_KK_EN`].
macro_rules! shipped_kk_en {
    () => {
        "corpora/dictionaries/kk-en.kaznu.dic"
    };
}

/// Where [`Lexicon::shipped`]'s kk–en list lies in the repository.
pub const SHIPPED_KK_EN: &str = shipped_kk_en!();

/// A document pair's source and target [`stems`], sentence by sentence,
/// and its beads.
pub type AlignedPair<'a> = (&'a [Vec<Stem>], &'a [Vec<Stem>], &'a [Bead]);

/// A word's stem, hashed (see [`stems`]).
pub type Stem = u64;

/// Stem pairs that translate each other.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lexicon {
    forward: FeatureMap<Vec<Stem>>,
    backward: FeatureMap<Vec<Stem>>,
}

/// The stems of a text's words of three letters or more, sorted. Hashed,
/// not kept as strings: the aligner takes the stems of every sentence, and
/// a string per word was a sixth of its time. One pass over the text, each
/// letter lower-cased into the hash until the stem has five.
pub fn stems(text: &str) -> Vec<Stem> {
    // About a word per eight bytes: growing the vector was 1% of the time.
    let mut out = Vec::with_capacity(text.len() / 8 + 1);
    let mut scan = StemScanner::new();
    text.chars().for_each(|c| scan.push(c, &mut out));
    scan.boundary(&mut out);
    out.sort_unstable();
    out.dedup();
    out
}

/// [`stems`] of each sentence.
pub fn sentence_stems(sentences: &[&str]) -> Vec<Vec<Stem>> {
    sentences.iter().map(|s| stems(s)).collect()
}

impl Lexicon {
    /// Adds the pair (source stem, target stem).
    pub fn insert(&mut self, src: Stem, tgt: Stem) {
        let f = self.forward.entry(src).or_default();
        if !f.contains(&tgt) {
            f.push(tgt);
            self.backward.entry(tgt).or_default().push(src);
        }
    }

    /// Whether the stems of words `src` and `tgt` are a pair.
    pub fn contains(&self, src: &str, tgt: &str) -> bool {
        match (stems(src).as_slice(), stems(tgt).as_slice()) {
            ([a], [w]) => self.forward.get(a).is_some_and(|f| f.contains(w)),
            _ => false,
        }
    }

    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.forward.values().map(Vec::len).sum()
    }

    /// Whether there is no pair.
    pub fn is_empty(&self) -> bool {
        self.forward.is_empty()
    }

    /// Learns pairs from the confident one-to-one beads of a first pass:
    /// stems that co-occur in at least `min_count` beads and whose Dice
    /// coefficient over those beads reaches `min_dice`.
    pub fn learn(
        src: &[&str],
        tgt: &[&str],
        beads: &[Bead],
        min_count: u32,
        min_dice: f64,
    ) -> Lexicon {
        let (src, tgt) = (sentence_stems(src), sentence_stems(tgt));
        Lexicon::learn_from(&[(&src, &tgt, beads)], min_count, min_dice)
    }

    /// [`Lexicon::learn`] over the first passes of several document pairs
    /// at once: a word pair seen once in each of two documents counts
    /// twice, so a corpus teaches far more pairs than any one document.
    pub fn learn_from(docs: &[AlignedPair<'_>], min_count: u32, min_dice: f64) -> Lexicon {
        let one_to_one = || {
            docs.iter().flat_map(|&(src, tgt, beads)| {
                beads
                    .iter()
                    .filter(|b| b.src.len() == 1 && b.tgt.len() == 1)
                    .map(move |b| (&src[b.src.start], &tgt[b.tgt.start], b.score))
            })
        };
        let mut scores: Vec<f32> = one_to_one().map(|(_, _, score)| score).collect();
        if scores.is_empty() {
            return Lexicon::default();
        }
        // The element a sort would put in the middle, without the sort.
        let middle = scores.len() / 2;
        let median = *scores.select_nth_unstable_by(middle, f32::total_cmp).1;
        // Stems are interned: counting pairs of strings cloned each stem
        // pair of every bead, a tenth of the aligner's time.
        let mut ids: FeatureMap<u32> = FeatureMap::default();
        let mut names: Vec<Stem> = Vec::new();
        let mut intern = |w: Stem| -> u32 {
            *ids.entry(w).or_insert_with(|| {
                names.push(w);
                (names.len() - 1) as u32
            })
        };
        let confident: Vec<(Vec<u32>, Vec<u32>)> = one_to_one()
            .filter(|&(_, _, score)| score >= median)
            .map(|(s, t, _)| {
                let s = s.iter().copied().map(&mut intern).collect();
                let t = t.iter().copied().map(&mut intern).collect();
                (s, t)
            })
            .collect();
        let (mut cs, mut ct) = (vec![0u32; names.len()], vec![0u32; names.len()]);
        for (s, t) in &confident {
            s.iter().for_each(|&a| cs[a as usize] += 1);
            t.iter().for_each(|&w| ct[w as usize] += 1);
        }
        // A pair occurs at most min(cs, ct) times, so pairs whose Dice
        // could not reach `min_dice` even then are not counted: on long
        // documents the pair table was a fifth of the aligner's time.
        let can_pass = |a: u32, w: u32| {
            let (x, y) = (cs[a as usize], ct[w as usize]);
            x.min(y) >= min_count && 2.0 * f64::from(x.min(y)) >= min_dice * f64::from(x + y)
        };
        // Pairs counted one source stem at a time, over the beads that hold
        // it, in a dense counter per target stem: a hash table of pairs
        // was a twentieth of the aligner's time on one-to-one text.
        let mut start = vec![0usize; names.len() + 1];
        for (s, _) in &confident {
            s.iter().for_each(|&a| start[a as usize + 1] += 1);
        }
        for a in 0..names.len() {
            start[a + 1] += start[a];
        }
        let mut beads_of = vec![0u32; start[names.len()]];
        let mut next = start.clone();
        for (b, (s, _)) in confident.iter().enumerate() {
            for &a in s {
                beads_of[next[a as usize]] = b as u32;
                next[a as usize] += 1;
            }
        }
        let mut count = vec![0u32; names.len()];
        let mut touched: Vec<u32> = Vec::new();
        let mut pairs: Vec<(Stem, Stem)> = Vec::new();
        for a in 0..names.len() as u32 {
            if cs[a as usize] < min_count {
                continue;
            }
            for &b in &beads_of[start[a as usize]..start[a as usize + 1]] {
                for &w in &confident[b as usize].1 {
                    if can_pass(a, w) {
                        if count[w as usize] == 0 {
                            touched.push(w);
                        }
                        count[w as usize] += 1;
                    }
                }
            }
            for w in touched.drain(..) {
                let c = std::mem::take(&mut count[w as usize]);
                let dice = 2.0 * f64::from(c) / f64::from(cs[a as usize] + ct[w as usize]);
                // Kept only when they pass: sorting every counted pair
                // first was a tenth of learning.
                if c >= min_count && dice >= min_dice {
                    pairs.push((names[a as usize], names[w as usize]));
                }
            }
        }
        // By stem hash: the lexicon's order does not depend on interning.
        pairs.sort_unstable();
        let mut lex = Lexicon::default();
        for (a, w) in pairs {
            lex.insert(a, w);
        }
        lex
    }

    /// Reads a hunalign dictionary: `target words @ source words` per line.
    /// Entries of one word on each side are used; phrases are skipped.
    pub fn read_hunalign(path: &Path) -> Result<Lexicon> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Lexicon::parse_hunalign(&text, path)
    }

    /// [`Lexicon::read_hunalign`] of `text`, read from `path`.
    fn parse_hunalign(text: &str, path: &Path) -> Result<Lexicon> {
        let mut lex = Lexicon::default();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let Some((tgt, src)) = line.split_once(" @ ") else {
                return Err(Error::Config {
                    path: path.to_path_buf(),
                    message: format!("line {}: expected `target @ source`, found `{line}`", n + 1),
                });
            };
            let (s, t) = (stems(src), stems(tgt));
            if let ([s], [t]) = (s.as_slice(), t.as_slice()) {
                if src.split_whitespace().count() == 1 && tgt.split_whitespace().count() == 1 {
                    lex.insert(*s, *t);
                }
            }
        }
        Ok(lex)
    }

    /// The dictionary built in for `src → tgt`, if any: the KazNU kk–en
    /// word list (either way round; CC BY-SA, see
    /// `corpora/dictionaries/README.md`). On the dev and validation sets it
    /// lifts kk–en documents aligned one at a time by 0.007–0.011 strict F1
    /// and moves a corpus by −0.001 to +0.005 (BENCHMARKS.md, session 11),
    /// so the command line uses it unless told otherwise.
    pub fn shipped(src: Lang, tgt: Lang) -> Option<Lexicon> {
        const KAZNU_KK_EN: &str = include_str!(concat!("../../", shipped_kk_en!()));
        let path = Path::new(SHIPPED_KK_EN);
        let kk_en = || Lexicon::parse_hunalign(KAZNU_KK_EN, path).ok();
        match (src, tgt) {
            (Lang::Kk, Lang::En) => kk_en(),
            (Lang::En, Lang::Kk) => kk_en().map(Lexicon::reversed),
            _ => None,
        }
    }

    /// The same pairs, target → source.
    pub fn reversed(self) -> Lexicon {
        Lexicon {
            forward: self.backward,
            backward: self.forward,
        }
    }

    /// Adds a shared feature to every source and target sentence holding
    /// the two halves of a pair, so the aligner sees them as matching.
    pub fn augment(
        &self,
        src: &[&str],
        tgt: &[&str],
        fs: &mut [Vec<Feature>],
        ft: &mut [Vec<Feature>],
    ) {
        if !self.is_empty() {
            self.augment_stems(&sentence_stems(src), &sentence_stems(tgt), fs, ft);
        }
    }

    /// [`Lexicon::augment`] from the sentences' [`stems`].
    pub fn augment_stems(
        &self,
        src: &[Vec<Stem>],
        tgt: &[Vec<Stem>],
        fs: &mut [Vec<Feature>],
        ft: &mut [Vec<Feature>],
    ) {
        if self.is_empty() {
            return;
        }
        for (stems, f) in src.iter().zip(fs.iter_mut()) {
            for &a in stems {
                for &w in self.forward.get(&a).into_iter().flatten() {
                    f.push(hash_pair(a, w));
                }
            }
            f.sort_unstable();
            f.dedup();
        }
        for (stems, f) in tgt.iter().zip(ft.iter_mut()) {
            for &w in stems {
                for &a in self.backward.get(&w).into_iter().flatten() {
                    f.push(hash_pair(a, w));
                }
            }
            f.sort_unstable();
            f.dedup();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::features::{features_and_stems, is_letter, StemHasher};

    #[test]
    fn the_shipped_dictionary_serves_kk_en_both_ways() {
        let kk_en = Lexicon::shipped(Lang::Kk, Lang::En).expect("kk–en ships");
        assert!(kk_en.contains("елшісі", "ambassador"));
        // Inflected forms that share a five-letter stem make one pair (the
        // ten `ambassador` lines make four), and phrases are left out:
        // 147 pairs from 734 lines.
        assert_eq!(kk_en.len(), 147);
        let en_kk = Lexicon::shipped(Lang::En, Lang::Kk).expect("and en–kk");
        assert!(en_kk.contains("ambassador", "елшісі"));
        assert!(!en_kk.contains("елшісі", "ambassador"));
        assert_eq!(en_kk.len(), kk_en.len());
        assert!(Lexicon::shipped(Lang::Kk, Lang::Ru).is_none());
    }

    #[test]
    fn learns_recurring_pairs() {
        let src = [
            "жыл бойы өсім",
            "биыл жыл жақсы",
            "өсім тоқтады",
            "бірінші жыл",
        ];
        let tgt = [
            "growth over the year",
            "a good year this",
            "growth stopped",
            "first year",
        ];
        let beads: Vec<Bead> = (0..4)
            .map(|i| Bead {
                src: i..i + 1,
                tgt: i..i + 1,
                score: 0.5,
            })
            .collect();
        let lex = Lexicon::learn(&src, &tgt, &beads, 2, 0.6);
        assert!(lex.contains("жыл", "year"), "{lex:?}");
        assert!(lex.contains("өсім", "growth"), "{lex:?}");
        assert!(!lex.contains("өсім", "year"), "{lex:?}");
    }

    #[test]
    fn stems_are_the_first_five_lower_cased_letters() {
        // The plain definition, with std's lower-casing.
        let naive = |text: &str| -> Vec<Stem> {
            let mut out: Vec<Stem> = text
                .split(|c: char| !is_letter(c))
                .filter(|w| w.chars().count() >= 3)
                .map(|w| {
                    let mut h = StemHasher::new();
                    w.to_lowercase()
                        .chars()
                        .take(5)
                        .for_each(|c| h.write_char(c));
                    h.finish()
                })
                .collect();
            out.sort_unstable();
            out.dedup();
            out
        };
        for text in [
            "Конституциясының 15 наурызда, Республика!",
            "İSTANBUL Ǆemal ÆSIR straße ЁЛКА Өскемен ҚАЗАҚСТАН",
            "ab cd ef — no stems here; x1y2z3",
            "",
        ] {
            assert_eq!(stems(text), naive(text), "{text}");
        }
        assert_eq!(stems("Конституциясының"), stems("КОНСТИТУЦИИ"));
    }

    #[test]
    fn stems_taken_with_the_features_are_the_same() {
        for text in [
            "Конституциясының 15 наурызда, Республика!",
            "10 мың теңге, 10 тысяч, 2,5 млн; 3-ші тамызда 1990 жылы",
            "don't O’Brien's l'État aujourd'hui 5km 12abc",
            "İSTANBUL Ǆemal ÆSIR straße ЁЛКА «НАТО» (ҚАЗАҚСТАН)?",
            "",
        ] {
            for lang in [Lang::Kk, Lang::Ru, Lang::En, Lang::Fr] {
                assert_eq!(features_and_stems(text, lang).1, stems(text), "{text}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn stems_taken_with_the_features_are_the_same_on_any_text(
            text in "[a-zA-ZäöüßéİƒǄÆаАяЯёЁқҚәӘңҢөӨұҰүҮһҺіІ0-9 .,'’!?«»()\u{a0}-]{0,60}( ?(мың|тысяч|млн|million|billion))?[a-zа-я0-9 ]{0,10}",
            en in proptest::bool::ANY,
        ) {
            let lang = if en { Lang::En } else { Lang::Kk };
            proptest::prop_assert_eq!(features_and_stems(&text, lang).1, stems(&text));
        }
    }

    #[test]
    fn reads_hunalign_dictionaries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("en_kk.dic");
        std::fs::write(&path, "about @ туралы\nprime minister @ премьер-министр\n").unwrap();
        let lex = Lexicon::read_hunalign(&path).unwrap();
        assert_eq!(lex.len(), 1);
        std::fs::write(&path, "no separator\n").unwrap();
        let err = Lexicon::read_hunalign(&path).unwrap_err().to_string();
        assert!(err.contains("line 1"), "{err}");
    }
}
