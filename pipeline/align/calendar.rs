//! Month and weekday names in Kazakh, Russian and English, each mapped to
//! one symbol, so that `15 наурызда`, `15 марта` and `15 March` share it.

use std::sync::OnceLock;

use super::features::begins_with;

/// Month and weekday names: `(symbol, stems, whole words)`. A word that
/// starts with a stem or equals a whole word names the symbol. Kazakh and
/// Russian names take case endings (`наурызда`, `июня`), so they are stems;
/// English names do not inflect, and whole words keep `marched` out. The
/// Russian words that begin unrelated words are whole words too: `май`
/// (`майор`), `среда` (`средства`, "means"). English `may` is left out: as
/// a verb it is everywhere.
const CALENDAR: &[(&str, &[&str], &[&str])] = &[
    ("m1", &["қаңтар", "январ"], &["january"]),
    ("m2", &["ақпан", "феврал"], &["february"]),
    ("m3", &["наурыз", "март"], &["march"]),
    ("m4", &["сәуір", "апрел"], &["april"]),
    ("m5", &["мамыр"], &["май", "мая", "мае"]),
    ("m6", &["маусым", "июн"], &["june"]),
    ("m7", &["шілде", "июл"], &["july"]),
    ("m8", &["тамыз", "август"], &["august"]),
    ("m9", &["қыркүйек", "сентябр"], &["september"]),
    ("m10", &["қазан", "октябр"], &["october"]),
    ("m11", &["қараша", "ноябр"], &["november"]),
    ("m12", &["желтоқсан", "декабр"], &["december"]),
    ("d1", &["дүйсенбі", "понедельник"], &["monday"]),
    ("d2", &["сейсенбі", "вторник"], &["tuesday"]),
    (
        "d3",
        &["сәрсенбі"],
        &["среда", "среду", "среды", "среде", "wednesday"],
    ),
    ("d4", &["бейсенбі", "четверг"], &["thursday"]),
    ("d5", &["жұма", "пятниц"], &["friday"]),
    ("d6", &["сенбі", "суббот"], &["saturday"]),
    ("d7", &["жексенбі", "воскресен"], &["sunday"]),
];

#[cfg(test)]
pub(super) fn calendar(word: &str) -> Option<&'static str> {
    let lower: Vec<char> = word.chars().collect();
    calendar_of(&lower)
}

/// The calendar symbol a lower-cased word names, if any.
pub(super) fn calendar_of(lower: &[char]) -> Option<&'static str> {
    // Most words begin with two letters no name begins with: look those up
    // first. (A first-byte test let nearly every Cyrillic word through to
    // forty string comparisons.) A bit per hashed prefix turns most words
    // away before the binary search, whose dependent steps were a sixth of
    // feature extraction.
    struct Index {
        by_prefix: Vec<(u64, usize)>,
        bits: [u64; 16],
    }
    fn bit(key: u64) -> usize {
        (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 54) as usize
    }
    static INDEX: OnceLock<Index> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut by_prefix: Vec<(u64, usize)> = CALENDAR
            .iter()
            .enumerate()
            .flat_map(|(k, (_, stems, words))| {
                stems
                    .iter()
                    .chain(words.iter())
                    .filter_map(move |n| Some((prefix(n.chars())?, k)))
            })
            .collect();
        by_prefix.sort_unstable();
        by_prefix.dedup();
        let mut bits = [0u64; 16];
        for &(key, _) in &by_prefix {
            bits[bit(key) / 64] |= 1 << (bit(key) % 64);
        }
        Index { by_prefix, bits }
    });
    let key = prefix(lower.iter().copied())?;
    if index.bits[bit(key) / 64] & 1 << (bit(key) % 64) == 0 {
        return None;
    }
    let index = &index.by_prefix;
    let start = index.partition_point(|&(p, _)| p < key);
    // Compared character by character: common Kazakh prefixes (`қа`, `ма`)
    // bring many words this far, and writing each into a string first was
    // a tenth of this function's time.
    index[start..]
        .iter()
        .take_while(|&&(p, _)| p == key)
        .find_map(|&(_, k)| {
            let (sym, stems, words) = CALENDAR[k];
            let stem = stems.iter().any(|s| begins_with(lower, s));
            let whole = words.iter().any(|w| lower.iter().copied().eq(w.chars()));
            (stem || whole).then_some(sym)
        })
}

/// A word's first two characters as one number; `None` below two.
fn prefix(mut chars: impl Iterator<Item = char>) -> Option<u64> {
    let (a, b) = (chars.next()?, chars.next()?);
    Some(u64::from(a) << 21 | u64::from(b))
}
