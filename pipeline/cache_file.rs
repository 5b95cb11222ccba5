//! What the on-disk caches share (translations in `fill::cache`, sentence
//! embeddings in `align::embed_cache`): a stable hash for their keys, and
//! their append-only file.

use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Opens (or creates) the cache file `name` in `dir`, for reading and
/// appending, its contents kept.
pub(crate) fn open(dir: &Path, name: &str) -> Result<(PathBuf, File)> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let path = dir.join(name);
    let file = OpenOptions::new()
        .create(true)
        .read(true)
        .write(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    Ok((path, file))
}

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
