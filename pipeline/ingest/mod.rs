//! Stage 1: find the documents of a corpus, pair their language versions and
//! decode them.
//!
//! Two layouts are accepted, also mixed: `CORPUS/{kk,ru,en}/<doc-id>.txt`
//! and the flat `CORPUS/<doc-id>.<lang>.txt`. Word and OpenDocument files
//! (`.doc`, `.docx`, `.odt`), RTF files, web pages (`.html`, `.htm`) and
//! PDF files stand wherever a text file may; their body is read as text
//! ([`doc`], [`docx`], [`odt`], [`rtf`], [`html`]: a page's article,
//! without the site around it; [`pdf`]: the text its pages show).

pub mod doc;
pub mod docx;
pub mod html;
pub mod legacy;
pub mod odt;
mod office;
pub mod pdf;
pub mod rtf;

pub use legacy::Legacy;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::document::Document;
use crate::error::{Error, Result};
use crate::lang::{Lang, CORPUS_LANGS};

/// The files of one document id, one slot per corpus language (kk, ru, en).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentFiles {
    /// The document id.
    pub id: String,
    /// Path of each language version, indexed by [`Lang::column`].
    pub paths: [Option<PathBuf>; 3],
}

/// What [`discover`] found besides documents.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Documents sorted by id.
    pub documents: Vec<DocumentFiles>,
    /// Files or folders passed over, with why, for the user.
    pub ignored: Vec<String>,
}

/// Lists the documents of `corpus` in both layouts, sorted by id.
pub fn discover(corpus: &Path) -> Result<Discovery> {
    if !corpus.is_dir() {
        return Err(Error::CorpusNotFound {
            path: corpus.to_path_buf(),
        });
    }
    let mut found: BTreeMap<String, [Option<PathBuf>; 3]> = BTreeMap::new();
    let mut ignored = Vec::new();
    for entry in sorted_entries(corpus)? {
        let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if entry.is_dir() {
            match Lang::from_tag(name).and_then(|l| l.column().map(|c| (l, c))) {
                Some((lang, _)) if name == lang.code() => {
                    for file in sorted_entries(&entry)? {
                        match document_stem(&file) {
                            Ok(id) => add(&mut found, id, lang, file)?,
                            Err(Passed::Hidden) => {}
                            Err(Passed::Because(why)) => {
                                ignored.push(format!("{}: {why}", file.display()))
                            }
                        }
                    }
                }
                _ if name.starts_with('.') => {}
                _ => ignored.push(format!(
                    "{}: not a language folder (kk, ru, en)",
                    entry.display()
                )),
            }
        } else {
            let stem = match document_stem(&entry) {
                Ok(stem) => stem,
                Err(Passed::Because(why)) if names_a_language(name) => {
                    ignored.push(format!("{}: {why}", entry.display()));
                    continue;
                }
                // Other files beside the documents (a README, notes) are
                // not the corpus's business.
                Err(_) => continue,
            };
            let lang = stem
                .rsplit_once('.')
                .and_then(|(id, code)| Some((id, Lang::from_tag(code)?, code)));
            match lang {
                Some((id, lang, code)) if lang.column().is_some() && code == lang.code() => {
                    add(&mut found, id.to_string(), lang, entry)?;
                }
                _ => ignored.push(format!(
                    "{}: name it <doc-id>.<lang>.txt (or .doc, .docx, .odt, .rtf, .html, .pdf) with lang kk, ru or en",
                    entry.display()
                )),
            }
        }
    }
    if found.is_empty() {
        return Err(Error::EmptyCorpus {
            path: corpus.to_path_buf(),
        });
    }
    let documents = found
        .into_iter()
        .map(|(id, paths)| DocumentFiles { id, paths })
        .collect();
    Ok(Discovery { documents, ignored })
}

fn add(
    found: &mut BTreeMap<String, [Option<PathBuf>; 3]>,
    id: String,
    lang: Lang,
    path: PathBuf,
) -> Result<()> {
    let column = lang.column().expect("corpus language");
    let slot = &mut found.entry(id.clone()).or_default()[column];
    if let Some(first) = slot.take() {
        return Err(Error::DuplicateDocument {
            doc_id: id,
            lang: lang.code().to_string(),
            first,
            second: path,
        });
    }
    *slot = Some(path);
    Ok(())
}

fn sorted_entries(dir: &Path) -> Result<Vec<PathBuf>> {
    let read = fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut out = Vec::new();
    for entry in read {
        out.push(entry.map_err(|e| Error::io(dir, e))?.path());
    }
    out.sort();
    Ok(out)
}

/// Why a file is not read as a document.
#[derive(Debug, PartialEq)]
enum Passed {
    /// A hidden file (`.DS_Store`, macOS's `._name.txt` resource forks),
    /// passed over in silence.
    Hidden,
    /// Anything else, with what to do about it.
    Because(String),
}

/// The name of a document file without its extension (`.txt`, `.doc`,
/// `.docx`, `.odt`, `.rtf`, `.html`, `.htm` or `.pdf`), or why the file is
/// not one.
fn document_stem(path: &Path) -> std::result::Result<String, Passed> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.starts_with('.') {
        return Err(Passed::Hidden);
    }
    if name.starts_with("~$") {
        return Err(Passed::Because(
            "a lock file Word keeps while the document is open; left out".into(),
        ));
    }
    let ext = extension(path);
    if (ext == "txt" || ext == "pdf" || is_html(&ext) || office_reader(&ext).is_some())
        && path.is_file()
    {
        let stem = path.file_stem().and_then(|s| s.to_str());
        return stem.map(str::to_string).ok_or(Passed::Hidden);
    }
    Err(Passed::Because(format!("not a {KINDS} file")))
}

/// Whether a flat-layout file name carries a corpus language
/// (`<doc-id>.kk.<ext>`), so that a file of the wrong kind is worth a word.
fn names_a_language(name: &str) -> bool {
    CORPUS_LANGS
        .iter()
        .any(|l| name.contains(&format!(".{}.", l.code())))
}

/// A file's extension in lower case (empty if it has none).
fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The kinds of document file read, for messages.
const KINDS: &str = ".txt, .doc, .docx, .odt, .rtf, .html or .pdf";

fn is_html(ext: &str) -> bool {
    ext == "html" || ext == "htm"
}

/// An office format's reader: the body's paragraphs, or why the file is not
/// one.
type OfficeReader = fn(&[u8]) -> std::result::Result<String, String>;

/// The reader of an office format, by lower-case file extension.
fn office_reader(ext: &str) -> Option<OfficeReader> {
    match ext {
        "doc" => Some(doc::body_text),
        "docx" => Some(docx::body_text),
        "odt" => Some(odt::body_text),
        "rtf" => Some(rtf::body_text),
        _ => None,
    }
}

/// Reads and decodes one document: see [`read_text`].
pub fn read_document(id: &str, lang: Lang, path: &Path) -> Result<Document> {
    read_document_or(id, lang, path, None).map(|(doc, _)| doc)
}

/// [`read_document`], decoding a text file that is not UTF-8 as `legacy`
/// (if given) instead of failing; the flag says whether it was.
pub fn read_document_or(
    id: &str,
    lang: Lang,
    path: &Path,
    legacy: Option<Legacy>,
) -> Result<(Document, bool)> {
    let (text, was_legacy) = read_text_or(path, legacy)?;
    let doc = Document {
        id: id.to_string(),
        lang,
        path: path.to_path_buf(),
        text,
    };
    Ok((doc, was_legacy))
}

/// The text of a document file: the body of a Word or OpenDocument text
/// (`.doc`, `.docx`, `.odt`) or an RTF file, the article of a web page
/// (`.html`, `.htm`), the text of a PDF's pages, else the file decoded from UTF-8 (a byte-order mark
/// is dropped) or UTF-16 with a byte-order mark.
pub fn read_text(path: &Path) -> Result<String> {
    read_text_or(path, None).map(|(text, _)| text)
}

/// [`read_text`], decoding a text file that is not UTF-8 as `legacy` (if
/// given) instead of failing; the flag says whether it was.
pub fn read_text_or(path: &Path, legacy: Option<Legacy>) -> Result<(String, bool)> {
    let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
    let ext = extension(path);
    if let Some(read) = office_reader(&ext) {
        let text = read(&bytes).map_err(|message| Error::Office {
            path: path.to_path_buf(),
            message,
        })?;
        return Ok((text, false));
    }
    if ext == "pdf" {
        let text = pdf::body_text(&bytes).map_err(|message| Error::Pdf {
            path: path.to_path_buf(),
            message,
        })?;
        return Ok((text, false));
    }
    if is_html(&ext) {
        return html::body_text(&bytes, legacy).map_err(|message| Error::Html {
            path: path.to_path_buf(),
            message,
        });
    }
    decode_or(path, bytes, legacy)
}

/// Decodes file contents to a `String`, naming the file and the first bad
/// byte on failure.
pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<String> {
    decode_or(path, bytes, None).map(|(text, _)| text)
}

/// [`decode`], decoding contents that are not UTF-8 as `legacy` (if given)
/// instead of failing; the flag says whether they were.
pub fn decode_or(path: &Path, bytes: Vec<u8>, legacy: Option<Legacy>) -> Result<(String, bool)> {
    let utf16 = |rest, unit| decode_utf16(path, rest, unit).map(|text| (text, false));
    match bytes.as_slice() {
        [0xFF, 0xFE, rest @ ..] => utf16(rest, u16::from_le_bytes),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, u16::from_be_bytes),
        _ => {
            let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
                3
            } else {
                0
            };
            match String::from_utf8(bytes) {
                Ok(mut s) => {
                    s.drain(..bom);
                    Ok((s, false))
                }
                Err(e) => {
                    if let Some(legacy) = legacy {
                        return Ok((legacy.decode(&e.into_bytes()), true));
                    }
                    let offset = e.utf8_error().valid_up_to();
                    let line = line_at(e.as_bytes(), offset);
                    Err(Error::InvalidUtf8 {
                        path: path.to_path_buf(),
                        line,
                        offset,
                    })
                }
            }
        }
    }
}

/// The line (from 1) that byte `offset` of `bytes` is on.
pub(crate) fn line_at(bytes: &[u8], offset: usize) -> usize {
    1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count()
}

fn decode_utf16(path: &Path, rest: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String> {
    utf16_text(rest, unit).map_err(|offset| Error::InvalidUtf16 {
        path: path.to_path_buf(),
        offset,
    })
}

/// UTF-16 text after its two-byte byte-order mark, or the byte offset
/// (from the file's start) where it is broken: a lone surrogate, or half a
/// unit at the end.
pub(crate) fn utf16_text(
    rest: &[u8],
    unit: fn([u8; 2]) -> u16,
) -> std::result::Result<String, usize> {
    if rest.len() % 2 == 1 {
        return Err(rest.len() + 1);
    }
    let units = rest.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    let mut out = String::with_capacity(rest.len());
    let mut offset = 2;
    for c in char::decode_utf16(units) {
        let c = c.map_err(|_| offset)?;
        offset += 2 * c.len_utf16();
        out.push(c);
    }
    Ok(out)
}

/// The corpus languages as `(Lang, column)` pairs.
pub fn columns() -> impl Iterator<Item = (Lang, usize)> {
    CORPUS_LANGS.into_iter().enumerate().map(|(i, l)| (l, i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_that_are_not_documents_say_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str| {
            let p = dir.path().join(name);
            fs::write(&p, "x").unwrap();
            p
        };
        assert_eq!(document_stem(&file("a.txt")), Ok("a".into()));
        assert_eq!(document_stem(&file("b.kk.DOCX")), Ok("b.kk".into()));
        assert_eq!(document_stem(&file("c.en.html")), Ok("c.en".into()));
        assert_eq!(document_stem(&file("d.HTM")), Ok("d".into()));
        assert_eq!(document_stem(&file("._a.txt")), Err(Passed::Hidden));
        assert_eq!(document_stem(&file(".DS_Store")), Err(Passed::Hidden));
        let why = |name: &str| match document_stem(&file(name)) {
            Err(Passed::Because(why)) => why,
            other => panic!("{name}: {other:?}"),
        };
        assert!(why("~$report.docx").contains("lock file"));
        assert_eq!(document_stem(&file("e.ru.PDF")), Ok("e.ru".into()));
        assert_eq!(
            why("notes.md"),
            "not a .txt, .doc, .docx, .odt, .rtf, .html or .pdf file"
        );
    }

    #[test]
    fn hidden_and_lock_files_do_not_stop_a_corpus() {
        let dir = tempfile::tempdir().unwrap();
        let kk = dir.path().join("kk");
        fs::create_dir(&kk).unwrap();
        fs::write(kk.join("a.txt"), "Мәтін.").unwrap();
        // What a Mac leaves on a USB stick, and Word beside an open file.
        fs::write(kk.join("._a.txt"), b"\x00\x05\x16\x07\xff").unwrap();
        fs::write(kk.join("~$a.docx"), b"\x0bowner").unwrap();
        fs::write(dir.path().join("README.md"), "about this corpus").unwrap();
        fs::write(dir.path().join("b.ru.epub"), "PK").unwrap();
        let found = discover(dir.path()).unwrap();
        assert_eq!(found.documents.len(), 1);
        assert_eq!(found.documents[0].id, "a");
        assert_eq!(found.ignored.len(), 2, "{:?}", found.ignored);
        assert!(found.ignored[0]
            .contains("b.ru.epub: not a .txt, .doc, .docx, .odt, .rtf, .html or .pdf file"));
        assert!(found.ignored[1].contains("~$a.docx: a lock file"));
    }

    #[test]
    fn invalid_utf8_names_line_and_offset() {
        let err = decode(Path::new("a.txt"), b"ok\n\xd0\x90\n\xff".to_vec()).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("a.txt:3: invalid UTF-8 at byte offset 6"),
            "{msg}"
        );
    }

    #[test]
    fn boms_are_handled() {
        assert_eq!(
            decode(Path::new("a"), b"\xEF\xBB\xBFx".to_vec()).unwrap(),
            "x"
        );
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Қаз".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(Path::new("a"), le).unwrap(), "Қаз");
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("Қаз".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode(Path::new("a"), be).unwrap(), "Қаз");
    }

    #[test]
    fn lone_surrogate_is_an_error() {
        let err = decode(Path::new("a"), vec![0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00]).unwrap_err();
        assert!(
            matches!(err, Error::InvalidUtf16 { offset: 2, .. }),
            "{err}"
        );
    }
}
