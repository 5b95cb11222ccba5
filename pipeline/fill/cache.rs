//! The on-disk translation cache, so a rerun translates nothing twice and
//! a killed run resumes where it stopped.
//!
//! One append-only file, `translations.jsonl`, a line per translation:
//! `{"k":"<key>","t":"<text>"}`. The key hashes everything the output
//! depends on: model, revision, direction, decoding settings and source
//! text. Lines are appended and flushed after every batch; a line cut
//! short by a kill is dropped when the cache is opened, so the file never
//! holds a half translation.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::cache_file::{self, Fnv128};
use crate::error::{Error, Result};

/// What a translation depends on besides its source text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct CacheScope {
    /// Model id, e.g. `repo@revision` or a local path.
    pub model: String,
    /// Source language code.
    pub src: String,
    /// Target language code.
    pub tgt: String,
    /// Decoding settings as written in the output (`beam=4;...`).
    pub settings: String,
}

impl CacheScope {
    /// The scope of `model`'s translations from `src` to `tgt` with the
    /// decoding `settings`.
    pub fn new(
        model: &str,
        src: crate::lang::Lang,
        tgt: crate::lang::Lang,
        settings: &str,
    ) -> Self {
        CacheScope {
            model: model.into(),
            src: src.code().into(),
            tgt: tgt.code().into(),
            settings: settings.into(),
        }
    }

    /// The cache key of `source` in this scope.
    pub fn key(&self, source: &str) -> String {
        let mut h = Fnv128::new();
        for part in [&self.model, &self.src, &self.tgt, &self.settings] {
            h.write(part.as_bytes());
            h.write(&[0xff]);
        }
        h.write(source.as_bytes());
        format!("{:032x}", h.0)
    }
}

#[derive(Serialize, Deserialize)]
struct Line {
    k: String,
    t: String,
}

/// Translations by key, backed by the append-only file.
#[derive(Debug)]
pub struct TranslationCache {
    path: PathBuf,
    entries: HashMap<String, String>,
    file: File,
}

impl TranslationCache {
    /// Opens (or creates) the cache in `dir`, dropping a torn last line.
    pub fn open(dir: &Path) -> Result<TranslationCache> {
        let (path, file) = cache_file::open(dir, "translations.jsonl")?;
        let mut entries = HashMap::new();
        let mut good_len = 0u64;
        for line in BufReader::new(&file).split(b'\n') {
            let line = line.map_err(|e| Error::io(&path, e))?;
            match serde_json::from_slice::<Line>(&line) {
                Ok(l) => {
                    entries.insert(l.k, l.t);
                    good_len += line.len() as u64 + 1;
                }
                // A torn write can only be the last line; stop there.
                Err(_) => break,
            }
        }
        file.set_len(good_len).map_err(|e| Error::io(&path, e))?;
        let mut cache = TranslationCache {
            path,
            entries,
            file,
        };
        cache.seek_end()?;
        Ok(cache)
    }

    fn seek_end(&mut self) -> Result<()> {
        use std::io::Seek;
        self.file
            .seek(std::io::SeekFrom::End(0))
            .map_err(|e| Error::io(&self.path, e))?;
        Ok(())
    }

    /// The cached translation for `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.get(key).map(String::as_str)
    }

    /// The `(source, key)` pairs whose key the cache lacks.
    pub fn missing<'a, 's>(&self, keyed: &'a [(&'s str, String)]) -> Vec<&'a (&'s str, String)> {
        keyed
            .iter()
            .filter(|(_, k)| self.get(k).is_none())
            .collect()
    }

    /// Number of cached translations.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds translations and makes them durable before returning.
    pub fn insert_all(&mut self, items: Vec<(String, String)>) -> Result<()> {
        let mut buf = Vec::new();
        for (k, t) in &items {
            serde_json::to_writer(
                &mut buf,
                &Line {
                    k: k.clone(),
                    t: t.clone(),
                },
            )
            .expect("strings serialise");
            buf.push(b'\n');
        }
        self.file
            .write_all(&buf)
            .and_then(|()| self.file.sync_data())
            .map_err(|e| Error::io(&self.path, e))?;
        self.entries.extend(items);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::OpenOptions;

    fn scope() -> CacheScope {
        CacheScope {
            model: "m@r".into(),
            src: "kk".into(),
            tgt: "en".into(),
            settings: "beam=4".into(),
        }
    }

    #[test]
    fn keys_depend_on_every_field() {
        let s = scope();
        let k = s.key("сәлем");
        assert_ne!(k, s.key("сәлем!"));
        assert_ne!(
            k,
            CacheScope {
                settings: "beam=5".into(),
                ..scope()
            }
            .key("сәлем")
        );
        assert_ne!(
            k,
            CacheScope {
                model: "m@r2".into(),
                ..scope()
            }
            .key("сәлем")
        );
        assert_eq!(k, scope().key("сәлем"));
    }

    #[test]
    fn survives_reopen_and_a_torn_last_line() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = TranslationCache::open(dir.path()).unwrap();
        c.insert_all(vec![
            ("a".into(), "A".into()),
            ("b".into(), "B\n\"x\"".into()),
        ])
        .unwrap();
        drop(c);
        let path = dir.path().join("translations.jsonl");
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"k\":\"c\",\"t\":\"hal").unwrap();
        drop(f);
        let mut c = TranslationCache::open(dir.path()).unwrap();
        assert_eq!(
            (c.get("a"), c.get("b"), c.get("c")),
            (Some("A"), Some("B\n\"x\""), None)
        );
        c.insert_all(vec![("c".into(), "C".into())]).unwrap();
        drop(c);
        let c = TranslationCache::open(dir.path()).unwrap();
        assert_eq!(c.len(), 3);
        assert_eq!(c.get("c"), Some("C"));
    }
}
