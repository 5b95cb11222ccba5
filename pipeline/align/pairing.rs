//! Whether two documents paired by name are versions of one text.
//!
//! A bead's score is a posterior over alignment paths: how sure the
//! aligner is that this bead, rather than a neighbouring one, is on the
//! path. Between two unrelated documents every path is equally poor and
//! the likeliest still comes out sure (`scripts/pairing_eval.py`: half the
//! Kazakh sentences of a wrongly paired FLORES document sit in beads
//! scoring 0.5 or more). So the check looks at the evidence instead: in
//! versions of one text, most one-to-one beads pair sentences that share a
//! number, a name, a date or a dictionary word; between unrelated texts the
//! aligner makes few one-to-one beads (it merges and drops instead) and
//! fewer still share anything.

use super::evidence::{Evidence, Similarity};
use super::features::features;
use super::lexicon::Lexicon;
use super::Bead;
use crate::lang::Lang;

/// The fewest sentences the shorter version needs before the check doubts
/// a pairing: below that, true pairings too often share nothing.
pub const MIN_SENTENCES: usize = 8;

/// The share of the shorter version's sentences in one-to-one beads with
/// shared evidence under which a pairing is doubted. Chosen with
/// [`MIN_SENTENCES`] on FLORES dev documents by `scripts/pairing_eval.py`
/// (seeds 1–6; BENCHMARKS.md): `run` then warned about 102 of 174
/// documents whose Russian and English versions were another document's,
/// and 1 of 382 whose versions were right or incomplete. NTREX-128 news
/// stories, checked after: 147 of 253, and 2 of 485.
pub const MIN_SHARE: f64 = 0.15;

/// What the check found for one document pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pairing {
    /// One-to-one beads whose two sentences share any evidence.
    pub sharing: usize,
    /// Source and target sentences.
    pub sentences: [usize; 2],
}

impl Pairing {
    /// The sentences of the shorter version.
    pub fn shorter(&self) -> usize {
        self.sentences[0].min(self.sentences[1])
    }

    /// What the check found, for a warning: `of the 12 sentences of the
    /// shorter one, only 1 align one to one with ...`.
    pub fn findings(&self) -> String {
        format!(
            "of the {} sentences of the shorter one, only {} align one to one with a sentence \
             sharing a number, name or word",
            self.shorter(),
            self.sharing
        )
    }

    /// Whether the versions look unrelated.
    pub fn doubtful(&self) -> bool {
        self.shorter() >= MIN_SENTENCES && (self.sharing as f64) < MIN_SHARE * self.shorter() as f64
    }
}

/// Counts the one-to-one beads of `beads` (an alignment of `src` with
/// `tgt`) whose sentences share the aligner's model-free evidence or a
/// word pair of `dictionary`.
pub fn check(
    src: &[&str],
    tgt: &[&str],
    langs: (Lang, Lang),
    beads: &[Bead],
    dictionary: Option<&Lexicon>,
) -> Pairing {
    let mut fs: Vec<_> = src.iter().map(|s| features(s, langs.0)).collect();
    let mut ft: Vec<_> = tgt.iter().map(|s| features(s, langs.1)).collect();
    if let Some(lex) = dictionary {
        lex.augment(src, tgt, &mut fs, &mut ft);
    }
    let ev = Evidence::new(&fs, &ft);
    let mut similarity = Similarity::new(&ev);
    let sharing = beads
        .iter()
        .filter(|b| b.src.len() == 1 && b.tgt.len() == 1)
        .filter(|b| {
            similarity
                .of(b.src.clone(), b.tgt.clone(), 0.0)
                .unwrap_or(0.0)
                > 0.0
        })
        .count();
    Pairing {
        sharing,
        sentences: [src.len(), tgt.len()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_to_one(n: usize) -> Vec<Bead> {
        (0..n)
            .map(|i| Bead {
                src: i..i + 1,
                tgt: i..i + 1,
                score: 0.9,
            })
            .collect()
    }

    fn refs(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }

    #[test]
    fn translations_share_evidence_and_unrelated_texts_do_not() {
        let kk: Vec<String> = (0..10)
            .map(|i| format!("{} жылы Астанада {} адам жиналды.", 2000 + i, 10 * i + 7))
            .collect();
        let ru: Vec<String> = (0..10)
            .map(|i| {
                format!(
                    "В {} году в Астане собрались {} человек.",
                    2000 + i,
                    10 * i + 7
                )
            })
            .collect();
        let other: Vec<String> = (0..10)
            .map(|i| format!("Погода сегодня хорошая, вариант номер {}.", 500 + i))
            .collect();
        let (kk, ru, other) = (refs(&kk), refs(&ru), refs(&other));
        let langs = (Lang::Kk, Lang::Ru);
        let right = check(&kk, &ru, langs, &one_to_one(10), None);
        assert_eq!(right.sharing, 10);
        assert!(!right.doubtful());
        let wrong = check(&kk, &other, langs, &one_to_one(10), None);
        assert_eq!(wrong.sharing, 0, "{wrong:?}");
        assert!(wrong.doubtful());
        // Too short to judge.
        let short = check(&kk[..5], &other[..5], langs, &one_to_one(5), None);
        assert!(!short.doubtful());
    }
}
