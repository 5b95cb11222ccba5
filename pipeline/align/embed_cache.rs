//! Sentence embeddings kept on disk between runs, so a rerun (a resumed
//! job, another output format, one document fixed) encodes only the
//! sentences it has not seen: on a CPU the encoder is the slow part of
//! alignment, 50–150 sentences a second.
//!
//! One append-only file, `embeddings.bin`, a record per sentence: a 128-bit
//! key (the model id and the text, hashed), the vector's length as a u32,
//! then the vector as little-endian f32. Opening reads only the keys and
//! where each vector lies; vectors are read when asked for. A record cut
//! short by a kill is dropped when the file is opened, as the translation
//! cache drops a torn line.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::cache_file::{self, Fnv128};
use crate::error::{Error, Result};

/// The cache file in a cache directory.
pub const FILE: &str = "embeddings.bin";

/// Embeddings by key, backed by the append-only file.
#[derive(Debug)]
pub struct EmbeddingCache {
    path: PathBuf,
    file: File,
    /// Per key: where its vector starts and how long it is.
    index: HashMap<u128, (u64, u32)>,
    /// Where the next record goes (the end of the last whole one).
    end: u64,
}

/// The cache key of `text` embedded by `model` (a model id such as
/// `repo@commit`, `+int8` included: int8 vectors differ slightly).
pub fn key(model: &str, text: &str) -> u128 {
    let mut h = Fnv128::new();
    h.write(model.as_bytes());
    h.write(&[0xff]);
    h.write(text.as_bytes());
    h.0
}

impl EmbeddingCache {
    /// Opens (or creates) the cache in `dir`, dropping a torn last record.
    pub fn open(dir: &Path) -> Result<EmbeddingCache> {
        let (path, file) = cache_file::open(dir, FILE)?;
        let len = file.metadata().map_err(|e| Error::io(&path, e))?.len();
        let mut index = HashMap::new();
        let mut reader = BufReader::new(&file);
        let mut end = 0u64;
        let mut head = [0u8; 20];
        while end + 20 <= len {
            reader
                .read_exact(&mut head)
                .map_err(|e| Error::io(&path, e))?;
            let key = u128::from_le_bytes(head[..16].try_into().expect("16 bytes"));
            let dim = u32::from_le_bytes(head[16..].try_into().expect("4 bytes"));
            let next = end + 20 + 4 * u64::from(dim);
            if next > len {
                break;
            }
            index.insert(key, (end + 20, dim));
            reader
                .seek_relative(4 * i64::from(dim))
                .map_err(|e| Error::io(&path, e))?;
            end = next;
        }
        drop(reader);
        file.set_len(end).map_err(|e| Error::io(&path, e))?;
        Ok(EmbeddingCache {
            path,
            file,
            index,
            end,
        })
    }

    /// Number of cached embeddings.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// The cached vector for `key`.
    pub fn get(&mut self, key: u128) -> Result<Option<Vec<f32>>> {
        let Some(&(at, dim)) = self.index.get(&key) else {
            return Ok(None);
        };
        let mut bytes = vec![0u8; 4 * dim as usize];
        self.file
            .seek(SeekFrom::Start(at))
            .and_then(|_| self.file.read_exact(&mut bytes))
            .map_err(|e| Error::io(&self.path, e))?;
        Ok(Some(
            bytes
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes")))
                .collect(),
        ))
    }

    /// Adds embeddings and makes them durable before returning.
    pub fn insert_all<'a>(
        &mut self,
        items: impl IntoIterator<Item = (u128, &'a [f32])>,
    ) -> Result<()> {
        let mut buf = Vec::new();
        let mut added = Vec::new();
        for (key, v) in items {
            if self.index.contains_key(&key) {
                continue;
            }
            let at = self.end + buf.len() as u64 + 20;
            buf.extend(key.to_le_bytes());
            buf.extend((v.len() as u32).to_le_bytes());
            v.iter().for_each(|x| buf.extend(x.to_le_bytes()));
            added.push((key, (at, v.len() as u32)));
        }
        if buf.is_empty() {
            return Ok(());
        }
        self.file
            .seek(SeekFrom::Start(self.end))
            .and_then(|_| self.file.write_all(&buf))
            .and_then(|()| self.file.sync_data())
            .map_err(|e| Error::io(&self.path, e))?;
        self.end += buf.len() as u64;
        self.index.extend(added);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::{self, OpenOptions};

    #[test]
    fn vectors_survive_reopening_and_a_torn_last_record() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (key("m", "бір"), key("m", "екі"));
        assert_ne!(a, key("m+int8", "бір"), "the model is part of the key");
        {
            let mut cache = EmbeddingCache::open(dir.path()).unwrap();
            cache
                .insert_all([(a, &[0.5f32, -1.0][..]), (b, &[2.0f32, 0.25][..])])
                .unwrap();
            assert_eq!(cache.get(b).unwrap(), Some(vec![2.0, 0.25]));
        }
        // A kill in the middle of a third record.
        let path = dir.path().join(FILE);
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(&key("m", "үш").to_le_bytes()).unwrap();
        file.write_all(&2u32.to_le_bytes()).unwrap();
        file.write_all(&1f32.to_le_bytes()).unwrap();
        drop(file);
        let mut cache = EmbeddingCache::open(dir.path()).unwrap();
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.get(a).unwrap(), Some(vec![0.5, -1.0]));
        assert_eq!(cache.get(key("m", "үш")).unwrap(), None);
        // The torn record is gone, and a new one lands where it stood.
        let c = key("m", "төрт");
        cache.insert_all([(c, &[3.0f32][..])]).unwrap();
        drop(cache);
        let mut cache = EmbeddingCache::open(dir.path()).unwrap();
        assert_eq!(cache.len(), 3);
        assert_eq!(cache.get(c).unwrap(), Some(vec![3.0]));
        assert_eq!(cache.get(b).unwrap(), Some(vec![2.0, 0.25]));
        assert_eq!(fs::metadata(&path).unwrap().len(), 3 * 20 + 5 * 4);
    }
}
