//! Lexical evidence that needs no model: what two sentences in different
//! languages visibly share.
//!
//! - Numbers, normalised across conventions: `10 мың` = `10 тысяч` =
//!   `10,000`; `3,5` (kk/ru) = `3.5` (en); dates `15.03.2026` give day,
//!   month and year.
//! - Month and weekday names in kk, ru and en map to one symbol each, so
//!   `15 наурызда` = `15 марта` = `15 March`.
//! - Every other word is reduced to a consonant skeleton of its Latin
//!   transliteration: `Василенко` and `Vassilenko` both give `vsln`,
//!   `Конституциясының`, `Конституции` and `Constitution` all give `knst`.
//!   Coarse on purpose: names, loanwords and shared roots match across
//!   Cyrillic and Latin, and document-level weights (rarity, and how
//!   evenly the two sides use a feature; see `evidence.rs`) keep frequent
//!   collisions cheap.
//! - Acronyms, transliterated whole: `НАТО` = `NATO`.
//! - `?`, `!`, quotes and brackets, which translators keep.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use super::calendar::calendar_of;
use super::numbers::number;
use crate::lang::Lang;

/// A feature, hashed.
pub type Feature = u64;

/// A map keyed by features. They are hashes already, so one multiply
/// spreads them over the table; SipHash was a twentieth of the aligner's
/// time.
pub type FeatureMap<V> = HashMap<Feature, V, BuildHasherDefault<FeatureHasher>>;

/// The hasher of [`FeatureMap`].
#[derive(Default)]
pub struct FeatureHasher(u64);

impl Hasher for FeatureHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// Sorted, deduplicated features of one sentence.
pub fn features(text: &str, lang: Lang) -> Vec<Feature> {
    scan(text, lang, None)
}

/// [`features`] and `lexicon::stems` of one sentence, in one pass over it.
pub fn features_and_stems(text: &str, lang: Lang) -> (Vec<Feature>, Vec<u64>) {
    // A word per five bytes at most in most text: growing the vector was
    // a realloc for every third sentence.
    let mut stems = Vec::with_capacity(text.len() / 5 + 2);
    let features = scan(text, lang, Some(&mut stems));
    stems.sort_unstable();
    stems.dedup();
    (features, stems)
}

fn scan(text: &str, lang: Lang, stems: Option<&mut Vec<u64>>) -> Vec<Feature> {
    thread_local! {
        // The characters, the current word lower-cased and a string for
        // it, kept between sentences: two allocations per sentence were a
        // twentieth of the aligner's time.
        static SCRATCH: std::cell::RefCell<(Vec<char>, Vec<char>, String)> = Default::default();
    }
    SCRATCH.with_borrow_mut(|(chars, lower, word)| {
        chars.clear();
        chars.extend(text.chars());
        features_of(chars, lower, word, lang, stems)
    })
}

/// The features of `chars`; with `stems`, every character consumed is fed
/// to a [`StemScanner`] as well.
fn features_of(
    chars: &[char],
    lower: &mut Vec<char>,
    word: &mut String,
    lang: Lang,
    mut stems: Option<&mut Vec<u64>>,
) -> Vec<Feature> {
    // Room for a feature per four characters: growing the vector cost a
    // realloc for every other sentence.
    let mut out = Vec::with_capacity(chars.len() / 4 + 2);
    let mut scanner = StemScanner::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let next = number(chars, i, lang, word);
            out.push(hash(b'N', word.as_bytes()));
            // A number may take its multiplier word (`10 мың`) along.
            if let Some(st) = stems.as_deref_mut() {
                chars[i..next].iter().for_each(|&c| scanner.push(c, st));
            }
            i = next;
        } else if is_letter(c) {
            let start = i;
            while i < chars.len() && (is_letter(chars[i]) || chars[i] == '\'' || chars[i] == '’')
            {
                i += 1;
            }
            // The word lower-cased (as characters: the skeleton reads them
            // one by one), each letter fed to the stems as it is lowered.
            // An apostrophe stays in the word but ends a stem.
            lower.clear();
            for &c in &chars[start..i] {
                match lower_one(c) {
                    Some(l) if c != '\'' => {
                        lower.push(l);
                        if stems.is_some() {
                            scanner.lowered(l);
                        }
                    }
                    _ => {
                        lower.extend(c.to_lowercase());
                        if let Some(st) = stems.as_deref_mut() {
                            if c == '\'' || c == '’' {
                                scanner.boundary(st);
                            } else {
                                scanner.letter(c);
                            }
                        }
                    }
                }
            }
            // Length first: `is_uppercase` looks Cyrillic up in tables.
            let acronym =
                (2..=6).contains(&(i - start)) && chars[start..i].iter().all(|&c| is_upper(c));
            if acronym {
                // Acronyms (`НАТО`, `NATO`) keep every letter.
                let latin: String = lower.iter().map(|&c| translit(c)).collect();
                out.push(hash(b'A', latin.as_bytes()));
            } else if let Some(sym) = calendar_of(lower) {
                out.push(hash(b'C', sym.as_bytes()));
            } else if let Some(sk) = skeleton_bytes(lower, i - start) {
                out.push(hash(b'S', sk.as_slice()));
            }
        } else {
            match c {
                '?' | '!' => out.push(hash(b'P', c.to_string().as_bytes())),
                '«' | '"' | '“' | '„' => out.push(hash(b'P', b"quote")),
                '(' | '[' => out.push(hash(b'P', b"bracket")),
                _ => {}
            }
            if let Some(st) = stems.as_deref_mut() {
                scanner.boundary(st);
            }
            i += 1;
        }
    }
    if let Some(st) = stems {
        scanner.boundary(st);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The feature shared by the two halves of a dictionary pair.
pub fn hash_pair(src: u64, tgt: u64) -> Feature {
    let mut key = [0u8; 16];
    key[..8].copy_from_slice(&src.to_le_bytes());
    key[8..].copy_from_slice(&tgt.to_le_bytes());
    hash(b'L', &key)
}

/// The feature of the `k`-th link a third language gives two sentences
/// (see `AnchorAligner::align_documents_linked`).
pub fn link_feature(k: usize) -> Feature {
    hash(b'P', &(k as u64).to_le_bytes())
}

fn hash(kind: u8, bytes: &[u8]) -> Feature {
    let mut h = Fnv::new(kind);
    h.write(bytes);
    h.0
}

/// FNV-1a: stable across runs and platforms, and fast on short keys.
struct Fnv(u64);

impl Fnv {
    fn new(kind: u8) -> Fnv {
        Fnv(0xcbf29ce484222325 ^ u64::from(kind))
    }

    fn write(&mut self, bytes: &[u8]) {
        bytes.iter().for_each(|&b| self.step(u64::from(b)));
    }

    fn step(&mut self, x: u64) {
        self.0 ^= x;
        self.0 = self.0.wrapping_mul(0x100000001b3);
    }
}

/// Hashes a word stem character by character (see `lexicon::stems`).
pub struct StemHasher(Fnv);

impl StemHasher {
    /// An empty stem.
    pub fn new() -> StemHasher {
        StemHasher(Fnv::new(b'S'))
    }

    /// Appends `c`, as one FNV step over its code point rather than one
    /// per UTF-8 byte (a stem is hashed for every word of every sentence).
    pub fn write_char(&mut self, c: char) {
        self.0.step(u64::from(c));
    }

    /// The stem's hash.
    pub fn finish(&self) -> u64 {
        self.0 .0
    }
}

impl Default for StemHasher {
    fn default() -> Self {
        StemHasher::new()
    }
}

/// Collects the stems of `lexicon::stems` from a text fed to it one
/// character at a time, so that [`features_and_stems`] takes both in one
/// pass (a second pass over every sentence was a twelfth of the aligner's
/// time).
pub(crate) struct StemScanner {
    hash: StemHasher,
    letters: usize,
    kept: usize,
    lower: String,
}

impl StemScanner {
    pub(crate) fn new() -> StemScanner {
        StemScanner {
            hash: StemHasher::new(),
            letters: 0,
            kept: 0,
            lower: String::new(),
        }
    }

    /// Feeds `c`; a word of three letters or more that ends here goes to
    /// `out`.
    #[inline]
    pub(crate) fn push(&mut self, c: char, out: &mut Vec<u64>) {
        if is_letter(c) {
            self.letter(c);
        } else {
            self.boundary(out);
        }
    }

    #[inline]
    fn letter(&mut self, c: char) {
        match lower_one(c) {
            Some(l) => self.lowered(l),
            None => {
                self.letters += 1;
                // Lower-casing may turn one character into two: the stem
                // is the first five of the lower-cased word.
                self.lower.clear();
                push_lower(&mut self.lower, c);
                for l in self.lower.chars().take(5usize.saturating_sub(self.kept)) {
                    self.hash.write_char(l);
                    self.kept += 1;
                }
            }
        }
    }

    /// [`Self::letter`] for a letter that lower-cases to the one
    /// character `l`.
    #[inline]
    fn lowered(&mut self, l: char) {
        self.letters += 1;
        if self.kept < 5 {
            self.hash.write_char(l);
            self.kept += 1;
        }
    }

    #[inline]
    pub(crate) fn boundary(&mut self, out: &mut Vec<u64>) {
        if self.letters >= 3 {
            out.push(self.hash.finish());
        }
        (self.hash, self.letters, self.kept) = (StemHasher::new(), 0, 0);
    }
}

/// The first four consonants of the word's Latin transliteration, with
/// letters that scripts render differently merged (c/k/q, z/s before
/// nothing else, doubled letters collapsed). None for short words, whose
/// skeletons would collide everywhere.
pub fn skeleton(word: &str) -> Option<String> {
    let chars: Vec<char> = word.chars().collect();
    let sk = skeleton_bytes(&chars, chars.len())?;
    Some(String::from_utf8_lossy(sk.as_slice()).into_owned())
}

/// Up to four ASCII consonants.
struct Skeleton {
    bytes: [u8; 4],
    len: usize,
}

impl Skeleton {
    fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// `skeleton` without allocating, for a lower-cased word of `n_chars`
/// characters.
fn skeleton_bytes(word: &[char], n_chars: usize) -> Option<Skeleton> {
    if n_chars < 4 {
        return None;
    }
    let mut sk = Skeleton {
        bytes: [0; 4],
        len: 0,
    };
    // Per character, its transliteration's consonants, merged as below:
    // worked out once for ASCII and Cyrillic (nothing else transliterates).
    static TABLE: OnceLock<Vec<[u8; 2]>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        (0..0x500u32)
            .map(|code| {
                let mut out = [0u8; 2];
                let c = char::from_u32(code).unwrap_or('\0');
                let kept = translit(c).bytes().filter_map(consonant);
                for (slot, b) in out.iter_mut().zip(kept) {
                    *slot = b;
                }
                out
            })
            .collect()
    });
    let mut last = b' ';
    for &c in word {
        let Some(pair) = table.get(c as usize) else {
            continue;
        };
        for &c in pair.iter().take_while(|&&b| b != 0) {
            if c != last {
                sk.bytes[sk.len] = c;
                sk.len += 1;
                last = c;
            }
            if sk.len == 4 {
                return Some(sk);
            }
        }
    }
    (sk.len >= 3).then_some(sk)
}

/// A transliterated letter as a skeleton consonant: vowels and glides
/// dropped, letters that scripts render differently merged.
fn consonant(c: u8) -> Option<u8> {
    match c {
        b'a' | b'e' | b'i' | b'o' | b'u' | b'y' | b'h' | b'w' | b'j' => None,
        b'c' | b'q' | b'k' | b'g' | b'x' => Some(b'k'),
        b'f' | b'b' => Some(b'p'),
        b'd' => Some(b't'),
        b'z' => Some(b's'),
        c if c.is_ascii_lowercase() => Some(c),
        _ => None,
    }
}

/// Appends `c` lower-cased, with ASCII and Cyrillic (Kazakh letters
/// included) answered without the Unicode tables.
pub(crate) fn push_lower(out: &mut String, c: char) {
    match lower_one(c) {
        Some(l) => out.push(l),
        None => out.extend(c.to_lowercase()),
    }
}

/// Whether the characters `word` begin with `name` (calendar stems,
/// number multipliers: words kept as characters, names as text).
pub(super) fn begins_with(word: &[char], name: &str) -> bool {
    let mut rest = word.iter();
    name.chars().all(|c| rest.next() == Some(&c))
}

/// `c` lower-cased when ASCII or Cyrillic; `None` for other characters
/// (whose lower case may be several characters).
#[inline]
pub(crate) fn lower_one(c: char) -> Option<char> {
    let l = *LOWER.get(c as usize)?;
    (l != NOT_LOWERED).then_some(l)
}

/// Code points below this are answered from [`LOWER`] and [`LETTER`]: ASCII
/// and Cyrillic, where nearly every character of the corpus lies. One load
/// per character instead of a chain of range tests, which the feature scan
/// makes several times per character.
const TABLED: usize = 0x530;

/// A [`LOWER`] entry for a character [`lower_one`] leaves alone (no
/// tabled character lower-cases to it).
const NOT_LOWERED: char = '\u{ffff}';

/// Each tabled code point lower-cased, or [`NOT_LOWERED`].
static LOWER: [char; TABLED] = {
    let mut table = [NOT_LOWERED; TABLED];
    let mut code = 0;
    while code < TABLED as u32 {
        let lower = match code {
            0x41..=0x5a => code + 0x20,
            0..=0x7f => code,
            0x410..=0x42f => code + 0x20,
            0x400..=0x40f => code + 0x50,
            0x430..=0x45f => code,
            // Paired letters: capital even, small odd (Ә ә, Қ қ, Ң ң, Ө ө,
            // Ұ ұ, Ү ү, Һ һ, Ғ ғ), and the other way round in 04C1–04CE.
            0x460..=0x481 | 0x48a..=0x4bf | 0x4d0..=0x52f => code | 1,
            0x4c1..=0x4ce => code + (code & 1),
            _ => NOT_LOWERED as u32,
        };
        table[code as usize] = match char::from_u32(lower) {
            Some(l) => l,
            None => panic!("a lower-case code point is a character"),
        };
        code += 1;
    }
    table
};

/// Whether each tabled code point is a letter: ASCII letters and Cyrillic,
/// less the thousands sign and combining marks; between the two (Latin-1,
/// Greek, ...) the Unicode tables decide.
static LETTER: [Letter; TABLED] = {
    let mut table = [Letter::No; TABLED];
    let mut code = 0;
    while code < TABLED {
        table[code] = match code {
            0x41..=0x5a | 0x61..=0x7a | 0x400..=0x481 | 0x48a..=0x52f => Letter::Yes,
            0x80..=0x3ff | 0x482..=0x489 => Letter::Ask,
            _ => Letter::No,
        };
        code += 1;
    }
    table
};

#[derive(Clone, Copy)]
enum Letter {
    Yes,
    No,
    Ask,
}

/// `char::is_uppercase`, with ASCII and Cyrillic answered by
/// [`lower_one`] instead of the Unicode tables.
fn is_upper(c: char) -> bool {
    match lower_one(c) {
        Some(l) => l != c,
        None => c.is_uppercase(),
    }
}

/// `char::is_alphabetic` with the scripts of the corpus answered without
/// the Unicode tables, which were a tenth of the aligner's time.
#[inline]
pub(crate) fn is_letter(c: char) -> bool {
    match LETTER.get(c as usize) {
        Some(Letter::Yes) => true,
        Some(Letter::No) => false,
        Some(Letter::Ask) | None => c.is_alphabetic(),
    }
}

/// Cyrillic (Russian and Kazakh letters) to Latin, close to the spellings
/// English news uses for Kazakh and Russian names.
fn translit(c: char) -> &'static str {
    match c {
        'а' | 'ә' => "a",
        'б' => "b",
        'в' => "v",
        'г' | 'ғ' => "g",
        'д' => "d",
        'е' | 'э' | 'ё' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' | 'і' | 'й' => "i",
        'к' | 'қ' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'ң' => "ng",
        'о' | 'ө' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' | 'ұ' | 'ү' => "u",
        'ф' => "f",
        'х' | 'һ' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' | 'щ' => "sh",
        'ы' => "y",
        'ю' => "yu",
        'я' => "ya",
        'ъ' | 'ь' => "",
        c if c.is_ascii_lowercase() => ascii(c),
        _ => "",
    }
}

fn ascii(c: char) -> &'static str {
    const LETTERS: [&str; 26] = [
        "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r",
        "s", "t", "u", "v", "w", "x", "y", "z",
    ];
    LETTERS[(c as u8 - b'a') as usize]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::calendar::calendar;

    fn shared(a: &str, la: Lang, b: &str, lb: Lang) -> usize {
        let (fa, fb) = (features(a, la), features(b, lb));
        fa.iter().filter(|f| fb.contains(f)).count()
    }

    #[test]
    fn names_and_loanwords_match_across_scripts() {
        assert_eq!(skeleton("василенко"), skeleton("vassilenko"));
        assert_eq!(skeleton("конституциясының"), skeleton("constitution"));
        assert_eq!(skeleton("конституции"), skeleton("constitution"));
        assert_eq!(skeleton("қазақстан"), skeleton("казахстан"));
        assert_eq!(skeleton("нато"), None, "short words give nothing");
        assert_eq!(shared("НАТО", Lang::Kk, "NATO", Lang::En), 1);
    }

    #[test]
    fn lower_casing_matches_std() {
        for code in 0..0x600u32 {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            let mut ours = String::new();
            push_lower(&mut ours, c);
            assert_eq!(ours, c.to_lowercase().collect::<String>(), "U+{code:04X}");
            assert_eq!(is_upper(c), c.is_uppercase(), "U+{code:04X}");
            // The tables answer ASCII and Cyrillic as Unicode would.
            assert_eq!(is_letter(c), c.is_alphabetic(), "U+{code:04X}");
        }
    }

    #[test]
    fn numbers_normalise_across_conventions() {
        let n = |t: &str, l: Lang| features(t, l);
        assert_eq!(n("10 мың", Lang::Kk), n("10 тысяч", Lang::Ru));
        assert_eq!(n("10 тысяч", Lang::Ru), n("10,000", Lang::En));
        assert_eq!(n("3,5", Lang::Ru), n("3.5", Lang::En));
        assert_eq!(n("1,5 млн", Lang::Kk), n("1.5 million", Lang::En));
        assert_eq!(n("15.03.2026", Lang::Kk), n("15.03.2026", Lang::En));
        assert_eq!(n("10 000", Lang::Ru), n("10,000", Lang::En));
        assert_ne!(n("3,5", Lang::Ru), n("35", Lang::En));
    }

    #[test]
    fn dates_match_by_month_name() {
        assert_eq!(shared("15 наурызда", Lang::Kk, "15 марта", Lang::Ru), 2);
        assert_eq!(shared("15 марта", Lang::Ru, "on 15 March", Lang::En), 2);
        assert_eq!(shared("қазан айында", Lang::Kk, "в октябре", Lang::Ru), 1);
        assert_eq!(shared("15 маусымда", Lang::Kk, "15 июня", Lang::Ru), 2);
        assert_eq!(shared("шілдеде", Lang::Kk, "в июле", Lang::Ru), 1);
        assert_eq!(shared("бюджет қаражаты", Lang::Kk, "средства", Lang::Ru), 0);
        assert_eq!(calendar("marched"), None);
        assert_eq!(calendar("сәрсенбіде"), calendar("среду"));
    }
}
