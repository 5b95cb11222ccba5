//! The single-byte encodings of files written before UTF-8: the Cyrillic
//! ones the corpus's own texts come in, and Windows-1252, in which Word
//! and RTF write Latin text.
//!
//! Kazakh archives hold texts in KZ-1048 (STRK 1048-2002, iconv's
//! `RK1048`): Windows-1251 with Kazakh letters in place of some Serbian and
//! Ukrainian ones. Russian texts are in Windows-1251 itself. Both agree on
//! ASCII, on the Russian alphabet (0xC0–0xFF, Ё, ё) and on most
//! punctuation; they differ in sixteen places of 0x80–0xBF. A Kazakh file
//! decoded as Windows-1251 shows `Ќ`, `ў`, `Ј` where `Қ`, `ұ`, `Ә` belong,
//! which is why the user names the encoding rather than shanyraq guessing.

/// A legacy encoding to read files that are not UTF-8 with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Legacy {
    /// Windows-1251.
    Cp1251,
    /// KZ-1048 (STRK 1048-2002).
    Kz1048,
    /// Windows-1252 (Word's compressed text and RTF's default; not offered
    /// for corpus files, which are Cyrillic).
    Cp1252,
}

impl std::str::FromStr for Legacy {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
            "cp1251" | "windows1251" => Ok(Legacy::Cp1251),
            "kz1048" | "rk1048" | "strk10482002" => Ok(Legacy::Kz1048),
            _ => Err(format!("unknown encoding `{s}`; use kz1048 or cp1251")),
        }
    }
}

/// Windows-1251's 0x80–0xBF (0x98 is unassigned).
const CP1251_HIGH: [char; 64] = [
    'Ђ', 'Ѓ', '‚', 'ѓ', '„', '…', '†', '‡', '€', '‰', 'Љ', '‹', 'Њ', 'Ќ', 'Ћ', 'Џ', //
    'ђ', '‘', '’', '“', '”', '•', '–', '—', '\u{fffd}', '™', 'љ', '›', 'њ', 'ќ', 'ћ', 'џ', //
    '\u{a0}', 'Ў', 'ў', 'Ј', '¤', 'Ґ', '¦', '§', 'Ё', '©', 'Є', '«', '¬', '\u{ad}', '®',
    'Ї', //
    '°', '±', 'І', 'і', 'ґ', 'µ', '¶', '·', 'ё', '№', 'є', '»', 'ј', 'Ѕ', 'ѕ', 'ї',
];

/// KZ-1048's 0x80–0xBF: Windows-1251 with the Kazakh letters Қ Һ қ һ Ұ ұ Ә
/// Ө Ғ Ү ө ғ ә Ң ң ү in sixteen places.
const KZ1048_HIGH: [char; 64] = [
    'Ђ', 'Ѓ', '‚', 'ѓ', '„', '…', '†', '‡', '€', '‰', 'Љ', '‹', 'Њ', 'Қ', 'Һ', 'Џ', //
    'ђ', '‘', '’', '“', '”', '•', '–', '—', '\u{fffd}', '™', 'љ', '›', 'њ', 'қ', 'һ', 'џ', //
    '\u{a0}', 'Ұ', 'ұ', 'Ә', '¤', 'Ө', '¦', '§', 'Ё', '©', 'Ғ', '«', '¬', '\u{ad}', '®',
    'Ү', //
    '°', '±', 'І', 'і', 'ө', 'µ', '¶', '·', 'ё', '№', 'ғ', '»', 'ә', 'Ң', 'ң', 'ү',
];

/// Windows-1252's 0x80–0x9F; the five unassigned bytes stay C1 controls.
/// (0xA0–0xFF are Latin-1, the same code points.)
const CP1252_C1: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
    '\u{8f}', //
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

impl Legacy {
    /// The encoding's name, as iconv knows it.
    pub fn name(self) -> &'static str {
        match self {
            Legacy::Cp1251 => "CP1251",
            Legacy::Kz1048 => "KZ-1048",
            Legacy::Cp1252 => "CP1252",
        }
    }

    /// The character byte `b` stands for; in the Cyrillic encodings the one
    /// unassigned byte (0x98) becomes U+FFFD.
    pub fn char(self, b: u8) -> char {
        let high = match self {
            Legacy::Cp1252 => {
                return match b {
                    0x80..=0x9f => CP1252_C1[usize::from(b - 0x80)],
                    _ => char::from(b),
                }
            }
            Legacy::Cp1251 => &CP1251_HIGH,
            Legacy::Kz1048 => &KZ1048_HIGH,
        };
        match b {
            0..=0x7f => char::from(b),
            0x80..=0xbf => high[usize::from(b - 0x80)],
            // А..я in order.
            _ => char::from_u32(0x410 + u32::from(b - 0xc0)).expect("Cyrillic"),
        }
    }

    /// The warning that names a file read in this encoding.
    pub fn read_note(self, path: &std::path::Path) -> String {
        format!("{}: not UTF-8; read as {}", path.display(), self.name())
    }

    /// `bytes` decoded.
    pub fn decode(self, bytes: &[u8]) -> String {
        bytes.iter().map(|&b| self.char(b)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::process::{Command, Stdio};

    /// What glibc's iconv makes of `bytes`, if iconv is here.
    fn iconv(from: &str, bytes: &[u8]) -> Option<String> {
        let mut child = Command::new("iconv")
            .args(["-f", from, "-t", "UTF-8"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        child.stdin.take()?.write_all(bytes).ok()?;
        let out = child.wait_with_output().ok()?;
        out.status
            .success()
            .then(|| String::from_utf8(out.stdout).ok())?
    }

    #[test]
    fn every_byte_decodes_as_iconv_decodes_it() {
        // iconv (libc-bin) is on every Debian machine; it refuses the bytes
        // an encoding leaves unassigned.
        let cases: [(Legacy, &str, &[u8]); 3] = [
            (Legacy::Cp1251, "CP1251", &[0x98]),
            (Legacy::Kz1048, "RK1048", &[0x98]),
            (Legacy::Cp1252, "CP1252", &[0x81, 0x8d, 0x8f, 0x90, 0x9d]),
        ];
        for (legacy, name, unassigned) in cases {
            let bytes: Vec<u8> = (0u8..=255).filter(|b| !unassigned.contains(b)).collect();
            let Some(want) = iconv(name, &bytes) else {
                assert!(std::env::var_os("CI").is_none(), "iconv is missing");
                eprintln!("skipped: no iconv");
                return;
            };
            assert_eq!(legacy.decode(&bytes), want, "{name}");
        }
        assert_eq!(Legacy::Kz1048.decode(&[0x98]), "\u{fffd}");
    }

    #[test]
    fn kazakh_letters_need_kz1048() {
        // «Қазақстан» as KZ-1048 writes it.
        let bytes = [0x8d, 0xe0, 0xe7, 0xe0, 0x9d, 0xf1, 0xf2, 0xe0, 0xed];
        assert_eq!(Legacy::Kz1048.decode(&bytes), "Қазақстан");
        assert_eq!(Legacy::Cp1251.decode(&bytes), "Ќазаќстан");
        assert_eq!(Legacy::Cp1252.decode(&[0x93, b'x', 0x94, 0xe9]), "“x”é");
        assert_eq!("rk1048".parse(), Ok(Legacy::Kz1048));
        assert_eq!("Windows-1251".parse(), Ok(Legacy::Cp1251));
        assert!("koi8-r".parse::<Legacy>().unwrap_err().contains("kz1048"));
    }
}
