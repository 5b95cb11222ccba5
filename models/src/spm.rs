//! SentencePiece models (`source.spm`, `spiece.model`) read in pure Rust:
//! the `ModelProto` protobuf parsed by hand, the normaliser re-implemented
//! after `sentencepiece/src/normalizer.cc` (`Normalizer::Normalize` and
//! `NormalizePrefix`: longest match in the precompiled charsmap, leading,
//! trailing and repeated spaces removed, dummy `▁` prefix), and the unigram
//! Viterbi segmentation delegated to the `tokenizers` crate's `Unigram`,
//! which merges runs of unknown characters the way SentencePiece does.
//!
//! [`SpmModel::encode`] returns pieces as strings, unknown ones as their
//! surface text, exactly like `SentencePieceProcessor.encode(text,
//! out_type=str)`; `MarianTokenizer` then maps them through `vocab.json`.

use std::path::Path;

use tokenizers::models::unigram::Unigram;

use crate::error::Error;

/// SentencePiece's whitespace symbol.
pub const SPACE: char = '\u{2581}';

/// `SentencePiece.Type` values of `sentencepiece_model.proto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PieceType {
    Normal,
    Unknown,
    Control,
    UserDefined,
    Unused,
    Byte,
}

impl PieceType {
    fn from_proto(v: u64) -> Self {
        match v {
            2 => Self::Unknown,
            3 => Self::Control,
            4 => Self::UserDefined,
            5 => Self::Unused,
            6 => Self::Byte,
            _ => Self::Normal,
        }
    }
}

/// A minimal protobuf reader: enough for `ModelProto`.
struct Proto<'a> {
    buf: &'a [u8],
}

/// One field: its number and payload.
enum Field<'a> {
    Varint(u64),
    Fixed32(u32),
    Bytes(&'a [u8]),
    Other,
}

impl<'a> Proto<'a> {
    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let (&b, rest) = self.buf.split_first()?;
            self.buf = rest;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.buf.len() < n {
            return None;
        }
        let (head, rest) = self.buf.split_at(n);
        self.buf = rest;
        Some(head)
    }

    /// The next field, `None` at the end, `Err(())` when malformed.
    fn next_field(&mut self) -> Result<Option<(u64, Field<'a>)>, ()> {
        if self.buf.is_empty() {
            return Ok(None);
        }
        let key = self.varint().ok_or(())?;
        let field = match key & 7 {
            0 => Field::Varint(self.varint().ok_or(())?),
            1 => {
                self.take(8).ok_or(())?;
                Field::Other
            }
            2 => {
                let n = self.varint().ok_or(())? as usize;
                Field::Bytes(self.take(n).ok_or(())?)
            }
            5 => {
                let b = self.take(4).ok_or(())?;
                Field::Fixed32(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            }
            _ => return Err(()),
        };
        Ok(Some((key >> 3, field)))
    }
}

/// The precompiled normalisation rules: a darts-clone double-array trie
/// over UTF-8 prefixes, and the blob of NUL-terminated replacements.
#[derive(Debug, Clone, Default)]
struct CharsMap {
    units: Vec<u32>,
    normalized: Vec<u8>,
}

impl CharsMap {
    /// Layout (`normalizer.cc`, `DecodePrecompiledCharsMap`): u32 trie
    /// size in bytes, the trie, then the replacement blob.
    fn parse(blob: &[u8]) -> Option<Self> {
        if blob.is_empty() {
            return Some(Self::default());
        }
        let size = u32::from_le_bytes(blob.get(..4)?.try_into().ok()?) as usize;
        let trie = blob.get(4..4 + size)?;
        let units = trie
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        Some(Self {
            units,
            normalized: blob[4 + size..].to_vec(),
        })
    }

    /// Longest rule matching a prefix of `key`: (value, matched length).
    /// Darts-clone `commonPrefixSearch`, keeping the last (longest) hit.
    fn longest_prefix(&self, key: &[u8]) -> Option<(usize, usize)> {
        let unit = |pos: usize| self.units.get(pos).copied();
        let offset = |u: u32| ((u >> 10) << ((u & (1 << 9)) >> 6)) as usize;
        let label = |u: u32| u & ((1 << 31) | 0xff);
        let has_leaf = |u: u32| (u >> 8) & 1 == 1;
        let value = |u: u32| (u & ((1 << 31) - 1)) as usize;
        let mut pos = offset(unit(0)?);
        let mut best = None;
        for (i, &c) in key.iter().enumerate() {
            if c == 0 {
                break;
            }
            pos ^= c as usize;
            let u = unit(pos)?;
            if label(u) != c as u32 {
                break;
            }
            pos ^= offset(u);
            if has_leaf(u) {
                best = Some((value(unit(pos)?), i + 1));
            }
        }
        best
    }

    /// `NormalizePrefix`: the replacement of the longest matching prefix of
    /// `input` and how many bytes it consumes; one unchanged character when
    /// no rule matches.
    fn normalize_prefix<'a>(&'a self, input: &'a str) -> (&'a str, usize) {
        if let Some((v, len)) = self.longest_prefix(input.as_bytes()) {
            let end = self.normalized[v..]
                .iter()
                .position(|&b| b == 0)
                .map_or(self.normalized.len(), |p| v + p);
            if let Ok(s) = std::str::from_utf8(&self.normalized[v..end]) {
                return (s, len);
            }
        }
        let len = input.chars().next().map_or(1, char::len_utf8);
        (&input[..len], len)
    }
}

/// A SentencePiece unigram model.
#[derive(Clone)]
pub struct SpmModel {
    pieces: Vec<(String, PieceType)>,
    charsmap: CharsMap,
    add_dummy_prefix: bool,
    remove_extra_whitespaces: bool,
    escape_whitespaces: bool,
    unigram: Unigram,
    ids: std::collections::HashMap<String, u32>,
}

impl std::fmt::Debug for SpmModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpmModel")
            .field("pieces", &self.pieces.len())
            .finish()
    }
}

impl SpmModel {
    /// Reads a `.spm` / `.model` file.
    pub fn from_file(path: &Path) -> Result<Self, Error> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Self::from_bytes(&bytes).map_err(|reason| Error::tokenizer(path, reason))
    }

    /// Parses a serialised `ModelProto`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        let bad = |_| "malformed SentencePiece protobuf".to_string();
        let mut pieces = Vec::new();
        let mut scores = Vec::new();
        let mut charsmap = CharsMap::default();
        let (mut add_dummy_prefix, mut remove_extra_whitespaces, mut escape_whitespaces) =
            (true, true, true);
        let mut model_type = 1;
        let mut top = Proto { buf: bytes };
        while let Some((num, field)) = top.next_field().map_err(bad)? {
            match (num, field) {
                (1, Field::Bytes(b)) => {
                    let (mut piece, mut score, mut kind) = (String::new(), 0f32, PieceType::Normal);
                    let mut p = Proto { buf: b };
                    while let Some((n, f)) = p.next_field().map_err(bad)? {
                        match (n, f) {
                            (1, Field::Bytes(s)) => piece = String::from_utf8_lossy(s).into_owned(),
                            (2, Field::Fixed32(v)) => score = f32::from_bits(v),
                            (3, Field::Varint(v)) => kind = PieceType::from_proto(v),
                            _ => {}
                        }
                    }
                    pieces.push((piece, kind));
                    scores.push(score);
                }
                (2, Field::Bytes(b)) => {
                    // TrainerSpec: model_type = 3 (UNIGRAM = 1).
                    let mut p = Proto { buf: b };
                    while let Some((n, f)) = p.next_field().map_err(bad)? {
                        if let (3, Field::Varint(v)) = (n, f) {
                            model_type = v;
                        }
                    }
                }
                (3, Field::Bytes(b)) => {
                    let mut p = Proto { buf: b };
                    while let Some((n, f)) = p.next_field().map_err(bad)? {
                        match (n, f) {
                            (2, Field::Bytes(m)) => {
                                charsmap =
                                    CharsMap::parse(m).ok_or("malformed precompiled_charsmap")?
                            }
                            (3, Field::Varint(v)) => add_dummy_prefix = v != 0,
                            (4, Field::Varint(v)) => remove_extra_whitespaces = v != 0,
                            (5, Field::Varint(v)) => escape_whitespaces = v != 0,
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        if model_type != 1 {
            return Err(format!(
                "only unigram SentencePiece models are supported (model_type {model_type})"
            ));
        }
        let unk = pieces
            .iter()
            .position(|(_, k)| *k == PieceType::Unknown)
            .ok_or("SentencePiece model has no unknown piece")?;
        // Control, unknown, unused and byte pieces never match text in
        // SentencePiece; give them strings no normalised text contains.
        let vocab: Vec<(String, f64)> = pieces
            .iter()
            .zip(&scores)
            .enumerate()
            .map(|(i, ((p, k), &s))| match k {
                PieceType::Normal | PieceType::UserDefined => (p.clone(), s as f64),
                _ => (format!("\u{0}{i}\u{0}"), s as f64),
            })
            .collect();
        let unigram = Unigram::from(vocab, Some(unk), false).map_err(|e| e.to_string())?;
        let ids = pieces
            .iter()
            .enumerate()
            .rev()
            .map(|(i, (p, _))| (p.clone(), i as u32))
            .collect();
        Ok(Self {
            ids,
            pieces,
            charsmap,
            add_dummy_prefix,
            remove_extra_whitespaces,
            escape_whitespaces,
            unigram,
        })
    }

    /// Number of pieces.
    pub fn len(&self) -> usize {
        self.pieces.len()
    }

    /// Whether the model has no pieces.
    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    /// The piece with id `i`.
    pub fn piece(&self, i: usize) -> Option<&str> {
        self.pieces.get(i).map(|(p, _)| p.as_str())
    }

    /// The id of `piece`, if the model has it.
    pub fn piece_to_id(&self, piece: &str) -> Option<u32> {
        self.ids.get(piece).copied()
    }

    /// Whether piece `i` is a control or unknown piece (`<s>`, `</s>`, `<unk>`).
    pub fn is_special(&self, i: usize) -> bool {
        matches!(
            self.pieces.get(i),
            Some((_, PieceType::Control | PieceType::Unknown))
        )
    }

    /// `Normalizer::Normalize` without the alignment bookkeeping.
    pub fn normalize(&self, text: &str) -> String {
        let space = if self.escape_whitespaces {
            SPACE.to_string()
        } else {
            " ".into()
        };
        let mut input = text;
        if self.remove_extra_whitespaces {
            while !input.is_empty() {
                let (s, n) = self.charsmap.normalize_prefix(input);
                if s != " " {
                    break;
                }
                input = &input[n..];
            }
        }
        let mut out = String::with_capacity(text.len() + 3);
        if input.is_empty() {
            return out;
        }
        if self.add_dummy_prefix {
            out.push_str(&space);
        }
        let mut prev_space = self.remove_extra_whitespaces;
        while !input.is_empty() {
            let (mut s, n) = self.charsmap.normalize_prefix(input);
            while prev_space && s.starts_with(' ') {
                s = &s[1..];
            }
            if !s.is_empty() {
                for c in s.chars() {
                    if self.escape_whitespaces && c == ' ' {
                        out.push(SPACE);
                    } else {
                        out.push(c);
                    }
                }
                prev_space = s.ends_with(' ');
            }
            input = &input[n..];
            prev_space = prev_space && self.remove_extra_whitespaces;
        }
        if self.remove_extra_whitespaces {
            while out.ends_with(space.as_str()) {
                out.truncate(out.len() - space.len());
            }
        }
        out
    }

    /// Pieces of `text`, unknown runs as their surface text (what
    /// `SentencePieceProcessor.encode(text, out_type=str)` returns).
    pub fn encode(&self, text: &str) -> Result<Vec<String>, String> {
        let normalized = self.normalize(text);
        self.unigram.encode(&normalized).map_err(|e| e.to_string())
    }
}
