//! Paired bootstrap resampling as `sacrebleu --paired-bs` runs it
//! (`significance.PairedTest` with `_paired_bs_test` and
//! `_bootstrap_resample`).
//!
//! Per resample sacrebleu sums float32 copies of the segment statistics
//! (`stats_np[idxs].sum(0)`, a sequential float32 accumulation) and rescores
//! them with numpy scalars; `num.rs` reproduces that arithmetic, `rng.rs`
//! the indices. The baseline's confidence interval and every system's test
//! use the same seeded index matrix, which is therefore drawn once here.

use super::num::{Np, NpArray};
use super::rng::Pcg64;
use super::{Metric, RefText, ScoreError, Signature};

/// Options of the paired bootstrap test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BootstrapOptions {
    /// Number of resamples (`--paired-bs-n`, default 1000).
    pub n_samples: usize,
    /// numpy seed (`SACREBLEU_SEED`, default 12345). 0 is rejected: sacrebleu
    /// then leaves the paired test unseeded.
    pub seed: u64,
}

impl Default for BootstrapOptions {
    fn default() -> Self {
        BootstrapOptions {
            n_samples: 1000,
            seed: 12345,
        }
    }
}

/// One table cell of sacrebleu's paired test output.
#[derive(Clone, Debug, PartialEq)]
pub struct BootstrapResult {
    /// The actual corpus score.
    pub score: f64,
    /// Bootstrap estimate of the true mean (`μ`).
    pub mean: f64,
    /// Half-width of the 95% confidence interval (`± ci`).
    pub ci: f64,
    /// p-value against the baseline (`None` for the baseline itself).
    pub p_value: Option<f64>,
}

impl BootstrapResult {
    /// The cell as `_format_score_lines` writes it on one line, e.g.
    /// `23.45 (23.40 ± 1.20) (p = 0.0010)*`; the `*` marks p <= 0.05.
    pub fn format(&self, width: usize) -> String {
        let mut s = format!(
            "{:.w$} ({:.w$} ± {:.w$})",
            self.score,
            self.mean,
            self.ci,
            w = width
        );
        if let Some(p) = self.p_value {
            s.push_str(&format!(" (p = {p:.4})"));
            if p <= 0.05 {
                s.push('*');
            }
        }
        s
    }
}

/// Results for one metric.
#[derive(Clone, Debug, PartialEq)]
pub struct PairedMetricResult {
    /// Metric name (`BLEU`, `chrF2`, ...).
    pub name: String,
    /// Signature including `bs:` and `seed:`.
    pub signature: Signature,
    pub baseline: BootstrapResult,
    /// One entry per compared system, in input order.
    pub systems: Vec<BootstrapResult>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PairedBootstrap {
    pub options: BootstrapOptions,
    /// One entry per metric, in input order.
    pub metrics: Vec<PairedMetricResult>,
}

/// Compares every system with the baseline on each metric.
pub fn paired_bootstrap<H, Y, R, S>(
    metrics: &[Metric],
    baseline: &[H],
    systems: &[Y],
    refs: &[R],
    options: BootstrapOptions,
) -> Result<PairedBootstrap, ScoreError>
where
    H: AsRef<str>,
    Y: AsRef<[H]>,
    R: AsRef<[S]>,
    S: RefText,
{
    if options.n_samples == 0 || options.seed == 0 {
        return Err(ScoreError::InvalidOption(
            "bootstrap needs n_samples >= 1 and a non-zero seed".into(),
        ));
    }
    let n = baseline.len();
    if n as u64 > 1 << 32 {
        return Err(ScoreError::InvalidOption(
            "too many segments for 32-bit resampling".into(),
        ));
    }
    for (system, y) in systems.iter().enumerate() {
        if y.as_ref().len() != n {
            return Err(ScoreError::SystemLengthMismatch {
                system,
                expected: n,
                got: y.as_ref().len(),
            });
        }
    }

    // Exact statistics and scores, then float32 copies for resampling.
    struct Series {
        score: f64,
        rows: Vec<f32>,
        samples: Vec<Np>,
    }
    let mut per_metric = Vec::new();
    for m in metrics {
        let mut series = Vec::new();
        let mut nrefs = None;
        for hyps in std::iter::once(baseline).chain(systems.iter().map(|y| y.as_ref())) {
            let st = m.corpus_stats(hyps, refs)?;
            nrefs = Some(st.nrefs);
            let score = m.make_score(&st.sum(), st.nrefs).value;
            let rows = st.rows.iter().map(|&x| x as f32).collect();
            series.push(Series {
                score,
                rows,
                samples: Vec::with_capacity(options.n_samples),
            });
        }
        let mut sig = m.signature(nrefs.unwrap_or(super::NRefs::Fixed(0)));
        sig.bootstrap_samples = Some(options.n_samples);
        sig.seed = Some(options.seed);
        per_metric.push((m, m.width(), sig, series));
    }

    let mut rng = Pcg64::new(options.seed);
    let mut idx = vec![0u32; n];
    let mut acc = Vec::new();
    let mut acc_np = Vec::new();
    for _ in 0..options.n_samples {
        for i in idx.iter_mut() {
            *i = rng.below(n as u64);
        }
        for (m, width, _, series) in per_metric.iter_mut() {
            for s in series.iter_mut() {
                acc.clear();
                acc.resize(*width, 0.0f32);
                for &i in &idx {
                    let row = &s.rows[i as usize * *width..(i as usize + 1) * *width];
                    for (a, x) in acc.iter_mut().zip(row) {
                        *a += x;
                    }
                }
                acc_np.clear();
                acc_np.extend(acc.iter().map(|&x| Np::F32(x)));
                s.samples.push(m.score_value(&acc_np));
            }
        }
    }

    let mut out = Vec::new();
    for (m, _, signature, series) in per_metric {
        let bl = &series[0];
        let bl_arr = NpArray::from_scores(&bl.samples);
        let (bl_mean, bl_ci) = bl_arr.estimate_ci();
        let baseline = BootstrapResult {
            score: bl.score,
            mean: bl_mean.f64(),
            ci: bl_ci.f64(),
            p_value: None,
        };
        let systems = series[1..]
            .iter()
            .map(|s| {
                let arr = NpArray::from_scores(&s.samples);
                let (mean, ci) = arr.estimate_ci();
                let diffs = arr.abs_diff(&bl_arr);
                let real = (bl.score - s.score).abs();
                let c = diffs.count_centered_above(real);
                let p = (c + 1) as f64 / (options.n_samples + 1) as f64;
                BootstrapResult {
                    score: s.score,
                    mean: mean.f64(),
                    ci: ci.f64(),
                    p_value: Some(p),
                }
            })
            .collect();
        out.push(PairedMetricResult {
            name: m.name(),
            signature,
            baseline,
            systems,
        });
    }
    Ok(PairedBootstrap {
        options,
        metrics: out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::{BleuOptions, ChrfOptions};

    #[test]
    fn identical_system_is_not_significant() {
        let hyps = ["a b c", "d e f", "g h"];
        let refs = [vec!["a b c", "d x f", "g h i"]];
        let metrics = [
            Metric::Bleu(BleuOptions::default()),
            Metric::Chrf(ChrfOptions::default()),
        ];
        let opts = BootstrapOptions {
            n_samples: 50,
            seed: 12345,
        };
        let r = paired_bootstrap(&metrics, &hyps, &[hyps], &refs, opts).unwrap();
        for m in &r.metrics {
            assert_eq!(m.systems[0].p_value, Some(1.0 / 51.0));
            assert_eq!(m.systems[0].mean, m.baseline.mean);
            assert!(m
                .signature
                .to_string()
                .starts_with("nrefs:1|bs:50|seed:12345|"));
        }
        let short = [&hyps[..2]];
        assert!(paired_bootstrap(&metrics, &hyps, &short, &refs, opts).is_err());
    }
}
