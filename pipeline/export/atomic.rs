//! Files that appear complete or not at all.
//!
//! Output is written to a temporary file in the destination directory and
//! renamed over the destination only when everything succeeded, so a
//! crash, an error or Ctrl-C never leaves a truncated corpus behind.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::{Error, Result};

/// A buffered file written under a temporary name until [`commit`](Self::commit).
#[derive(Debug)]
pub struct AtomicFile {
    path: PathBuf,
    out: BufWriter<NamedTempFile>,
}

impl AtomicFile {
    /// Creates the temporary file next to `path`, failing early with a
    /// clear message if the directory is missing or not writable.
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        if path.is_dir() {
            return Err(Error::Output {
                path: path.to_path_buf(),
                reason: "it is a directory; give a file name".into(),
            });
        }
        if !dir.is_dir() {
            return Err(Error::Output {
                path: path.to_path_buf(),
                reason: format!(
                    "directory {} does not exist; create it first",
                    dir.display()
                ),
            });
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
        remove_stale(dir, name);
        let cannot = |e: io::Error| Error::Output {
            path: path.to_path_buf(),
            reason: format!("cannot create a file in {}: {e}", dir.display()),
        };
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        // A temporary file is private (0600), but the corpus it becomes is
        // not: created as any file is (0666 less the umask), or with the
        // permissions of the file it replaces.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let tmp = builder.tempfile_in(dir).map_err(cannot)?;
        if let Ok(old) = std::fs::metadata(path) {
            tmp.as_file()
                .set_permissions(old.permissions())
                .map_err(cannot)?;
        }
        Ok(AtomicFile {
            path: path.to_path_buf(),
            out: BufWriter::with_capacity(1 << 16, tmp),
        })
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(self) -> Result<PathBuf> {
        let path = self.path;
        let tmp = self
            .out
            .into_inner()
            .map_err(|e| Error::io(&path, e.into_error()))?;
        tmp.as_file().sync_all().map_err(|e| Error::io(&path, e))?;
        tmp.persist(&path).map_err(|e| Error::io(&path, e.error))?;
        Ok(path)
    }
}

/// Removes temporary files a killed run (SIGKILL, power loss) left for
/// the same output; they can never be completed.
fn remove_stale(dir: &Path, name: &str) {
    let prefix = format!(".{name}.");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        if file.starts_with(&prefix) && file.ends_with(".tmp") && file.len() == prefix.len() + 6 + 4
        {
            if let Err(e) = std::fs::remove_file(entry.path()) {
                tracing::debug!("cannot remove stale {}: {e}", entry.path().display());
            }
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Commits several files together: all temporary files are complete
/// before the first rename.
pub fn commit_all(files: Vec<AtomicFile>) -> Result<Vec<PathBuf>> {
    files.into_iter().map(AtomicFile::commit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_appears_until_commit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.tmx");
        let mut f = AtomicFile::create(&path).unwrap();
        f.write_all(b"hello").unwrap();
        assert!(!path.exists());
        f.commit().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"hello");
    }

    #[test]
    fn dropped_file_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.tmx");
        drop(AtomicFile::create(&path).unwrap());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn stale_temporary_files_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let stale = dir.path().join(".out.tmx.AbC123.tmp");
        let other = dir.path().join(".other.tmx.AbC123.tmp");
        std::fs::write(&stale, "old").unwrap();
        std::fs::write(&other, "old").unwrap();
        let f = AtomicFile::create(&dir.path().join("out.tmx")).unwrap();
        f.commit().unwrap();
        assert!(!stale.exists());
        assert!(other.exists());
    }

    #[cfg(unix)]
    #[test]
    fn the_output_gets_a_new_file_s_permissions_or_those_it_replaces() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        // What the umask gives any new file.
        let plain = dir.path().join("plain");
        std::fs::write(&plain, "x").unwrap();
        let path = dir.path().join("out.tmx");
        AtomicFile::create(&path).unwrap().commit().unwrap();
        assert_eq!(mode(&path), mode(&plain));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        AtomicFile::create(&path).unwrap().commit().unwrap();
        assert_eq!(mode(&path), 0o640);
    }

    #[test]
    fn missing_directory_is_explained() {
        let err = AtomicFile::create(Path::new("/nonexistent-dir/x.tmx")).unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
    }
}
