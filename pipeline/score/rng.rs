//! The random indices of sacrebleu's bootstrap resampling.
//!
//! sacrebleu 2.5.1 (`significance._bootstrap_resample` and
//! `_paired_bs_test`) draws `np.random.default_rng(seed).choice(n,
//! size=(n_samples, n), replace=True)`. That is NumPy's `Generator` over a
//! `PCG64` bit generator seeded through `SeedSequence`, and `choice` with
//! replacement is `integers(0, n)`, which uses Lemire's bounded-integer
//! method on 32-bit draws. (The legacy `RandomState`/MT19937 stream is not
//! what 2.5.1 uses.) Everything here is reimplemented from those algorithms'
//! definitions and checked against numpy's output in the tests.

const MASK32: u64 = 0xffff_ffff;

/// `numpy.random.SeedSequence(entropy).generate_state(n_words, uint32)` for
/// integer entropy with no spawn key and the default pool size of 4.
fn seed_sequence_state(entropy: u64, n_words: usize) -> Vec<u32> {
    const INIT_A: u32 = 0x43b0_d7e5;
    const MULT_A: u32 = 0x931e_8875;
    const INIT_B: u32 = 0x8b51_f9dd;
    const MULT_B: u32 = 0x58f3_8ded;
    const MIX_MULT_L: u32 = 0xca01_f9dd;
    const MIX_MULT_R: u32 = 0x4973_f715;
    const XSHIFT: u32 = 16;

    // The integer is split into little-endian 32-bit words (0 gives [0]).
    let mut words = vec![(entropy & MASK32) as u32];
    if entropy >> 32 != 0 {
        words.push((entropy >> 32) as u32);
    }

    let mut hash_const = INIT_A;
    let mut hashmix = |value: u32| -> u32 {
        let mut v = value ^ hash_const;
        hash_const = hash_const.wrapping_mul(MULT_A);
        v = v.wrapping_mul(hash_const);
        v ^ (v >> XSHIFT)
    };
    let mix = |x: u32, y: u32| -> u32 {
        let r = MIX_MULT_L
            .wrapping_mul(x)
            .wrapping_sub(MIX_MULT_R.wrapping_mul(y));
        r ^ (r >> XSHIFT)
    };

    let mut pool = [0u32; 4];
    for (i, p) in pool.iter_mut().enumerate() {
        *p = hashmix(words.get(i).copied().unwrap_or(0));
    }
    for src in 0..4 {
        for dst in 0..4 {
            if src != dst {
                let h = hashmix(pool[src]);
                pool[dst] = mix(pool[dst], h);
            }
        }
    }
    // (At most two entropy words, so nothing is left to fold in.)

    let mut hc = INIT_B;
    (0..n_words)
        .map(|i| {
            let mut v = pool[i % 4] ^ hc;
            hc = hc.wrapping_mul(MULT_B);
            v = v.wrapping_mul(hc);
            v ^ (v >> XSHIFT)
        })
        .collect()
}

/// PCG64 (XSL-RR 128/64) as NumPy implements it, including the buffering of
/// the upper half of a 64-bit draw for the next 32-bit request.
pub(crate) struct Pcg64 {
    state: u128,
    inc: u128,
    spare: Option<u32>,
}

const PCG_MULT: u128 = (0x2360_ed05_1fc6_5da4 << 64) | 0x4385_df64_9fcc_f645;

impl Pcg64 {
    /// `PCG64(seed)`: 128-bit state and increment from `SeedSequence`.
    pub(crate) fn new(seed: u64) -> Pcg64 {
        let w = seed_sequence_state(seed, 8);
        let u = |k: usize| u64::from(w[2 * k]) | (u64::from(w[2 * k + 1]) << 32);
        let initstate = (u128::from(u(0)) << 64) | u128::from(u(1));
        let initseq = (u128::from(u(2)) << 64) | u128::from(u(3));
        let mut rng = Pcg64 {
            state: 0,
            inc: (initseq << 1) | 1,
            spare: None,
        };
        rng.step();
        rng.state = rng.state.wrapping_add(initstate);
        rng.step();
        rng
    }

    #[inline]
    fn step(&mut self) {
        self.state = self.state.wrapping_mul(PCG_MULT).wrapping_add(self.inc);
    }

    #[inline]
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.step();
        let s = self.state;
        let rot = (s >> 122) as u32;
        (((s >> 64) as u64) ^ (s as u64)).rotate_right(rot)
    }

    #[inline]
    fn next_u32(&mut self) -> u32 {
        if let Some(x) = self.spare.take() {
            return x;
        }
        let v = self.next_u64();
        self.spare = Some((v >> 32) as u32);
        (v & MASK32) as u32
    }

    /// `Generator.integers(0, n)` for one value, `1 <= n <= 2^32`:
    /// NumPy's `random_bounded_uint64_fill` with a range that fits 32 bits.
    #[inline]
    pub(crate) fn below(&mut self, n: u64) -> u32 {
        let rng = (n - 1) as u32;
        if rng == 0 {
            return 0; // no draw is made for an empty range
        }
        if rng == u32::MAX {
            return self.next_u32();
        }
        // Lemire: multiply, and reject the few draws that would add bias.
        let excl = rng + 1;
        let mut m = u64::from(self.next_u32()) * u64::from(excl);
        let mut left = (m & MASK32) as u32;
        if left < excl {
            let threshold = (u32::MAX - rng) % excl;
            while left < threshold {
                m = u64::from(self.next_u32()) * u64::from(excl);
                left = (m & MASK32) as u32;
            }
        }
        (m >> 32) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Values printed by numpy 2.4.6:
    // np.random.SeedSequence(12345).generate_state(4, np.uint64),
    // np.random.PCG64(12345).random_raw(3) and
    // np.random.default_rng(12345).choice(10, size=7).
    #[test]
    fn matches_numpy() {
        let w = seed_sequence_state(12345, 8);
        assert_eq!(
            (u64::from(w[1]) << 32) | u64::from(w[0]),
            0xb5ae_6482_a03d_837c
        );
        assert_eq!(
            (u64::from(w[7]) << 32) | u64::from(w[6]),
            0x3ebb_0f96_a013_fd73
        );
        let mut g = Pcg64::new(12345);
        assert_eq!(g.next_u64(), 0x3a32_b18d_b2ff_c19d);
        assert_eq!(g.next_u64(), 0x5117_1315_c9e4_c4de);
        let mut g = Pcg64::new(12345);
        let v: Vec<u32> = (0..7).map(|_| g.below(10)).collect();
        assert_eq!(v, [6, 2, 7, 3, 2, 7, 6]);
    }
}
