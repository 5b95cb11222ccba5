//! chrF and chrF++ as in sacrebleu 2.5.1 `metrics/chrf.py`.

use super::ngrams::{lane_bits, CharIds, CountTable, Interner, NgramKey};
use super::num::Np;
use super::signature::{yes_no, NRefs, Signature};
use super::text::{is_py_space, maybe_lower, py_split_spans};
use super::ScoreError;

/// Options of sacrebleu's `CHRF` class.
#[derive(Clone, Debug, PartialEq)]
pub struct ChrfOptions {
    /// Character n-gram order, 0..=6 (default 6).
    pub char_order: usize,
    /// Word n-gram order, 0..=4: 0 is chrF, 2 is chrF++.
    pub word_order: usize,
    /// Recall weight (default 2).
    pub beta: u32,
    pub lowercase: bool,
    /// Keep whitespace inside character n-grams (default off).
    pub whitespace: bool,
    /// chrF++.py-style epsilon smoothing instead of sacrebleu's default
    /// effective-order averaging (`eff:no` in the signature when on).
    pub eps_smoothing: bool,
}

impl Default for ChrfOptions {
    fn default() -> Self {
        ChrfOptions {
            char_order: 6,
            word_order: 0,
            beta: 2,
            lowercase: false,
            whitespace: false,
            eps_smoothing: false,
        }
    }
}

impl ChrfOptions {
    /// chrF++: default options with word bigrams.
    pub fn plus_plus() -> Self {
        ChrfOptions {
            word_order: 2,
            ..Self::default()
        }
    }

    /// `chrF2`, `chrF2++`, ... (`CHRFScore` naming).
    pub fn name(&self) -> String {
        format!("chrF{}{}", self.beta, "+".repeat(self.word_order))
    }

    fn order(&self) -> usize {
        self.char_order + self.word_order
    }

    pub(crate) fn validate(&self) -> Result<(), ScoreError> {
        if self.char_order > 6 || self.word_order > 4 || self.order() == 0 {
            return Err(ScoreError::InvalidOption(
                "chrF needs char_order <= 6, word_order <= 4 and at least one order".into(),
            ));
        }
        Ok(())
    }

    pub(crate) fn signature(&self, nrefs: NRefs) -> Signature {
        Signature::new(
            nrefs,
            vec![
                (
                    "case",
                    "c",
                    if self.lowercase { "lc" } else { "mixed" }.into(),
                ),
                ("eff", "e", yes_no(!self.eps_smoothing)),
                ("nc", "nc", self.char_order.to_string()),
                ("nw", "nw", self.word_order.to_string()),
                ("space", "s", yes_no(self.whitespace)),
            ],
        )
    }
}

/// `CHRF._compute_f_score` over `[hyp, ref, match]` triples, one per order.
pub(crate) fn f_score(o: &ChrfOptions, stats: &[Np]) -> Np {
    let eps = Np::Py(1e-16);
    let factor = Np::Py(f64::from(o.beta * o.beta));
    let one_plus = Np::Py(f64::from(1 + o.beta * o.beta));
    let zero = Np::Py(0.0);
    let mut score = Np::Py(0.0);
    let mut eff = 0usize;
    let (mut avg_prec, mut avg_rec) = (Np::Py(0.0), Np::Py(0.0));
    for t in stats.chunks_exact(3) {
        let (n_hyp, n_ref, n_match) = (t[0], t[1], t[2]);
        let prec = if n_hyp.gt(zero) {
            n_match.div(n_hyp)
        } else {
            eps
        };
        let rec = if n_ref.gt(zero) {
            n_match.div(n_ref)
        } else {
            eps
        };
        if o.eps_smoothing {
            let denom = factor.mul(prec).add(rec);
            let term = if denom.gt(zero) {
                one_plus.mul(prec).mul(rec).div(denom)
            } else {
                eps
            };
            score = score.add(term);
        }
        if n_hyp.gt(zero) && n_ref.gt(zero) {
            avg_prec = avg_prec.add(prec);
            avg_rec = avg_rec.add(rec);
            eff += 1;
        }
    }
    if o.eps_smoothing {
        return Np::Py(100.0).mul(score).div(Np::Py(o.order() as f64));
    }
    if eff == 0 {
        return Np::Py(0.0);
    }
    avg_prec = avg_prec.div(Np::Py(eff as f64));
    avg_rec = avg_rec.div(Np::Py(eff as f64));
    if !avg_prec.add(avg_rec).truthy() {
        return Np::Py(0.0);
    }
    let s = one_plus.mul(avg_prec).mul(avg_rec);
    let s = s.div(factor.mul(avg_prec).add(avg_rec));
    Np::Py(100.0).mul(s)
}

/// ASCII punctuation (`string.punctuation`), split off word edges for chrF++.
fn is_ascii_punct(b: u8) -> bool {
    b.is_ascii_punctuation()
}

/// `CHRF._remove_punctuation`: whitespace tokens, with one punctuation mark
/// split off the end (or, failing that, the start) of multi-character words.
fn words_for_chrf(line: &str, mut f: impl FnMut(&[u8])) {
    let b = line.as_bytes();
    py_split_spans(b, |s, e| {
        let w = &b[s..e];
        let single = line[s..e].chars().nth(1).is_none();
        if single {
            f(w);
        } else if is_ascii_punct(w[w.len() - 1]) {
            f(&w[..w.len() - 1]);
            f(&w[w.len() - 1..]);
        } else if is_ascii_punct(w[0]) {
            f(&w[..1]);
            f(&w[1..]);
        } else {
            f(w);
        }
    });
}

/// A preprocessed side: character ids and word ids.
#[derive(Default)]
struct Side {
    chars: Vec<u32>,
    words: Vec<u32>,
}

#[derive(Default)]
pub(crate) struct ChrfScorer {
    hyp: Side,
    refs: Vec<Side>,
    char_ids: CharIds,
    interner: Interner,
    small: Tables<u64>,
    large: Tables<u128>,
    row: Vec<f64>,
    np_row: Vec<Np>,
    best: Vec<f64>,
}

fn load_side(
    o: &ChrfOptions,
    line: &str,
    side: &mut Side,
    char_ids: &mut CharIds,
    interner: &mut Interner,
) {
    let line = maybe_lower(line, o.lowercase);
    side.chars.clear();
    // `''.join(line.split())` unless whitespace is kept.
    for c in line.chars() {
        if o.whitespace || !is_py_space(c) {
            side.chars.push(char_ids.id(c));
        }
    }
    side.words.clear();
    if o.word_order > 0 {
        words_for_chrf(&line, |w| side.words.push(interner.intern(w)));
    }
}

/// Match statistics of one order range, with `u64` keys when they fit.
fn count_any(
    small: &mut Tables<u64>,
    large: &mut Tables<u128>,
    hyp: &[u32],
    rf: &[u32],
    order: usize,
    max_id: u32,
    row: &mut [f64],
) {
    let (bits, fits_u64) = lane_bits(max_id, order);
    if fits_u64 {
        small.count_matches(hyp, rf, order, bits, row);
    } else {
        large.count_matches(hyp, rf, order, bits, row);
    }
}

impl ChrfScorer {
    /// Appends the `[hyp, ref, match]` triples of the reference with the best
    /// F-score (`CHRF._compute_segment_statistics`).
    pub(crate) fn segment_stats(
        &mut self,
        o: &ChrfOptions,
        hyp: &str,
        refs: &[&str],
        out: &mut Vec<f64>,
    ) {
        let expected = hyp.len() + refs.iter().map(|r| r.len()).sum::<usize>();
        self.interner.reset(if o.word_order > 0 {
            expected / 2 + 1
        } else {
            1
        });
        self.char_ids.reset();
        load_side(
            o,
            hyp,
            &mut self.hyp,
            &mut self.char_ids,
            &mut self.interner,
        );
        if self.refs.len() < refs.len() {
            self.refs.resize_with(refs.len(), Side::default);
        }
        for (r, side) in refs.iter().zip(self.refs.iter_mut()) {
            load_side(o, r, side, &mut self.char_ids, &mut self.interner);
        }
        let (max_char, max_word) = (self.char_ids.max_id(), self.interner.max_id());

        let mut best_f = Np::Py(-1.0);
        self.best.clear();
        for r in &self.refs[..refs.len()] {
            self.row.clear();
            self.row.resize(3 * o.order(), 0.0);
            let row = &mut self.row;
            let (chars, words) = row.split_at_mut(3 * o.char_order);
            count_any(
                &mut self.small,
                &mut self.large,
                &self.hyp.chars,
                &r.chars,
                o.char_order,
                max_char,
                chars,
            );
            count_any(
                &mut self.small,
                &mut self.large,
                &self.hyp.words,
                &r.words,
                o.word_order,
                max_word,
                words,
            );
            self.np_row.clear();
            self.np_row.extend(self.row.iter().map(|&x| Np::Py(x)));
            let f = f_score(o, &self.np_row);
            if f.gt(best_f) {
                best_f = f;
                self.best.clone_from(&self.row);
            }
        }
        out.extend_from_slice(&self.best);
    }
}

/// Scratch for `count_matches`: the table and each position's running key.
#[derive(Default)]
struct Tables<K> {
    table: CountTable<K>,
    hk: Vec<K>,
    rk: Vec<K>,
}

impl<K: NgramKey> Tables<K> {
    /// Fills `[hyp_count, ref_count, matches]` per order 1..=max_order
    /// (`_get_match_statistics`; hyp counts are zeroed when the reference
    /// has no n-gram of that order). Orders are handled one at a time, which
    /// keeps the table small; `hk`/`rk` extend each position's key by one
    /// item per order.
    fn count_matches(
        &mut self,
        hyp: &[u32],
        rf: &[u32],
        max_order: usize,
        bits: u32,
        row: &mut [f64],
    ) {
        self.hk.clear();
        self.hk.resize(hyp.len(), K::default());
        self.rk.clear();
        self.rk.resize(rf.len(), K::default());
        for n in 1..=max_order {
            let h = (hyp.len() + 1).saturating_sub(n);
            let r = (rf.len() + 1).saturating_sub(n);
            for (k, &x) in self.rk[..r]
                .iter_mut()
                .zip(rf.get(n - 1..).unwrap_or_default())
            {
                *k = k.push(bits, x + 1);
            }
            for (k, &x) in self.hk[..h]
                .iter_mut()
                .zip(hyp.get(n - 1..).unwrap_or_default())
            {
                *k = k.push(bits, x + 1);
            }
            let mut matches = 0usize;
            if r > 0 && h > 0 {
                self.table.reset(r);
                for &k in &self.rk[..r] {
                    self.table.add(k, 1);
                }
                for &k in &self.hk[..h] {
                    matches += usize::from(self.table.take(k));
                }
            }
            row[3 * (n - 1)] = if r > 0 { h as f64 } else { 0.0 };
            row[3 * (n - 1) + 1] = r as f64;
            row[3 * (n - 1) + 2] = matches as f64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(o: &ChrfOptions, hyp: &str, refs: &[&str]) -> Vec<f64> {
        let mut out = Vec::new();
        ChrfScorer::default().segment_stats(o, hyp, refs, &mut out);
        out
    }

    #[test]
    fn char_statistics_skip_whitespace() {
        let o = ChrfOptions {
            char_order: 2,
            ..ChrfOptions::default()
        };
        // hyp "ab" vs ref "a b": unigrams 2/2/2, bigrams 1/1/1.
        assert_eq!(stats(&o, "ab", &["a b"]), [2.0, 2.0, 2.0, 1.0, 1.0, 1.0]);
        // Empty reference: hyp counts are zeroed as in sacrebleu.
        assert_eq!(stats(&o, "ab", &[""]), [0.0; 6]);
    }

    #[test]
    fn huge_alphabets_use_wide_keys() {
        // 1100 distinct characters need 11-bit lanes: 6 of them exceed a u64.
        let text: String = (0..1100u32)
            .filter_map(|i| char::from_u32(0x4e00 + i))
            .collect();
        let o = ChrfOptions::default();
        let s = stats(&o, &text, &[&text]);
        let expected: Vec<f64> = (0..6).flat_map(|n| [1100.0 - n as f64; 3]).collect();
        assert_eq!(s, expected);
        let mut shorter: Vec<char> = text.chars().collect();
        shorter.swap(0, 1);
        let shorter: String = shorter.into_iter().collect();
        let s = stats(&o, &shorter, &[&text]);
        assert_eq!(&s[..6], [1100.0, 1100.0, 1100.0, 1099.0, 1099.0, 1097.0]);
    }

    #[test]
    fn chrf_pp_words_and_scores() {
        let mut got = Vec::new();
        words_for_chrf("(hi) «сәлем», a. .b", |w| {
            got.push(String::from_utf8(w.to_vec()).unwrap())
        });
        assert_eq!(got, ["(hi", ")", "«сәлем»", ",", "a", ".", ".", "b"]);
        let o = ChrfOptions::plus_plus();
        let s = stats(&o, "", &["x"]);
        assert_eq!(
            f_score(&o, &s.iter().map(|&x| Np::Py(x)).collect::<Vec<_>>()).f64(),
            0.0
        );
        let s = stats(&o, "same text", &["same text"]);
        let f = f_score(&o, &s.iter().map(|&x| Np::Py(x)).collect::<Vec<_>>()).f64();
        assert!((f - 100.0).abs() < 1e-12);
    }
}
