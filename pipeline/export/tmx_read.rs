//! Streaming TMX reader.
//!
//! Reads TMX 1.1–1.4 from shanyraq and other tools one `<tu>` at a time, in
//! UTF-8 or in UTF-16 with a byte-order mark. Inline markup inside `<seg>`
//! is flattened: the text of `<hi>` is kept, the native codes in `<bpt>`,
//! `<ept>`, `<it>`, `<ph>` and `<ut>` are dropped.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::Reader;

use crate::error::{Error, Result};
use crate::lang::Lang;

/// One `<tuv>`: a segment in one language.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Variant {
    /// The `xml:lang` (or TMX 1.1 `lang`) value as written.
    pub lang: String,
    /// `<prop type=..>` values of the variant.
    pub props: Vec<(String, String)>,
    /// The segment text, inline codes removed.
    pub text: String,
}

/// One `<tu>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TranslationUnit {
    /// `<prop type=..>` values of the unit.
    pub props: Vec<(String, String)>,
    /// Its variants in file order.
    pub variants: Vec<Variant>,
}

impl TranslationUnit {
    /// The first unit prop of this type.
    pub fn prop(&self, kind: &str) -> Option<&str> {
        find(&self.props, kind)
    }

    /// The variant of `lang`; `kk-KZ`, `KK` and `kaz` all match Kazakh.
    pub fn variant(&self, lang: Lang) -> Option<&Variant> {
        self.variants
            .iter()
            .find(|v| Lang::from_tag(&v.lang) == Some(lang))
    }
}

impl Variant {
    /// The first prop of this type.
    pub fn prop(&self, kind: &str) -> Option<&str> {
        find(&self.props, kind)
    }
}

fn find<'a>(props: &'a [(String, String)], kind: &str) -> Option<&'a str> {
    props
        .iter()
        .find(|(k, _)| k == kind)
        .map(|(_, v)| v.as_str())
}

/// Where the reader is inside the current unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Outside,
    UnitProp,
    VariantProp,
    Seg,
    /// Inside native code in a segment; the depth counts nested elements.
    Code(usize),
}

/// Reads translation units one at a time.
pub struct TmxReader<R: BufRead> {
    xml: Reader<R>,
    path: PathBuf,
    buf: Vec<u8>,
    unit: Option<TranslationUnit>,
    slot: Slot,
    prop: (String, String),
    done: bool,
}

/// Opens a TMX file, detecting a UTF-16 byte-order mark.
pub fn open(path: &Path) -> Result<TmxReader<Box<dyn BufRead>>> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    from_reader(path, file)
}

/// Reads TMX from any byte source; `path` is only used in messages.
pub fn from_reader(path: &Path, input: impl Read + 'static) -> Result<TmxReader<Box<dyn BufRead>>> {
    let mut input = BufReader::new(input);
    let head = input.fill_buf().map_err(|e| Error::io(path, e))?;
    let source: Box<dyn BufRead> = match head {
        [0xFF, 0xFE, ..] => Box::new(BufReader::new(Utf16ToUtf8::new(input, false))),
        [0xFE, 0xFF, ..] => Box::new(BufReader::new(Utf16ToUtf8::new(input, true))),
        _ => Box::new(input),
    };
    Ok(TmxReader::new(path, source))
}

impl<R: BufRead> TmxReader<R> {
    /// Wraps a UTF-8 source.
    pub fn new(path: &Path, input: R) -> TmxReader<R> {
        TmxReader {
            xml: Reader::from_reader(input),
            path: path.to_path_buf(),
            buf: Vec::new(),
            unit: None,
            slot: Slot::Outside,
            prop: Default::default(),
            done: false,
        }
    }

    fn error(&self, message: impl Into<String>) -> Error {
        Error::Tmx {
            path: self.path.clone(),
            offset: self.xml.buffer_position(),
            message: message.into(),
        }
    }

    fn next_unit(&mut self) -> Result<Option<TranslationUnit>> {
        loop {
            self.buf.clear();
            let event = match self.xml.read_event_into(&mut self.buf) {
                Ok(e) => e.into_owned(),
                Err(e) => return Err(self.error(e.to_string())),
            };
            match event {
                Event::Start(e) => self.start(&e)?,
                Event::Empty(e) => {
                    // An empty element opens and closes at once; only
                    // `<ph/>`-like codes and empty props matter here.
                    self.start(&e)?;
                    if let Some(u) = self.end(e.local_name().as_ref())? {
                        return Ok(Some(u));
                    }
                }
                Event::End(e) => {
                    if let Some(u) = self.end(e.local_name().as_ref())? {
                        return Ok(Some(u));
                    }
                }
                Event::Text(t) => {
                    let text = t.xml_content().map_err(|e| self.error(e.to_string()))?;
                    self.text(&text);
                }
                Event::CData(t) => {
                    let text = t.decode().map_err(|e| self.error(e.to_string()))?;
                    self.text(&text);
                }
                Event::GeneralRef(r) => {
                    let c = self.resolve(&r)?;
                    self.text(c.encode_utf8(&mut [0; 4]));
                }
                Event::Eof => {
                    if self.unit.is_some() {
                        return Err(self.error("file ends inside a <tu>"));
                    }
                    return Ok(None);
                }
                _ => {}
            }
        }
    }

    fn resolve(&self, r: &BytesRef<'_>) -> Result<char> {
        crate::xml::reference(r).map_err(|e| self.error(e))
    }

    fn attr(&self, e: &BytesStart<'_>, names: &[&str]) -> Result<Option<String>> {
        for a in e.attributes() {
            let a = a.map_err(|err| self.error(err.to_string()))?;
            if names.contains(&std::str::from_utf8(a.key.as_ref()).unwrap_or("")) {
                let v = a
                    .unescape_value()
                    .map_err(|err| self.error(err.to_string()))?;
                return Ok(Some(v.into_owned()));
            }
        }
        Ok(None)
    }

    fn start(&mut self, e: &BytesStart<'_>) -> Result<()> {
        if let Slot::Code(depth) = self.slot {
            self.slot = Slot::Code(depth + 1);
            return Ok(());
        }
        match (e.local_name().as_ref(), self.slot) {
            (b"tu", _) => self.unit = Some(TranslationUnit::default()),
            (b"tuv", _) => {
                let lang = self.attr(e, &["xml:lang", "lang"])?;
                let Some(lang) = lang else {
                    return Err(self.error("<tuv> without xml:lang"));
                };
                if self.unit.is_none() {
                    return Err(self.error("<tuv> outside <tu>"));
                }
                let unit = self.unit.as_mut().expect("checked");
                unit.variants.push(Variant {
                    lang,
                    ..Variant::default()
                });
            }
            (b"prop", _) if self.unit.is_some() => {
                let kind = self.attr(e, &["type"])?.unwrap_or_default();
                self.prop = (kind, String::new());
                let in_variant = self.unit.as_ref().is_some_and(|u| !u.variants.is_empty());
                self.slot = if in_variant {
                    Slot::VariantProp
                } else {
                    Slot::UnitProp
                };
            }
            (b"seg", _) => self.slot = Slot::Seg,
            (b"bpt" | b"ept" | b"it" | b"ph" | b"ut", Slot::Seg) => self.slot = Slot::Code(1),
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, name: &[u8]) -> Result<Option<TranslationUnit>> {
        if let Slot::Code(depth) = self.slot {
            self.slot = if depth == 1 {
                Slot::Seg
            } else {
                Slot::Code(depth - 1)
            };
            return Ok(None);
        }
        match name {
            b"tu" => {
                self.slot = Slot::Outside;
                return Ok(self.unit.take());
            }
            b"prop" if self.slot != Slot::Outside => {
                let prop = std::mem::take(&mut self.prop);
                if let Some(unit) = self.unit.as_mut() {
                    match (self.slot, unit.variants.last_mut()) {
                        (Slot::VariantProp, Some(v)) => v.props.push(prop),
                        _ => unit.props.push(prop),
                    }
                }
                self.slot = Slot::Outside;
            }
            b"seg" => self.slot = Slot::Outside,
            _ => {}
        }
        Ok(None)
    }

    fn text(&mut self, text: &str) {
        match self.slot {
            Slot::UnitProp | Slot::VariantProp => self.prop.1.push_str(text),
            Slot::Seg => {
                if let Some(v) = self.unit.as_mut().and_then(|u| u.variants.last_mut()) {
                    v.text.push_str(text);
                }
            }
            Slot::Outside | Slot::Code(_) => {}
        }
    }
}

impl<R: BufRead> Iterator for TmxReader<R> {
    type Item = Result<TranslationUnit>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let next = self.next_unit().transpose();
        if !matches!(next, Some(Ok(_))) {
            self.done = true;
        }
        next
    }
}

/// Transcodes UTF-16 (after its byte-order mark) to UTF-8 on the fly, so
/// large UTF-16 files stream like UTF-8 ones.
struct Utf16ToUtf8<R: BufRead> {
    inner: R,
    big_endian: bool,
    started: bool,
    pending: Vec<u8>,
    high: Option<u16>,
}

impl<R: BufRead> Utf16ToUtf8<R> {
    fn new(inner: R, big_endian: bool) -> Self {
        Utf16ToUtf8 {
            inner,
            big_endian,
            started: false,
            pending: Vec::new(),
            high: None,
        }
    }

    fn unit(&self, b: [u8; 2]) -> u16 {
        if self.big_endian {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        }
    }

    /// Decodes more input into `pending`; false at end of input.
    fn refill(&mut self) -> io::Result<bool> {
        if !self.started {
            self.started = true;
            self.inner.consume(2);
        }
        let mut bytes = [0u8; 8192];
        let mut n = 0;
        while n < 2 {
            let got = self.inner.read(&mut bytes[n..])?;
            if got == 0 {
                if n == 1 {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "odd UTF-16 length",
                    ));
                }
                if self.high.is_some() {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "unpaired UTF-16 surrogate",
                    ));
                }
                return Ok(false);
            }
            n += got;
        }
        if n % 2 == 1 {
            // Complete the last code unit.
            self.inner.read_exact(&mut bytes[n..n + 1])?;
            n += 1;
        }
        let mut units: Vec<u16> = self.high.take().into_iter().collect();
        units.extend(bytes[..n].chunks_exact(2).map(|c| self.unit([c[0], c[1]])));
        if matches!(units.last(), Some(0xD800..=0xDBFF)) {
            self.high = units.pop();
        }
        for c in char::decode_utf16(units) {
            let c = c.map_err(|_| {
                io::Error::new(io::ErrorKind::InvalidData, "unpaired UTF-16 surrogate")
            })?;
            self.pending
                .extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
        }
        Ok(true)
    }
}

impl<R: BufRead> Read for Utf16ToUtf8<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pending.is_empty() {
            if !self.refill()? {
                return Ok(0);
            }
        }
        let n = out.len().min(self.pending.len());
        out[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
}
