//! The library's error type: every variant names the file (and where it
//! helps, the line) and what the user can do about it.

use std::path::PathBuf;

/// Errors from reading a corpus, aligning it or writing it out.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The corpus directory does not exist or is not a directory.
    #[error("corpus directory {} not found; pass a directory holding {{kk,ru,en}}/<doc-id>.txt or <doc-id>.<lang>.txt (or .doc, .docx, .odt, .rtf, .html, .pdf)", path.display())]
    CorpusNotFound {
        /// The path given.
        path: PathBuf,
    },
    /// The corpus directory holds no document in either layout.
    #[error("no documents in {}: expected {{kk,ru,en}}/<doc-id>.txt or <doc-id>.<lang>.txt (or .doc, .docx, .odt, .rtf, .html, .pdf)", path.display())]
    EmptyCorpus {
        /// The corpus directory.
        path: PathBuf,
    },
    /// Two files claim the same document id and language.
    #[error("document `{doc_id}` ({lang}) is given twice: {} and {}; remove one", first.display(), second.display())]
    DuplicateDocument {
        /// The document id.
        doc_id: String,
        /// Its language code.
        lang: String,
        /// The first file seen.
        first: PathBuf,
        /// The second file.
        second: PathBuf,
    },
    /// A `.doc`, `.docx`, `.odt` or `.rtf` file whose text cannot be read.
    #[error("{}: cannot read it as an office document: {message}; save it again (.docx or .odt), or as UTF-8 text (.txt)", path.display())]
    Office {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A web page (`.html`, `.htm`) that cannot be decoded.
    #[error("{}: cannot read the web page: {message}", path.display())]
    Html {
        /// The file.
        path: PathBuf,
        /// What is wrong with it, and what to do.
        message: String,
    },
    /// A PDF file whose text cannot be read.
    #[error("{}: cannot read the PDF: {message}", path.display())]
    Pdf {
        /// The file.
        path: PathBuf,
        /// What is wrong with it, and what to do.
        message: String,
    },
    /// A file is not valid UTF-8.
    #[error("{}:{line}: invalid UTF-8 at byte offset {offset}; convert the file to UTF-8 (e.g. `iconv -f CP1251 -t UTF-8`, or `-f RK1048` for Kazakh text in KZ-1048)", path.display())]
    InvalidUtf8 {
        /// The file.
        path: PathBuf,
        /// 1-based line of the first invalid byte.
        line: usize,
        /// 0-based byte offset of the first invalid byte.
        offset: usize,
    },
    /// A file is not valid UTF-16 although it starts with a UTF-16 byte-order mark.
    #[error("{}: invalid UTF-16 at byte offset {offset}; convert the file to UTF-8", path.display())]
    InvalidUtf16 {
        /// The file.
        path: PathBuf,
        /// 0-based byte offset of the first invalid code unit.
        offset: usize,
    },
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A TMX file is not well-formed XML or not TMX.
    #[error("{}: byte {offset}: {message}", path.display())]
    Tmx {
        /// The file (`-` for standard input).
        path: PathBuf,
        /// Byte offset in the (UTF-8) input where reading stopped.
        offset: u64,
        /// What is wrong.
        message: String,
    },
    /// The corpus gave other rows when aligned a second time (to fill them):
    /// its files changed during the run.
    #[error("{}: the corpus changed while it was being filled (its files were edited, added or removed during the run); nothing was written; run again (translations made so far are cached)", path.display())]
    CorpusChanged {
        /// The corpus directory.
        path: PathBuf,
    },
    /// Documents could not be read; nothing was written.
    #[error("{} document file(s) could not be read, nothing was written (use --skip-invalid to leave them out):\n{}", errors.len(), list(errors))]
    InvalidDocuments {
        /// One error per bad file.
        errors: Vec<Error>,
    },
    /// The configuration file is invalid.
    #[error("{}: {message}", path.display())]
    Config {
        /// The file.
        path: PathBuf,
        /// What is wrong, with line and column where known.
        message: String,
    },
    /// The output location cannot be used.
    #[error("cannot write {}: {reason}", path.display())]
    Output {
        /// The output path.
        path: PathBuf,
        /// What is wrong and what to do.
        reason: String,
    },
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

fn list(errors: &[Error]) -> String {
    let lines: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
    lines.join("\n")
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
