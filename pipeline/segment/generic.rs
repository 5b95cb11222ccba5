//! Generic rules for the evaluation-only languages (German, French,
//! Icelandic): a short list of their most frequent abbreviations, enough for
//! the alignment test sets, not a full treatment.

use super::abbrev::Abbrev::{self, BeforeNumber, Prefix, Suffix};
use super::abbrev::LangData;

/// French and Icelandic.
pub(crate) static DATA: LangData = LangData {
    abbrevs: &[ABBREVS],
    starters: STARTERS,
    speech_verbs: &[],
    ordinal_dot: false,
};

/// German: the same lists, and ordinals are written `3.` (`am 3. März`,
/// `der 2. Weltkrieg`), so a number's dot before a capital is no sentence end.
pub(crate) static DATA_DE: LangData = LangData {
    abbrevs: &[ABBREVS],
    starters: STARTERS,
    speech_verbs: &[],
    ordinal_dot: true,
};

const ABBREVS: &[(&str, Abbrev)] = &[
    // Titles (de, fr).
    ("Dr", Prefix),
    ("Prof", Prefix),
    ("Hr", Prefix),
    ("Fr", Prefix),
    ("Mme", Prefix),
    ("Mlle", Prefix),
    ("Mgr", Prefix),
    ("St", Prefix),
    ("Ste", Prefix),
    // Connectives: "for example", "that is", "compare", "about".
    ("z.B", Prefix),
    ("d.h", Prefix),
    ("u.a", Prefix),
    ("bzw", Prefix),
    ("vgl", Prefix),
    ("ca", Prefix),
    ("evtl", Prefix),
    ("ggf", Prefix),
    ("p.ex", Prefix),
    ("cf", Prefix),
    ("env", Prefix),
    ("av", Prefix),
    ("apr", Prefix),
    ("t.d", Prefix),   // is: til dæmis
    ("þ.e", Prefix),   // is: það er
    ("m.a", Prefix),   // is: meðal annars
    ("u.þ.b", Prefix), // is: um það bil
    // "and so on": may end the sentence.
    ("usw", Suffix),
    ("etc", Suffix),
    ("o.ä", Suffix),
    ("o.s.frv", Suffix),
    ("o.fl", Suffix),
    ("f.Kr", Suffix),
    ("e.Kr", Suffix),
    ("v.Chr", Suffix),
    ("n.Chr", Suffix),
    // Numbered references.
    ("Nr", BeforeNumber),
    ("nr", BeforeNumber),
    ("S", BeforeNumber),
    ("Abs", BeforeNumber),
    ("Art", BeforeNumber),
    ("Bd", BeforeNumber),
    ("bls", BeforeNumber),
    ("No", BeforeNumber),
    ("p", BeforeNumber),
];

const STARTERS: &[&str] = &[
    "The", "Der", "Die", "Das", "Ein", "Eine", "Er", "Sie", "Es", "Wir", "Ich", "Aber", "Und",
    "Im", "Am", "In", "Le", "La", "Les", "Un", "Une", "Il", "Elle", "Ils", "Elles", "Nous", "Je",
    "Mais", "Et", "En", "Dans", "Ce", "Cette", "Hann", "Hún", "Það", "Þeir", "Við", "Ég", "Og",
    "Í", "Á",
];
