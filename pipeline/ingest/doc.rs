//! Word 97–2003 documents (`.doc`): the text of the main document and its
//! notes.
//!
//! Archives of ministries and courts are full of them. A `.doc` file is a
//! compound file (a small file system, MS-CFB) whose `WordDocument` stream
//! starts with the File Information Block. The text is stored in pieces,
//! listed in the piece table (the `Clx`, in the `0Table` or `1Table`
//! stream): each piece gives a range of character positions and where its
//! characters lie, either as UTF-16 or, "compressed", as one Windows-1252
//! byte each. The main document is the first `ccpText` characters; the
//! footnotes that follow it, and the endnotes after the headers and
//! comments, are read after the body, as for Word's newer format; headers
//! and comments are not. In the text, `\r` ends a paragraph and `\x07` a table
//! cell; a field is `\x13` instructions `\x14` result `\x15`, and only its
//! result is shown on the page.

use std::io::{Cursor, Read};

use super::legacy::Legacy;
use super::office::{with_notes, Paragraphs};

/// The main document of the Word 97–2003 file `bytes`, then its notes: paragraphs
/// separated by blank lines; `Err` says why the file is not one.
pub fn body_text(bytes: &[u8]) -> Result<String, String> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|e| format!("not a Word 97–2003 file ({e})"))?;
    let mut stream = |name: &str| -> Result<Vec<u8>, String> {
        let mut data = Vec::new();
        file.open_stream(name)
            .and_then(|mut s| s.read_to_end(&mut data))
            .map_err(|_| format!("the file has no {name} stream"))?;
        Ok(data)
    };
    let word = stream("WordDocument")?;
    let fib = Fib::read(&word)?;
    let table = stream(if fib.table_one { "1Table" } else { "0Table" })?;
    let clx = table
        .get(fib.clx.clone())
        .ok_or("the piece table lies outside its stream")?;
    let pieces = pieces(clx)?;
    let text = |cps| characters(&word, &pieces, cps).map(|raw| paragraphs(&raw));
    let [main, footnotes, headers, macros, comments, endnotes, boxes] = fib.ccp;
    let endnotes_at = main + footnotes + headers + macros + comments;
    let notes = with_notes(
        text(main..main + footnotes)?,
        text(endnotes_at..endnotes_at + endnotes)?,
    );
    // Text boxes have a story of their own; where each is anchored takes
    // the drawing layer to find, so they follow the body, before the notes
    // (nothing the page shows is lost).
    let boxes_at = endnotes_at + endnotes;
    let body = with_notes(text(0..main)?, text(boxes_at..boxes_at + boxes)?);
    Ok(with_notes(body, notes))
}

/// The characters at positions `cps` of the text.
fn characters(
    word: &[u8],
    pieces: &[Piece],
    cps: std::ops::Range<usize>,
) -> Result<String, String> {
    let mut text = String::new();
    for piece in pieces {
        let wanted = piece.cps.start.max(cps.start)..piece.cps.end.min(cps.end);
        if wanted.is_empty() {
            continue;
        }
        let n = wanted.len();
        if piece.compressed {
            let start = piece.fc / 2 + (wanted.start - piece.cps.start);
            let bytes = word
                .get(start..start + n)
                .ok_or("a piece lies outside the text")?;
            text.extend(bytes.iter().map(|&b| Legacy::Cp1252.char(b)));
        } else {
            let start = piece.fc + 2 * (wanted.start - piece.cps.start);
            let bytes = word
                .get(start..start + 2 * n)
                .ok_or("a piece lies outside the text")?;
            let units = bytes
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]));
            text.extend(char::decode_utf16(units).map(|c| c.unwrap_or('\u{fffd}')));
        }
    }
    Ok(text)
}

/// What the text needs from the File Information Block.
struct Fib {
    /// Whether the piece table is in `1Table` (else `0Table`).
    table_one: bool,
    /// Characters of the main document, then of the footnotes, headers,
    /// macros (unused), comments, endnotes and text boxes that follow it in
    /// the text.
    ccp: [usize; 7],
    /// The piece table's bytes in the table stream.
    clx: std::ops::Range<usize>,
}

impl Fib {
    fn read(word: &[u8]) -> Result<Fib, String> {
        let u16_at = |o: usize| word.get(o..o + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
        let u32_at = |o: usize| {
            word.get(o..o + 4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
        };
        if u16_at(0) != Some(0xA5EC) {
            return Err("the WordDocument stream does not start a Word document".into());
        }
        // nFib below 0x00C1 is Word 6 or 95, which has no piece table of
        // this form.
        if u16_at(2).is_some_and(|n| n < 0x00C1) {
            return Err("a Word 6/95 file; save it again as .docx".into());
        }
        let short = || "the File Information Block is cut short".to_string();
        let flags = u16_at(0x0A).ok_or_else(short)?;
        let mut ccp = [0; 7];
        for (i, n) in ccp.iter_mut().enumerate() {
            *n = u32_at(0x4C + 4 * i).ok_or_else(short)?;
        }
        let fc_clx = u32_at(0x1A2).ok_or_else(short)?;
        let lcb_clx = u32_at(0x1A6).ok_or_else(short)?;
        Ok(Fib {
            table_one: flags & 0x0200 != 0,
            ccp,
            clx: fc_clx..fc_clx + lcb_clx,
        })
    }
}

/// One piece of the text.
struct Piece {
    /// Its character positions.
    cps: std::ops::Range<usize>,
    /// Where its first character lies in `WordDocument` (for a compressed
    /// piece, twice the byte offset).
    fc: usize,
    compressed: bool,
}

/// The pieces of the `Clx`: formatting runs (`0x01`, skipped) then the
/// piece table (`0x02`): n + 1 character positions and n 8-byte pieces.
fn pieces(clx: &[u8]) -> Result<Vec<Piece>, String> {
    let bad = || "the piece table is damaged".to_string();
    let mut at = 0;
    while clx.get(at) == Some(&0x01) {
        let len = clx.get(at + 1..at + 3).ok_or_else(bad)?;
        at += 3 + usize::from(u16::from_le_bytes([len[0], len[1]]));
    }
    if clx.get(at) != Some(&0x02) {
        return Err(bad());
    }
    let lcb = clx.get(at + 1..at + 5).ok_or_else(bad)?;
    let lcb = u32::from_le_bytes([lcb[0], lcb[1], lcb[2], lcb[3]]) as usize;
    let plc = clx.get(at + 5..at + 5 + lcb).ok_or_else(bad)?;
    if plc.len() < 4 || (plc.len() - 4) % 12 != 0 {
        return Err(bad());
    }
    let n = (plc.len() - 4) / 12;
    let word = |o: usize| u32::from_le_bytes([plc[o], plc[o + 1], plc[o + 2], plc[o + 3]]);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let (start, end) = (word(4 * i) as usize, word(4 * (i + 1)) as usize);
        let fc = word(4 * (n + 1) + 8 * i + 2);
        if end < start {
            return Err(bad());
        }
        out.push(Piece {
            cps: start..end,
            fc: (fc & 0x3FFF_FFFF) as usize,
            compressed: fc & 0x4000_0000 != 0,
        });
    }
    Ok(out)
}

/// The main document's characters as paragraphs: fields show their
/// result, paragraph and cell ends separate paragraphs, and Word's other
/// control characters become what they stand for or nothing.
fn paragraphs(raw: &str) -> String {
    let mut text = Paragraphs::default();
    // Per open field: whether its result has begun.
    let mut fields: Vec<bool> = Vec::new();
    for c in raw.chars() {
        match c {
            '\u{13}' => fields.push(false),
            '\u{14}' => {
                if let Some(result) = fields.last_mut() {
                    *result = true;
                }
            }
            '\u{15}' => {
                fields.pop();
            }
            _ if fields.last() == Some(&false) => {}
            '\r' | '\u{7}' | '\u{c}' => text.end(),
            '\u{b}' => text.push('\n'),
            '\t' => text.push('\t'),
            '\u{1e}' => text.push('-'),
            // Soft hyphens, pictures, objects, note references.
            '\u{1f}' | '\u{1}' | '\u{8}' | '\u{2}' | '\u{5}' => {}
            c if c < ' ' => {}
            c => text.push(c),
        }
    }
    text.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_show_their_result_and_controls_part_paragraphs() {
        let raw = "Title\r\u{13} PAGE \u{14}3\u{15} pages\u{b}next line\rCell 1\u{7}Cell 2\u{7}\u{7}\u{1}soft\u{1f}hyphen\r";
        assert_eq!(
            paragraphs(raw),
            "Title\n\n3 pages\nnext line\n\nCell 1\n\nCell 2\n\nsofthyphen"
        );
    }

    #[test]
    fn pieces_of_both_kinds_are_read() {
        // Two pieces: 3 compressed characters at byte 4 (fc 8 with the
        // compressed bit), 2 UTF-16 characters at byte 10.
        let mut plc = Vec::new();
        for cp in [0u32, 3, 5] {
            plc.extend(cp.to_le_bytes());
        }
        for fc in [0x4000_0008u32, 10] {
            plc.extend([0, 0]);
            plc.extend(fc.to_le_bytes());
            plc.extend([0, 0]);
        }
        let mut clx = vec![0x01, 2, 0, 0xAA, 0xBB, 0x02];
        clx.extend((plc.len() as u32).to_le_bytes());
        clx.extend(plc);
        let ps = pieces(&clx).unwrap();
        assert_eq!(ps.len(), 2);
        assert!(ps[0].compressed && ps[0].fc == 8 && ps[0].cps == (0..3));
        assert!(!ps[1].compressed && ps[1].fc == 10 && ps[1].cps == (3..5));
        assert!(pieces(&[0x02, 1, 0, 0, 0, 0]).is_err());
    }

    /// A compound file with a `WordDocument` and a `0Table` stream whose
    /// text is `pieces`, each written compressed (Windows-1252) or not.
    fn word97(pieces: &[(&str, bool)]) -> Vec<u8> {
        word97_notes(pieces, [0; 6])
    }

    /// [`word97`] whose text ends in subdocuments of these lengths:
    /// footnotes, headers, macros, comments, endnotes.
    fn word97_notes(pieces: &[(&str, bool)], subdocs: [u32; 6]) -> Vec<u8> {
        use std::io::Write;
        let mut word = vec![0u8; 0x400];
        word[0..2].copy_from_slice(&0xA5ECu16.to_le_bytes());
        word[2..4].copy_from_slice(&0x00C1u16.to_le_bytes());
        let (mut cps, mut fcs, mut cp) = (vec![0u32], Vec::new(), 0u32);
        for &(text, compressed) in pieces {
            let at = word.len();
            if compressed {
                // Windows-1252 for the test's characters: ASCII and curly quotes.
                word.extend(text.chars().map(|c| match c {
                    '“' => 0x93,
                    '”' => 0x94,
                    c => c as u8,
                }));
                fcs.push((2 * at) as u32 | 0x4000_0000);
            } else {
                word.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
                fcs.push(at as u32);
            }
            cp += text.chars().count() as u32;
            cps.push(cp);
        }
        let mut plc: Vec<u8> = cps.iter().flat_map(|c| c.to_le_bytes()).collect();
        for fc in fcs {
            plc.extend([0, 0]);
            plc.extend(fc.to_le_bytes());
            plc.extend([0, 0]);
        }
        let mut clx = vec![0x02];
        clx.extend((plc.len() as u32).to_le_bytes());
        clx.extend(plc);
        let main = cp - subdocs.iter().sum::<u32>();
        for (i, n) in std::iter::once(main).chain(subdocs).enumerate() {
            word[0x4C + 4 * i..0x50 + 4 * i].copy_from_slice(&n.to_le_bytes());
        }
        word[0x1A2..0x1A6].copy_from_slice(&0u32.to_le_bytes());
        word[0x1A6..0x1AA].copy_from_slice(&(clx.len() as u32).to_le_bytes());
        let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        file.create_stream("WordDocument")
            .unwrap()
            .write_all(&word)
            .unwrap();
        file.create_stream("0Table")
            .unwrap()
            .write_all(&clx)
            .unwrap();
        file.flush().unwrap();
        file.into_inner().into_inner()
    }

    #[test]
    fn compressed_and_unicode_pieces_make_one_text() {
        // As Word writes a document whose first paragraph fits Windows-1252.
        let file = word97(&[("Quote “x”.\rSplit ", true), ("сөз.\rҚазақ тілі.\r", false)]);
        assert_eq!(
            body_text(&file).unwrap(),
            "Quote “x”.\n\nSplit сөз.\n\nҚазақ тілі."
        );
    }

    #[test]
    fn footnotes_and_endnotes_follow_the_body_and_its_text_boxes() {
        // Body, a footnote (its number is \x02), a header and a comment
        // (not read), an endnote, a text box (its story ends with an extra
        // paragraph mark).
        let parts = [
            "Body text.\r",
            "\u{2} Foot.\r",
            "Header\r",
            "Comment\r",
            "\u{2}End.\r",
            "Box text.\r\r",
        ];
        let lens = parts.map(|p| p.chars().count() as u32);
        let file = word97_notes(
            &[(&parts.concat(), false)],
            [lens[1], lens[2], 0, lens[3], lens[4], lens[5]],
        );
        assert_eq!(
            body_text(&file).unwrap(),
            "Body text.\n\nBox text.\n\nFoot.\n\nEnd."
        );
    }

    #[test]
    fn files_that_are_not_word_97_say_why() {
        let err = body_text(b"plain text").unwrap_err();
        assert!(err.starts_with("not a Word 97–2003 file"), "{err}");
    }
}
