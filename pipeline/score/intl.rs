//! The `intl` tokenizer (`tokenizer_intl.TokenizerV14International`):
//! three `regex.sub` passes over Unicode general categories, N (numbers),
//! P (punctuation) and S (symbols), as the Python `regex` module sees them.

use unicode_general_category::{get_general_category, GeneralCategory as G};

/// Code points the Python `regex` module (Unicode 17) files under N, P or S
/// but `unicode-general-category` 1.1 (Unicode 16) still has unassigned.
const UNICODE17_EXTRA: &[(u32, u32, u8)] = &[
    (0x20c1, 0x20c4, b'S'),
    (0x2b96, 0x2b96, b'S'),
    (0x2e60, 0x2e63, b'P'),
    (0xfbc3, 0xfbd2, b'S'),
    (0xfd90, 0xfd91, b'S'),
    (0xfdc8, 0xfdce, b'S'),
    (0x10ec9, 0x10eca, b'S'),
    (0x10ed0, 0x10ed0, b'P'),
    (0x10ed1, 0x10ed8, b'S'),
    (0x11de0, 0x11de9, b'N'),
    (0x1246f, 0x1246f, b'N'),
    (0x12475, 0x1247f, b'N'),
    (0x12550, 0x12686, b'N'),
    (0x16ff4, 0x16ff6, b'N'),
    (0x1ccfa, 0x1ccfc, b'S'),
    (0x1ceba, 0x1ced0, b'S'),
    (0x1ced2, 0x1ced4, b'S'),
    (0x1cedd, 0x1cefd, b'S'),
    (0x1d1eb, 0x1d1ff, b'S'),
    (0x1d253, 0x1d25a, b'S'),
    (0x1d25d, 0x1d25e, b'S'),
    (0x1d260, 0x1d27f, b'S'),
    (0x1db00, 0x1db1c, b'S'),
    (0x1f1ae, 0x1f1ae, b'S'),
    (0x1f6d8, 0x1f6d9, b'S'),
    (0x1f777, 0x1f77a, b'S'),
    (0x1f7da, 0x1f7db, b'S'),
    (0x1f7f1, 0x1f7ff, b'S'),
    (0x1f8d0, 0x1f8d8, b'S'),
    (0x1fa54, 0x1fa57, b'S'),
    (0x1fa8a, 0x1fa8e, b'S'),
    (0x1fac8, 0x1fac8, b'S'),
    (0x1facc, 0x1facd, b'S'),
    (0x1fadd, 0x1fadd, b'S'),
    (0x1faea, 0x1faeb, b'S'),
    (0x1faef, 0x1faef, b'S'),
    (0x1faf9, 0x1fafa, b'S'),
    (0x1fbfa, 0x1fbfa, b'S'),
];

/// Major general category letter as the `regex` module sees it.
fn major_category(c: char) -> u8 {
    match get_general_category(c) {
        G::DecimalNumber | G::LetterNumber | G::OtherNumber => b'N',
        G::ConnectorPunctuation
        | G::DashPunctuation
        | G::OpenPunctuation
        | G::ClosePunctuation
        | G::InitialPunctuation
        | G::FinalPunctuation
        | G::OtherPunctuation => b'P',
        G::MathSymbol | G::CurrencySymbol | G::ModifierSymbol | G::OtherSymbol => b'S',
        G::Unassigned => {
            let cp = c as u32;
            UNICODE17_EXTRA
                .iter()
                .find(|r| r.0 <= cp && cp <= r.1)
                .map_or(0, |r| r.2)
        }
        _ => 0,
    }
}

/// `TokenizerV14International`: three `regex.sub` passes over code points,
/// result (before splitting) left in `ca`; `cb` is scratch.
pub(crate) fn intl_passes(line: &str, ca: &mut Vec<char>, cb: &mut Vec<char>) {
    ca.clear();
    ca.extend(line.chars());
    let cat = major_category;
    // (\P{N})(\p{P}) -> "\1 \2 "
    char_pair_pass(
        ca,
        cb,
        |x, y| cat(x) != b'N' && cat(y) == b'P',
        |o, x, y| o.extend_from_slice(&[x, ' ', y, ' ']),
    );
    // (\p{P})(\P{N}) -> " \1 \2"
    char_pair_pass(
        ca,
        cb,
        |x, y| cat(x) == b'P' && cat(y) != b'N',
        |o, x, y| o.extend_from_slice(&[' ', x, ' ', y]),
    );
    // (\p{S}) -> " \1 "
    cb.clear();
    for &c in ca.iter() {
        if cat(c) == b'S' {
            cb.extend_from_slice(&[' ', c, ' ']);
        } else {
            cb.push(c);
        }
    }
    std::mem::swap(ca, cb);
}

fn char_pair_pass(
    a: &mut Vec<char>,
    b: &mut Vec<char>,
    is_match: impl Fn(char, char) -> bool,
    emit: impl Fn(&mut Vec<char>, char, char),
) {
    b.clear();
    let mut i = 0;
    while i < a.len() {
        if i + 1 < a.len() && is_match(a[i], a[i + 1]) {
            emit(b, a[i], a[i + 1]);
            i += 2;
        } else {
            b.push(a[i]);
            i += 1;
        }
    }
    std::mem::swap(a, b);
}
