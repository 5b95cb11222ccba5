//! Stage 3: sentence alignment.
//!
//! An [`Aligner`] turns two sentence lists into monotone [`Bead`]s that cover
//! every sentence of both sides exactly once, in order. [`pivot`] merges the
//! kk–ru and kk–en beads of a document into trilingual rows, and
//! [`orphans`] mends them where Kazakh lacks a passage.

pub mod anchor;
mod calendar;
pub mod dp;
pub mod embed;
pub mod embed_cache;
pub mod evidence;
pub mod features;
pub mod gold;
pub mod length;
pub mod lexicon;
mod numbers;
pub mod orphans;
pub mod pairing;
pub mod pivot;

use std::ops::Range;

pub use anchor::{AlignOptions, AnchorAligner};
pub use length::LengthAligner;

/// A group of consecutive source sentences aligned with a group of
/// consecutive target sentences; either side may be empty.
#[derive(Debug, Clone, PartialEq)]
pub struct Bead {
    /// Source sentence indices.
    pub src: Range<usize>,
    /// Target sentence indices.
    pub tgt: Range<usize>,
    /// How likely the bead is, in `[0, 1]`.
    pub score: f32,
}

impl Bead {
    /// The bead's shape as `src-tgt` sentence counts, e.g. `2-1`.
    pub fn shape(&self) -> String {
        format!("{}-{}", self.src.len(), self.tgt.len())
    }
}

/// Aligns the sentences of two language versions of a document.
pub trait Aligner: Send + Sync {
    /// Beads covering `0..src.len()` and `0..tgt.len()` exactly once, in order.
    fn align(&self, src: &[&str], tgt: &[&str]) -> Vec<Bead>;

    /// Aligns several document pairs of the same two languages, each as
    /// [`Aligner::align`] would; an aligner that learns from its input
    /// learns from all of them at once.
    fn align_documents(&self, docs: &[DocumentPair<'_>]) -> Vec<Vec<Bead>> {
        docs.iter()
            .map(|&(src, tgt)| self.align(src, tgt))
            .collect()
    }
}

/// The source and target sentences of one document pair.
pub type DocumentPair<'a> = (&'a [&'a str], &'a [&'a str]);

/// Checks the aligner contract: beads are non-empty, monotone and cover both
/// sides exactly once. Returns a description of the first violation.
pub fn check_cover(beads: &[Bead], n_src: usize, n_tgt: usize) -> Result<(), String> {
    let (mut s, mut t) = (0, 0);
    for (k, b) in beads.iter().enumerate() {
        if b.src.start != s || b.tgt.start != t {
            return Err(format!("bead {k} {b:?} does not start at ({s}, {t})"));
        }
        if b.src.is_empty() && b.tgt.is_empty() {
            return Err(format!("bead {k} is empty"));
        }
        (s, t) = (b.src.end, b.tgt.end);
    }
    if (s, t) != (n_src, n_tgt) {
        return Err(format!("beads end at ({s}, {t}), not ({n_src}, {n_tgt})"));
    }
    Ok(())
}
