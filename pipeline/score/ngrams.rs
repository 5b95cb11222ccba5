//! Allocation-free n-gram bookkeeping.
//!
//! sacrebleu keys its `Counter`s by tuples of token strings
//! (`helpers.extract_all_word_ngrams`) or by substrings
//! (`helpers.extract_all_char_ngrams`). Here every token (or character) of a
//! segment is first mapped to a dense per-segment id, and an n-gram becomes
//! an integer made of one fixed-width lane per item, so counting never
//! allocates a string. Lanes hold `id + 1`, which keeps n-grams of different
//! orders distinct (the top lanes of a shorter n-gram are zero). Keys are
//! exact, not hashes: no collisions to worry about. Keys fit a `u64` unless a
//! segment has very many distinct items, in which case `u128` is used.

/// An n-gram key: `u64` normally, `u128` for segments with huge vocabularies.
pub(crate) trait NgramKey: Copy + Eq + Default {
    /// `(self << bits) | item`
    fn push(self, bits: u32, item: u32) -> Self;
    fn hash(self) -> u64;
}

impl NgramKey for u64 {
    #[inline]
    fn push(self, bits: u32, item: u32) -> Self {
        (self << bits) | u64::from(item)
    }
    #[inline]
    fn hash(self) -> u64 {
        // Fibonacci hashing; the table takes the high bits.
        self.wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }
}

impl NgramKey for u128 {
    #[inline]
    fn push(self, bits: u32, item: u32) -> Self {
        (self << bits) | u128::from(item)
    }
    #[inline]
    fn hash(self) -> u64 {
        let (lo, hi) = (self as u64, (self >> 64) as u64);
        lo.wrapping_mul(0x9e37_79b9_7f4a_7c15)
            ^ hi.wrapping_mul(0xc2b2_ae3d_27d4_eb4f).rotate_left(29)
    }
}

/// Lane width needed for dense ids up to `max_item` (stored as `item + 1`),
/// and whether `order` such lanes fit a `u64`. (A `u128` always fits them:
/// ids are below 2^21 for characters and 2^32 for the 4 word lanes.)
pub(crate) fn lane_bits(max_item: u32, order: usize) -> (u32, bool) {
    let bits = 32 - (max_item + 1).leading_zeros();
    (bits, bits as usize * order <= 64)
}

/// Builds the keys of all n-grams of orders `1..=max_order` over `items`,
/// calling `f(order, key)` for each, ordered by start position.
#[inline]
pub(crate) fn for_each_ngram<K: NgramKey>(
    items: &[u32],
    max_order: usize,
    bits: u32,
    mut f: impl FnMut(usize, K),
) {
    for i in 0..items.len() {
        let mut key = K::default();
        for (n, &item) in items[i..].iter().take(max_order).enumerate() {
            key = key.push(bits, item + 1);
            f(n + 1, key);
        }
    }
}

#[inline]
fn mix64(x: u64) -> u64 {
    // A multiply-xorshift finaliser; good enough spread for a linear-probing
    // table indexed by the top bits.
    let x = (x ^ (x >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^ (x >> 32)
}

fn hash_bytes(b: &[u8]) -> u64 {
    let mut h: u64 = b.len() as u64;
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    h = (h.rotate_left(5) ^ u64::from_le_bytes(tail)).wrapping_mul(0x517c_c1b7_2722_0a95);
    mix64(h)
}

fn capacity_for(expected: usize) -> usize {
    (expected.max(4) * 2).next_power_of_two()
}

#[derive(Clone, Copy, Default)]
struct CountSlot<K> {
    key: K,
    stamp: u32,
    count: u32,
}

/// A multiset of n-gram keys, reset in O(1) between segments by bumping a
/// generation stamp instead of clearing memory. Only the first `mask + 1`
/// slots are in use, sized for the current segment, so a long line seen
/// earlier does not spread later lookups over a large cold table.
#[derive(Default)]
pub(crate) struct CountTable<K> {
    slots: Vec<CountSlot<K>>,
    used: Vec<u32>,
    stamp: u32,
    mask: usize,
    shift: u32,
}

impl<K: NgramKey> CountTable<K> {
    /// Empties the table and makes room for `expected` distinct keys.
    pub(crate) fn reset(&mut self, expected: usize) {
        self.resize(capacity_for(expected));
        self.stamp += 1;
        self.used.clear();
    }

    fn resize(&mut self, cap: usize) {
        if cap > self.slots.len() || self.stamp == u32::MAX {
            self.slots = vec![CountSlot::default(); cap.max(self.slots.len())];
            self.stamp = 0;
        }
        self.mask = cap - 1;
        self.shift = 64 - cap.trailing_zeros();
    }

    #[inline]
    fn find(&self, key: K) -> (usize, bool) {
        let mut i = (key.hash() >> self.shift) as usize;
        loop {
            let s = &self.slots[i];
            if s.stamp != self.stamp {
                return (i, false);
            }
            if s.key == key {
                return (i, true);
            }
            i = (i + 1) & self.mask;
        }
    }

    #[inline]
    fn slot(&self, key: K, count: u32) -> CountSlot<K> {
        CountSlot {
            key,
            stamp: self.stamp,
            count,
        }
    }

    #[inline]
    fn grow_if_needed(&mut self) {
        if (self.used.len() + 1) * 2 > self.mask + 1 {
            self.grow();
        }
    }

    #[cold]
    fn grow(&mut self) {
        let old: Vec<(K, u32)> = self.iter().collect();
        let cap = (self.mask + 1) * 2;
        self.stamp += 1;
        self.resize(cap);
        if self.stamp == 0 {
            self.stamp = 1;
        }
        self.used.clear();
        for (k, c) in old {
            self.add(k, c);
        }
    }

    /// `counter[key] += n`.
    #[inline]
    pub(crate) fn add(&mut self, key: K, n: u32) {
        self.grow_if_needed();
        let (i, found) = self.find(key);
        if found {
            self.slots[i].count += n;
        } else {
            self.slots[i] = self.slot(key, n);
            self.used.push(i as u32);
        }
    }

    /// `counter[key] = max(counter[key], n)`: merging references for BLEU.
    pub(crate) fn max_merge(&mut self, key: K, n: u32) {
        self.grow_if_needed();
        let (i, found) = self.find(key);
        if found {
            self.slots[i].count = self.slots[i].count.max(n);
        } else {
            self.slots[i] = self.slot(key, n);
            self.used.push(i as u32);
        }
    }

    /// Consumes one occurrence of `key` if any is left. Streaming every
    /// hypothesis n-gram through `take` adds up `min(hyp_count, ref_count)`
    /// per distinct n-gram, i.e. the clipped match count.
    #[inline]
    pub(crate) fn take(&mut self, key: K) -> bool {
        let (i, found) = self.find(key);
        if found && self.slots[i].count > 0 {
            self.slots[i].count -= 1;
            true
        } else {
            false
        }
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (K, u32)> + '_ {
        self.used.iter().map(move |&i| {
            let s = &self.slots[i as usize];
            (s.key, s.count)
        })
    }
}

/// Dense per-segment ids for characters: a direct table for code points
/// below U+0800 (Latin, Cyrillic, most punctuation), a map for the rest.
#[derive(Default)]
pub(crate) struct CharIds {
    small: Vec<(u32, u32)>,
    big: std::collections::HashMap<u32, u32>,
    stamp: u32,
    next: u32,
}

impl CharIds {
    const SMALL: usize = 0x800;

    pub(crate) fn reset(&mut self) {
        if self.small.is_empty() || self.stamp == u32::MAX {
            self.small = vec![(0, 0); Self::SMALL];
            self.stamp = 0;
        }
        self.stamp += 1;
        if !self.big.is_empty() {
            self.big.clear();
        }
        self.next = 0;
    }

    #[inline]
    pub(crate) fn id(&mut self, c: char) -> u32 {
        let cp = c as usize;
        if cp < Self::SMALL {
            let e = &mut self.small[cp];
            if e.0 != self.stamp {
                *e = (self.stamp, self.next);
                self.next += 1;
            }
            e.1
        } else {
            let next = &mut self.next;
            *self.big.entry(cp as u32).or_insert_with(|| {
                *next += 1;
                *next - 1
            })
        }
    }

    /// The largest id handed out so far (0 when none).
    pub(crate) fn max_id(&self) -> u32 {
        self.next.saturating_sub(1)
    }
}

#[derive(Clone, Copy, Default)]
struct InternSlot {
    hash: u64,
    stamp: u32,
    id: u32,
    start: u32,
    len: u32,
}

/// Maps the distinct tokens of one segment (hypothesis and references) to
/// dense ids. Tokens are copied into an arena so the table can be reused.
#[derive(Default)]
pub(crate) struct Interner {
    slots: Vec<InternSlot>,
    arena: Vec<u8>,
    stamp: u32,
    next_id: u32,
}

impl Interner {
    pub(crate) fn reset(&mut self, expected: usize) {
        let cap = capacity_for(expected);
        if cap > self.slots.len() || self.stamp == u32::MAX {
            self.slots = vec![InternSlot::default(); cap.max(self.slots.len())];
            self.stamp = 0;
        }
        self.stamp += 1;
        self.arena.clear();
        self.next_id = 0;
    }

    pub(crate) fn intern(&mut self, tok: &[u8]) -> u32 {
        if (self.next_id as usize + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let hash = hash_bytes(tok);
        let mask = self.slots.len() - 1;
        let mut i = (hash as usize) & mask;
        loop {
            let s = self.slots[i];
            if s.stamp != self.stamp {
                let start = self.arena.len() as u32;
                self.arena.extend_from_slice(tok);
                let id = self.next_id;
                self.next_id += 1;
                self.slots[i] = InternSlot {
                    hash,
                    stamp: self.stamp,
                    id,
                    start,
                    len: tok.len() as u32,
                };
                return id;
            }
            if s.hash == hash && &self.arena[s.start as usize..(s.start + s.len) as usize] == tok {
                return s.id;
            }
            i = (i + 1) & mask;
        }
    }

    /// The largest id handed out so far (0 when none).
    pub(crate) fn max_id(&self) -> u32 {
        self.next_id.saturating_sub(1)
    }

    fn grow(&mut self) {
        let live: Vec<InternSlot> = self
            .slots
            .iter()
            .copied()
            .filter(|s| s.stamp == self.stamp)
            .collect();
        self.slots = vec![InternSlot::default(); self.slots.len().max(4) * 2];
        self.stamp = 1;
        let mask = self.slots.len() - 1;
        for mut s in live {
            s.stamp = 1;
            let mut i = (s.hash as usize) & mask;
            while self.slots[i].stamp == 1 {
                i = (i + 1) & mask;
            }
            self.slots[i] = s;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interner_and_table() {
        let mut it = Interner::default();
        it.reset(1);
        let ids: Vec<u32> = ["a", "b", "a", "c", "b", "d", "e", "f", "a"]
            .iter()
            .map(|t| it.intern(t.as_bytes()))
            .collect();
        assert_eq!(ids, [0, 1, 0, 2, 1, 3, 4, 5, 0]);
        it.reset(1);
        assert_eq!(it.intern(b"z"), 0);

        let mut t = CountTable::<u64>::default();
        t.reset(1);
        for k in [5u64, 7, 5, 9, 11, 13, 5] {
            t.add(k, 1);
        }
        assert!(t.take(5) && t.take(5) && t.take(5) && !t.take(5));
        t.max_merge(7, 3);
        assert_eq!(t.iter().find(|&(k, _)| k == 7), Some((7, 3)));
        t.reset(1);
        assert!(!t.take(7));
    }

    #[test]
    fn ngram_keys_distinguish_orders() {
        let mut keys = Vec::new();
        for_each_ngram::<u128>(&[0, 0, 1], 3, 32, |n, k| keys.push((n, k)));
        assert_eq!(keys.len(), 6);
        assert_eq!(lane_bits(2, 3), (2, true));
        assert_eq!(lane_bits(65535, 4), (17, false));
        let mut ks: Vec<u128> = keys.iter().map(|p| p.1).collect();
        ks.sort_unstable();
        ks.dedup();
        assert_eq!(ks.len(), 5); // (0) appears twice
    }
}
