//! A stable hash for the keys of on-disk caches.

/// 128-bit FNV-1a: stable across runs, platforms and Rust versions, unlike
/// `std`'s hasher, and wide enough that keys never collide in practice.
pub(crate) struct Fnv128(pub(crate) u128);

impl Fnv128 {
    pub(crate) fn new() -> Self {
        Fnv128(0x6c62272e07bb014262b821756295c58d)
    }

    pub(crate) fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u128::from(b);
            self.0 = self.0.wrapping_mul(0x0000000001000000000000000000013B);
        }
    }
}
