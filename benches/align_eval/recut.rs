//! Edits the synthetic documents otherwise lack: sentences cut at other
//! places on the two sides (2-2 beads) and three sentences merged into
//! one (1-3, 3-1). Translators of real text do both (Text+Berg dev: 16
//! 2-2 and 16 1-3/3-1 beads of 422), and a generator without them cannot
//! judge the prices of those shapes: every 2-2 bead an aligner made on its
//! documents would be wrong.

use super::rng::Rng;

/// Sentences of a bead on each side and how many parallel sentences
/// (from `i` on) it used up.
pub type Edit = (Vec<String>, Vec<String>, usize);

/// With probability 5%, an edit of the parallel sentences from `i`:
/// a re-cut on either side (1.5% each) or a merge of three (1% each),
/// about Text+Berg's rates (2-2 beads are 3.8% of its dev gold and 1.3%
/// of its test gold; 1-3 and 3-1 3.8% and 2%).
pub fn recut(src: &[String], tgt: &[String], i: usize, rng: &mut Rng) -> Option<Edit> {
    let r = rng.unit();
    if r >= 0.05 || i + 2 >= src.len() {
        return None;
    }
    let pair = |k: usize, side: &[String]| vec![side[k].clone(), side[k + 1].clone()];
    if r < 0.03 {
        // One side keeps sentences i and i+1; the other moves the first
        // half of i+1 into i: "A B1." / "B2." against "A." / "B.".
        let (moved, kept) = if r < 0.015 { (src, tgt) } else { (tgt, src) };
        let (head, tail) = halves(&moved[i + 1])?;
        let cut = vec![format!("{} {head}", moved[i]), tail];
        let (s, t) = if r < 0.015 {
            (cut, pair(i, kept))
        } else {
            (pair(i, kept), cut)
        };
        return Some((s, t, 2));
    }
    let three = |side: &[String]| format!("{} {} {}", side[i], side[i + 1], side[i + 2]);
    let whole = |side: &[String]| side[i..i + 3].to_vec();
    Some(if r < 0.04 {
        (vec![three(src)], whole(tgt), 3)
    } else {
        (whole(src), vec![three(tgt)], 3)
    })
}

/// A sentence cut at the word boundary nearest its middle, the second
/// half capitalised as a sentence; `None` under four words.
fn halves(sentence: &str) -> Option<(String, String)> {
    let words: Vec<&str> = sentence.split_whitespace().collect();
    if words.len() < 4 {
        return None;
    }
    // Bytes before word k, words joined by one space.
    let before = |k: usize| words[..k].iter().map(|w| w.len() + 1).sum::<usize>();
    let middle = before(words.len()) / 2;
    let cut = (1..words.len())
        .min_by_key(|&k| before(k).abs_diff(middle))
        .unwrap_or(1);
    let head = words[..cut].join(" ");
    let mut tail = words[cut..].join(" ");
    if let Some(first) = tail.chars().next() {
        let upper: String = first.to_uppercase().collect();
        tail.replace_range(..first.len_utf8(), &upper);
    }
    Some((head, tail))
}
