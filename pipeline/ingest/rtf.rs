//! Rich Text Format (`.rtf`): the text of the body, a paragraph per `\par`.
//!
//! Legal databases and older office tools export RTF. It is text with
//! control words (`\par`, `\u1179?`, `\'e0`) and groups in braces; some
//! groups are not text at all but tables of fonts, styles and colours,
//! pictures, document information, headers, footers, comments and field
//! instructions, and are skipped (as is every other group marked ignorable,
//! `{\*...}`). A field's result (`\fldrslt`) is its text. Footnotes and
//! endnotes (`\footnote` groups, written where they are cited) are read
//! after the body.
//! Characters come as `\uN` (UTF-16 units, each followed by a fallback the
//! reader skips) or as bytes in the document's code page (`\ansicpg1251`
//! for Russian and Kazakh documents).

use super::legacy::Legacy;
use super::office::{with_notes, Paragraphs};

/// Destinations whose text is not the body's. A list item's bullet or
/// number (`\listtext`, Word 6's `\pntext`) is left out too, as Word and
/// ODF files keep numbering out of the text.
const SKIPPED: [&str; 31] = [
    "fonttbl",
    "colortbl",
    "stylesheet",
    "info",
    "pict",
    "object",
    "header",
    "headerl",
    "headerr",
    "headerf",
    "footer",
    "footerl",
    "footerr",
    "footerf",
    "annotation",
    "atnid",
    "atnauthor",
    "fldinst",
    "themedata",
    "colorschememapping",
    "datastore",
    "latentstyles",
    "listtable",
    "listoverridetable",
    "revtbl",
    "rsidtbl",
    "generator",
    "xmlnstbl",
    "nonshppict",
    "listtext",
    "pntext",
];

/// The encoding of bytes written as `\'hh` or raw, from `\ansicpgN`.
fn code_page(n: i32) -> Legacy {
    match n {
        1251 => Legacy::Cp1251,
        1048 => Legacy::Kz1048,
        _ => Legacy::Cp1252,
    }
}

/// One group's state: whether its text is skipped or a note's, and how
/// many fallback characters follow a `\uN`.
#[derive(Clone, Copy)]
struct Group {
    skip: bool,
    note: bool,
    uc: usize,
}

impl Group {
    /// Where its text goes: the body's paragraphs or the notes'.
    fn of<'a>(&self, out: &'a mut [Paragraphs; 2]) -> &'a mut Paragraphs {
        &mut out[usize::from(self.note)]
    }
}

/// The body of the RTF document `bytes`, then its notes: paragraphs
/// separated by blank lines; `Err` says why the file is not one.
pub fn body_text(bytes: &[u8]) -> Result<String, String> {
    if !bytes.starts_with(b"{\\rtf") {
        return Err("it does not start with {\\rtf".into());
    }
    let mut stack: Vec<Group> = Vec::new();
    let mut group = Group {
        skip: false,
        note: false,
        uc: 1,
    };
    let mut encoding = Legacy::Cp1252;
    // The body's paragraphs, and the notes'.
    let mut out = [Paragraphs::default(), Paragraphs::default()];
    // Whether the group opened with `{\*` (its destination comes next).
    let mut starred = false;
    // A high surrogate waiting for its low half.
    let mut high: Option<u16> = None;
    // Fallback characters still to skip after a `\uN`.
    let mut pending = 0usize;
    // Whether the next control word opens the group (after `{`, `{\*`).
    let mut group_start = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'{' => {
                stack.push(group);
                group_start = true;
                pending = 0;
                i += 1;
            }
            b'}' => {
                let closed = group;
                group = stack.pop().ok_or("a `}` closes no group")?;
                if closed.note && !group.note {
                    // Each note is a paragraph at least.
                    closed.of(&mut out).end();
                }
                group_start = false;
                pending = 0;
                i += 1;
            }
            b'\\' => {
                let (word, param, next) = control(bytes, i + 1);
                i = next;
                let opened = std::mem::take(&mut group_start);
                let after_star = std::mem::take(&mut starred);
                match word.as_str() {
                    "*" => {
                        // An ignorable destination: skipped unless it is a
                        // note, the only text among the known ones.
                        group.skip = true;
                        starred = opened;
                    }
                    // A note in text that is read (not in a header).
                    "footnote"
                        if (opened || after_star) && stack.last().is_some_and(|g| !g.skip) =>
                    {
                        group.skip = false;
                        group.note = true;
                    }
                    "'" => {
                        let hex = bytes
                            .get(i..i + 2)
                            .and_then(|h| std::str::from_utf8(h).ok());
                        if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                            push(encoding.char(v), &group, &mut pending, &mut out);
                            i += 2;
                        }
                    }
                    "u" => {
                        let unit = param.unwrap_or(0).rem_euclid(65536) as u16;
                        let c = match (high.take(), unit) {
                            (None, 0xD800..=0xDBFF) => {
                                high = Some(unit);
                                None
                            }
                            (Some(h), 0xDC00..=0xDFFF) => {
                                char::decode_utf16([h, unit]).next().and_then(Result::ok)
                            }
                            (_, u) => char::from_u32(u32::from(u)),
                        };
                        if let Some(c) = c {
                            if !group.skip {
                                group.of(&mut out).push(c);
                            }
                        }
                        pending = group.uc;
                    }
                    "uc" => group.uc = param.unwrap_or(1).max(0) as usize,
                    "ansicpg" => encoding = code_page(param.unwrap_or(0)),
                    "bin" => i += param.unwrap_or(0).max(0) as usize,
                    "par" | "sect" | "page" | "cell" | "row" if !group.skip => {
                        group.of(&mut out).end()
                    }
                    "line" => push('\n', &group, &mut pending, &mut out),
                    "tab" => push('\t', &group, &mut pending, &mut out),
                    "emdash" => push('—', &group, &mut pending, &mut out),
                    "endash" => push('–', &group, &mut pending, &mut out),
                    "lquote" => push('‘', &group, &mut pending, &mut out),
                    "rquote" => push('’', &group, &mut pending, &mut out),
                    "ldblquote" => push('“', &group, &mut pending, &mut out),
                    "rdblquote" => push('”', &group, &mut pending, &mut out),
                    "bullet" => push('•', &group, &mut pending, &mut out),
                    "~" => push('\u{a0}', &group, &mut pending, &mut out),
                    "_" => push('-', &group, &mut pending, &mut out),
                    "\\" | "{" | "}" => push(
                        word.chars().next().unwrap_or(' '),
                        &group,
                        &mut pending,
                        &mut out,
                    ),
                    w if opened && SKIPPED.contains(&w) => group.skip = true,
                    _ => {}
                }
            }
            b'\r' | b'\n' => i += 1,
            _ => {
                // Plain text: ASCII, or bytes of the code page.
                push(encoding.char(b), &group, &mut pending, &mut out);
                group_start = false;
                i += 1;
            }
        }
    }
    let [body, notes] = out;
    Ok(with_notes(body.finish(), notes.finish()))
}

/// Adds `c` to the text, unless it is a `\uN`'s fallback or in a skipped
/// group.
fn push(c: char, group: &Group, pending: &mut usize, out: &mut [Paragraphs; 2]) {
    if *pending > 0 {
        *pending -= 1;
    } else if !group.skip {
        group.of(out).push(c);
    }
}

/// The control word or symbol starting at `at` (after its backslash), its
/// numeric parameter, and where the text after it starts (a space ending a
/// control word belongs to it).
fn control(bytes: &[u8], at: usize) -> (String, Option<i32>, usize) {
    let mut i = at;
    while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
        i += 1;
    }
    if i == at {
        // A control symbol: one character.
        let symbol = bytes
            .get(at)
            .map_or(String::new(), |&b| char::from(b).to_string());
        return (symbol, None, (at + 1).min(bytes.len()));
    }
    let word = String::from_utf8_lossy(&bytes[at..i]).into_owned();
    let num_start = i;
    if i < bytes.len() && bytes[i] == b'-' {
        i += 1;
    }
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    let param = std::str::from_utf8(&bytes[num_start..i])
        .ok()
        .and_then(|s| s.parse().ok());
    if i < bytes.len() && bytes[i] == b' ' {
        i += 1;
    }
    (word, param, i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_pages_unicode_and_skipped_groups() {
        let rtf = br"{\rtf1\ansi\ansicpg1251\deff0{\fonttbl{\f0 Times New Roman;}}{\info{\title Title}}
{\*\generator Test;}\pard \'cc\'e8\'ed\'e8\'f1\'f2\'f0 \u1179?\u1241? 15\~\'ed\'e0\'f3\'f0\'fb\'e7\'e0\par
\pard{\field{\*\fldinst PAGE}{\fldrslt 3}} pages{\footnote Note.}\line next{\*\footnote {\super\chftn} Second\par note.}{\header {\footnote Not read.}}\tab end\par
{\pard Cell 1\cell Cell 2\cell\row}{\listtext\pard\plain \u61589\'3f\tab}\'ab\u1179?\'bb\par}";
        assert_eq!(
            body_text(rtf).unwrap(),
            "Министр қә 15\u{a0}наурыза\n\n3 pages\nnext\tend\n\nCell 1\n\nCell 2\n\n«қ»\n\nNote.\n\nSecond\n\nnote."
        );
    }

    #[test]
    fn files_that_are_not_rtf_say_why() {
        assert!(body_text(b"plain").unwrap_err().contains("{\\rtf"));
        assert!(body_text(b"{\\rtf1 x}}")
            .unwrap_err()
            .contains("closes no group"));
    }
}
