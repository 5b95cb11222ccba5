//! Reproducibility signatures, formatted like sacrebleu 2.5.1's
//! `metrics.base.Signature.format`: global fields first (`nrefs`, then the
//! bootstrap's `bs`/`seed` when present), the metric's own fields in the
//! order its `*Signature` class adds them, and `version` always last.

use std::fmt;

/// The number of references behind a score (`nrefs:` field).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NRefs {
    /// Every segment had this many references.
    Fixed(usize),
    /// Segments had different numbers of references (`nrefs:var`).
    Variable,
}

impl fmt::Display for NRefs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NRefs::Fixed(n) => write!(f, "{n}"),
            NRefs::Variable => f.write_str("var"),
        }
    }
}

/// A metric signature; `Display` gives the long form.
#[derive(Clone, Debug, PartialEq)]
pub struct Signature {
    pub nrefs: NRefs,
    /// Bootstrap resamples (`bs:`), set for paired bootstrap results.
    pub bootstrap_samples: Option<usize>,
    /// Seed (`seed:`), set for paired bootstrap results.
    pub seed: Option<u64>,
    /// Metric-specific `(name, short name, value)` triples, in order.
    pub fields: Vec<(&'static str, &'static str, String)>,
}

impl Signature {
    pub(crate) fn new(
        nrefs: NRefs,
        fields: Vec<(&'static str, &'static str, String)>,
    ) -> Signature {
        Signature {
            nrefs,
            bootstrap_samples: None,
            seed: None,
            fields,
        }
    }

    /// The long (`short == false`) or abbreviated form, e.g.
    /// `nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.5.1` or
    /// `#:1|c:mixed|e:no|tok:13a|s:exp|v:2.5.1`.
    pub fn format(&self, short: bool) -> String {
        let name = |long: &'static str, abbr: &'static str| if short { abbr } else { long };
        let mut parts = vec![format!("{}:{}", name("nrefs", "#"), self.nrefs)];
        if let Some(bs) = self.bootstrap_samples {
            parts.push(format!("{}:{bs}", name("bs", "bs")));
        }
        if let Some(seed) = self.seed {
            parts.push(format!("{}:{seed}", name("seed", "rs")));
        }
        for (long, abbr, value) in &self.fields {
            parts.push(format!("{}:{value}", name(long, abbr)));
        }
        parts.push(format!(
            "{}:{}",
            name("version", "v"),
            super::SACREBLEU_VERSION
        ));
        parts.join("|")
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format(false))
    }
}

/// Python's rendering of a bool in signatures.
pub(crate) fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_and_short_form() {
        let mut s = Signature::new(NRefs::Variable, vec![("case", "c", "lc".into())]);
        assert_eq!(s.to_string(), "nrefs:var|case:lc|version:2.5.1");
        s.bootstrap_samples = Some(1000);
        s.seed = Some(12345);
        assert_eq!(s.format(true), "#:var|bs:1000|rs:12345|c:lc|v:2.5.1");
    }
}
