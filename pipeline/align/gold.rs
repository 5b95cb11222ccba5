//! Vecalign's bead file format and its strict/lax scores.
//!
//! One bead per line: `[0]:[0]`, `[1]:[1,2]`, `[7,8]:[8]`, `[19]:[]`,
//! `[]:[16]`, optionally followed by `:score`.

use std::ops::Range;

use super::Bead;

/// Formats a bead as vecalign does (`[1,2]:[3]`).
pub fn format_bead(bead: &Bead) -> String {
    format!("{}:{}", side(&bead.src), side(&bead.tgt))
}

fn side(r: &Range<usize>) -> String {
    let items: Vec<String> = r.clone().map(|i| i.to_string()).collect();
    format!("[{}]", items.join(","))
}

/// A malformed bead line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message} (expected e.g. `[1]:[1,2]`)")]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Parses a bead file. Each side must list consecutive indices; an empty
/// side is placed where the previous bead ended.
pub fn parse_beads(text: &str) -> Result<Vec<Bead>, ParseError> {
    let mut beads: Vec<Bead> = Vec::new();
    for_each_bead(text, |src, tgt, score| {
        let (at_src, at_tgt) = beads.last().map_or((0, 0), |b| (b.src.end, b.tgt.end));
        beads.push(Bead {
            src: range(&src, at_src)?,
            tgt: range(&tgt, at_tgt)?,
            score: score.unwrap_or(1.0),
        });
        Ok(())
    })?;
    Ok(beads)
}

fn range(ids: &[usize], at: usize) -> Result<Range<usize>, String> {
    match ids {
        [] => Ok(at..at),
        [first, .., last] | [first @ last] => {
            if ids.windows(2).any(|w| w[1] != w[0] + 1) {
                return Err(format!("indices {ids:?} are not consecutive"));
            }
            Ok(*first..*last + 1)
        }
    }
}

/// Calls `bead(src ids, tgt ids, score)` for every non-empty line,
/// attaching the line number to any error.
fn for_each_bead(
    text: &str,
    mut bead: impl FnMut(Vec<usize>, Vec<usize>, Option<f32>) -> Result<(), String>,
) -> Result<(), ParseError> {
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let parsed = (|| {
            let mut parts = line.splitn(3, ':');
            let src = ids(parts.next().unwrap_or(""))?;
            let tgt = ids(parts.next().ok_or("missing `:`")?)?;
            let score = match parts.next() {
                Some(s) => Some(s.trim().parse().map_err(|_| "bad score".to_string())?),
                None => None,
            };
            bead(src, tgt, score)
        })();
        parsed.map_err(|message| ParseError {
            line: n + 1,
            message,
        })?;
    }
    Ok(())
}

/// Precision, recall and F1 of a test alignment against gold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prf {
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
}

/// Strict and lax scores as vecalign's `score.py` computes them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlignmentScores {
    /// Identical beads.
    pub strict: Prf,
    /// Beads overlapping on both sides.
    pub lax: Prf,
}

/// A bead as a gold file lists it: sentence ids, not necessarily
/// consecutive (hand alignments of OCR text sometimes skip one).
pub type IdBead = (Vec<usize>, Vec<usize>);

/// Parses a gold file leniently: any ids, in any order.
pub fn parse_gold(text: &str) -> Result<Vec<IdBead>, ParseError> {
    let mut beads = Vec::new();
    for_each_bead(text, |src, tgt, _| {
        beads.push((src, tgt));
        Ok(())
    })?;
    Ok(beads)
}

fn ids(s: &str) -> Result<Vec<usize>, String> {
    let inner = s
        .trim()
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .ok_or_else(|| format!("`{s}` is not a bracketed list"))?;
    if inner.trim().is_empty() {
        return Ok(Vec::new());
    }
    inner
        .split(',')
        .map(|x| {
            x.trim()
                .parse()
                .map_err(|_| format!("`{x}` is not an index"))
        })
        .collect()
}

/// A bead's ids.
pub fn ids_of(b: &Bead) -> IdBead {
    (b.src.clone().collect(), b.tgt.clone().collect())
}

/// Scores `test` against `gold` exactly as vecalign's `score.py`: precision
/// counts all test beads (1-0 and 0-1 included); recall is precision with
/// the roles swapped after removing beads with an empty side from both;
/// strict means an identical bead, lax a bead sharing a source and a target
/// id with one gold bead.
pub fn score(test: &[Bead], gold: &[IdBead]) -> AlignmentScores {
    let test: Vec<IdBead> = test.iter().map(ids_of).collect();
    score_ids(&test, gold)
}

/// [`score_ids`] over several documents at once, as `score.py` scores
/// several files: every bead of every document counts once. Each document
/// comes as its test beads, its gold beads and its sentence counts (source,
/// target); ids are shifted past the documents before it, so that beads of
/// different documents never match.
pub fn score_documents(
    docs: impl IntoIterator<Item = (Vec<IdBead>, Vec<IdBead>, (usize, usize))>,
) -> AlignmentScores {
    let (mut test, mut gold) = (Vec::new(), Vec::new());
    let (mut ds, mut dt) = (0, 0);
    for (doc_test, doc_gold, (n_src, n_tgt)) in docs {
        let shift = |(s, t): IdBead| -> IdBead {
            (
                s.into_iter().map(|i| i + ds).collect(),
                t.into_iter().map(|j| j + dt).collect(),
            )
        };
        test.extend(doc_test.into_iter().map(shift));
        gold.extend(doc_gold.into_iter().map(shift));
        ds += n_src;
        dt += n_tgt;
    }
    score_ids(&test, &gold)
}

/// [`score`] on id beads.
pub fn score_ids(test: &[IdBead], gold: &[IdBead]) -> AlignmentScores {
    let full = |b: &&IdBead| !b.0.is_empty() && !b.1.is_empty();
    let (p_strict, p_lax, p_all) = hits(test, gold);
    let test_full: Vec<IdBead> = test.iter().filter(full).cloned().collect();
    let gold_full: Vec<IdBead> = gold.iter().filter(full).cloned().collect();
    let (r_strict, r_lax, r_all) = hits(&gold_full, &test_full);
    let prf = |p_hits: usize, r_hits: usize| {
        let precision = ratio(p_hits, p_all);
        let recall = ratio(r_hits, r_all);
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Prf {
            precision,
            recall,
            f1,
        }
    };
    AlignmentScores {
        strict: prf(p_strict, r_strict),
        lax: prf(p_lax, r_lax),
    }
}

/// Strict and lax hits of `test` beads in `reference`, and the number of
/// distinct non-empty test beads (vecalign works on sets).
fn hits(test: &[IdBead], reference: &[IdBead]) -> (usize, usize, usize) {
    use std::collections::{HashMap, HashSet};
    let exact: HashSet<&IdBead> = reference.iter().collect();
    let mut linked: HashMap<usize, HashSet<usize>> = HashMap::new();
    for (s, t) in reference {
        for &i in s {
            linked.entry(i).or_default().extend(t.iter().copied());
        }
    }
    let test: HashSet<&IdBead> = test
        .iter()
        .filter(|b| !b.0.is_empty() || !b.1.is_empty())
        .collect();
    let (mut strict, mut lax) = (0, 0);
    for b in &test {
        if exact.contains(b) {
            strict += 1;
            lax += 1;
        } else if b.0.iter().any(|i| {
            linked
                .get(i)
                .is_some_and(|t| b.1.iter().any(|j| t.contains(j)))
        }) {
            lax += 1;
        }
    }
    (strict, lax, test.len())
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_scored_together_without_mixing() {
        let one = |s: usize, t: usize| (vec![s], vec![t]);
        // The second document's test bead [0]:[0] must not match the first
        // document's gold [0]:[0].
        let docs = vec![
            (vec![one(0, 0)], vec![one(0, 0)], (1, 1)),
            (vec![one(0, 0)], vec![(vec![0], vec![])], (1, 1)),
        ];
        let s = score_documents(docs);
        assert_eq!(s.strict.precision, 0.5);
        assert_eq!(s.strict.recall, 1.0);
    }

    #[test]
    fn round_trip() {
        let text = "[0]:[0]\n[1]:[1,2]\n[2,3]:[3]\n[4]:[]\n[]:[4]\n";
        let beads = parse_beads(text).unwrap();
        let back: Vec<String> = beads.iter().map(format_bead).collect();
        assert_eq!(back.join("\n") + "\n", text);
    }

    #[test]
    fn bad_lines_are_named() {
        let err = parse_beads("[0]:[0]\n[1,3]:[1]\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(parse_beads("[0]-[0]").is_err());
    }

    #[test]
    fn scores_follow_vecalign() {
        let gold = parse_beads("[0]:[0]\n[1]:[1,2]\n[2]:[]\n[3]:[3]").unwrap();
        let test = parse_beads("[0]:[0]\n[1]:[1]\n[]:[2]\n[2]:[]\n[3]:[3]").unwrap();
        let gold: Vec<IdBead> = gold.iter().map(ids_of).collect();
        let s = score(&test, &gold);
        // precision: [0]:[0], [2]:[], [3]:[3] of 5 beads.
        assert!((s.strict.precision - 3.0 / 5.0).abs() < 1e-12);
        // recall: gold without empty sides has 3 beads, 2 found.
        assert!((s.strict.recall - 2.0 / 3.0).abs() < 1e-12);
        // lax: [1]:[1] overlaps [1]:[1,2]; []:[2] overlaps nothing.
        assert!((s.lax.precision - 4.0 / 5.0).abs() < 1e-12);
        assert!((s.lax.recall - 1.0).abs() < 1e-12);
    }
}
