//! TER as in sacrebleu 2.5.1 `metrics/ter.py` with the tercom tokenizer of
//! `tokenizers/tokenizer_ter.py`; the edit-distance/shift search is in
//! `ter_align.rs`.

use super::ngrams::Interner;
use super::signature::{yes_no, NRefs, Signature};
use super::ter_align::translation_edit_rate;
use super::text::{py_lower, py_rstrip, py_split};
use super::tokenize::western_passes;

/// Options of sacrebleu's `TER` class (all off by default).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TerOptions {
    /// tercom normalisation (punctuation tokenization, XML entities, ...).
    pub normalized: bool,
    /// Remove punctuation.
    pub no_punct: bool,
    /// Extra CJK handling (only matters with `normalized`/`no_punct`).
    pub asian_support: bool,
    /// Do not lowercase (TER is case-insensitive by default).
    pub case_sensitive: bool,
}

impl TerOptions {
    pub(crate) fn signature(&self, nrefs: NRefs) -> Signature {
        Signature::new(
            nrefs,
            vec![
                (
                    "case",
                    "c",
                    if self.case_sensitive { "mixed" } else { "lc" }.into(),
                ),
                ("tok", "t", "tercom".into()),
                ("norm", "nr", yes_no(self.normalized)),
                ("punct", "pn", yes_no(!self.no_punct)),
                ("asian", "as", yes_no(self.asian_support)),
            ],
        )
    }
}

/// CJK ideographs, strokes, radicals and compatibility blocks that tercom's
/// asian normalisation isolates (`_normalize_asian`).
fn is_cjk_split(c: char) -> bool {
    matches!(c,
        '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{31c0}'..='\u{31ef}' | '\u{2e80}'..='\u{2eff}'
        | '\u{3300}'..='\u{33ff}' | '\u{f900}'..='\u{faff}' | '\u{fe30}'..='\u{fe4f}' | '\u{3200}'..='\u{3f22}')
}

/// `TercomTokenizer.ASIAN_PUNCT` and `FULL_WIDTH_PUNCT`.
fn is_asian_punct(c: char) -> bool {
    matches!(c,
        '\u{3001}' | '\u{3002}' | '\u{3008}'..='\u{3011}' | '\u{3014}'..='\u{301f}' | '\u{ff61}'..='\u{ff65}'
        | '\u{30fb}' | '\u{ff0e}' | '\u{ff0c}' | '\u{ff1f}' | '\u{ff1a}' | '\u{ff1b}' | '\u{ff01}' | '\u{ff02}'
        | '\u{ff08}' | '\u{ff09}')
}

/// `TercomTokenizer.__call__` on an `rstrip`ped line, returned split.
pub(crate) fn tercom_tokenize(o: &TerOptions, sent: &str) -> String {
    if sent.is_empty() {
        return String::new();
    }
    let mut s = if o.case_sensitive {
        sent.to_string()
    } else {
        py_lower(sent)
    };
    if o.normalized {
        s = s.replace("\n-", "").replace('\n', " ");
        s = s
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">");
        let mut a = Vec::with_capacity(s.len() * 2 + 2);
        a.push(b' ');
        a.extend_from_slice(s.as_bytes());
        a.push(b' ');
        western_passes(&mut a, &mut Vec::new(), true);
        // Only ASCII spaces were inserted next to ASCII bytes.
        s = String::from_utf8(a).unwrap_or_default();
        if o.asian_support {
            // Every asian rule is a single-character " \1 " substitution, so
            // the rules commute and a single pass is equivalent. The three
            // kana rules are anchored at `^` and can never match here
            // because the western step padded the line with a space.
            let mut t = String::with_capacity(s.len() * 2);
            for c in s.chars() {
                if is_cjk_split(c) || is_asian_punct(c) {
                    t.push(' ');
                    t.push(c);
                    t.push(' ');
                } else {
                    t.push(c);
                }
            }
            s = t;
        }
    }
    if o.no_punct {
        s.retain(|c| !matches!(c, '.' | ',' | '?' | ':' | ';' | '!' | '"' | '(' | ')'));
        if o.asian_support {
            s.retain(|c| !is_asian_punct(c));
        }
    }
    py_split(&s).join(" ")
}

#[derive(Default)]
pub(crate) struct TerScorer {
    interner: Interner,
}

impl TerScorer {
    /// Appends `[best_num_edits, average_ref_length]`
    /// (`TER._compute_segment_statistics`).
    pub(crate) fn segment_stats(
        &mut self,
        o: &TerOptions,
        hyp: &str,
        refs: &[&str],
        out: &mut Vec<f64>,
    ) {
        let hyp_t = tercom_tokenize(o, py_rstrip(hyp));
        // sacrebleu preprocesses references twice: `Metric._cache_references`
        // calls `_preprocess_segment` and `TER._extract_reference_info` calls
        // it again on the result. Normalisation is not idempotent (e.g. the
        // possessive rule can fire once odd whitespace became a plain
        // space), so the double pass is reproduced.
        let prep = |s: &str| tercom_tokenize(o, py_rstrip(s));
        let refs_t: Vec<String> = refs.iter().map(|r| prep(&prep(r))).collect();
        let expected = hyp_t.len() / 2 + refs_t.iter().map(|r| r.len() / 2).sum::<usize>() + 1;
        self.interner.reset(expected);
        let ids = |s: &str, it: &mut Interner| -> Vec<u32> {
            py_split(s)
                .iter()
                .map(|w| it.intern(w.as_bytes()))
                .collect()
        };
        let hyp_ids = ids(&hyp_t, &mut self.interner);
        let mut best = u64::MAX;
        let mut ref_lengths = 0usize;
        for r in &refs_t {
            let ref_ids = ids(r, &mut self.interner);
            let edits = translation_edit_rate(&hyp_ids, &ref_ids);
            ref_lengths += ref_ids.len();
            best = best.min(edits);
        }
        out.push(best as f64);
        out.push(ref_lengths as f64 / refs_t.len() as f64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(o: &TerOptions, s: &str) -> String {
        tercom_tokenize(o, s)
    }

    #[test]
    fn tercom_tokenizer() {
        let d = TerOptions::default();
        assert_eq!(tok(&d, "Hello, World!"), "hello, world!");
        let n = TerOptions {
            normalized: true,
            ..d.clone()
        };
        assert_eq!(tok(&n, "John's car, 3.5 km."), "john 's car , 3.5 km .");
        let p = TerOptions {
            no_punct: true,
            ..d.clone()
        };
        assert_eq!(tok(&p, "(Hi), there!"), "hi there");
        let a = TerOptions {
            normalized: true,
            asian_support: true,
            no_punct: true,
            ..d
        };
        assert_eq!(tok(&a, "中文。好"), "中 文 好");
    }

    #[test]
    fn segment_statistics() {
        let mut t = TerScorer::default();
        let mut out = Vec::new();
        t.segment_stats(&TerOptions::default(), "a b c", &["a b c", "x"], &mut out);
        assert_eq!(out, [0.0, 2.0]);
        out.clear();
        t.segment_stats(&TerOptions::default(), "", &[""], &mut out);
        assert_eq!(out, [0.0, 0.0]);
        out.clear();
        t.segment_stats(&TerOptions::default(), "b c a", &["a b c"], &mut out);
        assert_eq!(out, [1.0, 3.0]); // one shift
        out.clear();
        // References are normalised twice (the second pass splits "it's").
        let n = TerOptions {
            normalized: true,
            ..TerOptions::default()
        };
        t.segment_stats(&n, "it's a", &["it's\u{3000}a"], &mut out);
        assert_eq!(out, [0.0, 3.0]); // a single pass would give [2.0, 2.0]
    }
}
