//! Public result and error types of the `score` module.

use super::Signature;

/// Why a score could not be computed. Where sacrebleu's API would crash
/// (no segments, a segment without any reference) or silently truncate
/// (`zip` over streams of different lengths), we refuse instead.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScoreError {
    #[error("no hypotheses to score")]
    EmptyCorpus,
    #[error("no reference stream given")]
    NoReferences,
    #[error(
        "reference stream {stream} has {got} segments, expected {expected} (one per hypothesis)"
    )]
    ReferenceCountMismatch {
        stream: usize,
        expected: usize,
        got: usize,
    },
    #[error("system {system} has {got} segments but the baseline has {expected}")]
    SystemLengthMismatch {
        system: usize,
        expected: usize,
        got: usize,
    },
    #[error("segment {0} has no reference (all of its references are missing)")]
    MissingReference(usize),
    #[error("invalid option: {0}")]
    InvalidOption(String),
}

/// A reference segment that may be missing (sacrebleu's `None`), so that
/// streams of `&str`, `String` or `Option<&str>` are all accepted.
pub trait RefText {
    fn ref_text(&self) -> Option<&str>;
}

impl RefText for &str {
    fn ref_text(&self) -> Option<&str> {
        Some(self)
    }
}
impl RefText for String {
    fn ref_text(&self) -> Option<&str> {
        Some(self)
    }
}
impl RefText for &String {
    fn ref_text(&self) -> Option<&str> {
        Some(self)
    }
}
impl RefText for Option<&str> {
    fn ref_text(&self) -> Option<&str> {
        *self
    }
}
impl RefText for Option<String> {
    fn ref_text(&self) -> Option<&str> {
        self.as_deref()
    }
}

/// Metric-specific parts of a score.
#[derive(Clone, Debug, PartialEq)]
pub enum ScoreDetails {
    /// `counts`/`totals` are the summed match statistics before any add-k
    /// smoothing; `precisions` are in percent.
    Bleu {
        counts: Vec<u64>,
        totals: Vec<u64>,
        precisions: Vec<f64>,
        bp: f64,
        ratio: f64,
        sys_len: u64,
        ref_len: u64,
    },
    Chrf,
    /// Total edits and total (per-segment averaged) reference length.
    Ter {
        num_edits: u64,
        ref_length: f64,
    },
}

/// A computed score.
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    /// `BLEU`, `chrF2`, `chrF2++` or `TER`.
    pub name: String,
    /// The unrounded score, equal to sacrebleu's `score.score`.
    pub value: f64,
    /// `str(score)` in sacrebleu, e.g. `BLEU = 23.45 56.7/30.1/18.2/11.0
    /// (BP = 0.987 ratio = 0.987 hyp_len = 123 ref_len = 125)`.
    pub formatted: String,
    /// Extra text after the number (BLEU only, empty otherwise).
    pub verbose: String,
    pub signature: Signature,
    pub details: ScoreDetails,
}

impl Score {
    /// sacrebleu's `Score.format(width, signature=...)`: with the signature
    /// this is the line the command line prints, e.g.
    /// `chrF2|nrefs:1|...|version:2.5.1 = 55.12`.
    pub fn format(&self, width: usize, with_signature: bool) -> String {
        let head = if with_signature {
            format!("{}|{}", self.name, self.signature)
        } else {
            self.name.clone()
        };
        let mut s = format!("{head} = {:.*}", width, self.value);
        if !self.verbose.is_empty() {
            s.push(' ');
            s.push_str(&self.verbose);
        }
        s
    }
}

impl std::fmt::Display for Score {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.formatted)
    }
}
