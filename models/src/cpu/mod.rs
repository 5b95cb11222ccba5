//! CPU fast paths for shapes candle handles poorly at decoding time:
//! float32 slices borrowed from CPU storage, a vectorisable `exp` and `erf`,
//! skinny products (one row per beam), and attention ([`attention`]).
//!
//! Each function returns `None` off the CPU (or for other dtypes), and the
//! caller falls back to candle's generic ops.

use candle_core::{DType, Device, Layout, Result, Storage, Tensor};
use rayon::prelude::*;

mod attention;
pub(crate) mod int8;

pub(crate) use attention::attention;

/// Whether `t` is a float32 tensor on the CPU, the one case these paths
/// handle, and they are on.
pub(crate) fn is_cpu_f32(t: &Tensor) -> bool {
    t.device().is_cpu() && t.dtype() == DType::F32 && fast_paths_on()
}

/// Whether the CPU's own kernels are on. `SHANYRAQ_CPU_FAST_PATHS=0` turns
/// them off: the CPU then runs candle's generic ops, the code every GPU
/// runs. The tests use it to check that code against transformers on
/// machines without a GPU; a user can use it to tell a fast-path bug from
/// a model's.
pub fn fast_paths_on() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var("SHANYRAQ_CPU_FAST_PATHS").map_or(true, |v| v != "0"))
}

/// Whether this CPU runs AVX2 with FMA, for the kernels compiled for it
/// (the crate itself targets baseline x86-64, where they would be 4-wide).
#[cfg(target_arch = "x86_64")]
pub(crate) fn has_avx2_fma() -> bool {
    std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
}

/// Runs `f` on a worker of the current rayon pool while the caller waits.
/// A decoding step forks a few dozen parallel products and element-wise
/// maps; forked from a worker they are plain joins, while from outside the
/// pool each one is queued and the caller put to sleep and woken again.
/// About 5% faster at batch 16, beam 4 (median of ten interleaved pairs of
/// runs, −6% to +18% on this noisy machine). On a worker already, `f` just
/// runs.
pub(crate) fn on_pool<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    rayon::scope(|_| f())
}

/// Calls `f` with the float32 elements of `t` in row-major order, borrowed
/// from CPU storage; `None` for other devices or dtypes.
pub(crate) fn with_cpu_slice<R>(t: &Tensor, f: impl FnOnce(&[f32]) -> R) -> Result<Option<R>> {
    if !is_cpu_f32(t) {
        return Ok(None);
    }
    let t = t.contiguous()?;
    let (storage, layout) = t.storage_and_layout();
    Ok(cpu_f32(&storage, layout).map(f))
}

fn cpu_f32<'a>(storage: &'a Storage, layout: &Layout) -> Option<&'a [f32]> {
    let Storage::Cpu(cpu) = storage else {
        return None;
    };
    let all = cpu.as_slice::<f32>().ok()?;
    let start = layout.start_offset();
    all.get(start..start + layout.shape().elem_count())
}

/// `exp(x)` for `x ≤ 0`, branch-free and without float→int conversion so
/// the loops below vectorise: `2^n·e^r` with `|r| ≤ ln2/2` and a degree-6
/// Taylor polynomial (relative error about 2e-7, below the float32 rounding
/// of the sums it feeds).
#[inline(always)]
pub(crate) fn exp_nonpositive(x: f32) -> f32 {
    const LOG2_E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    // Adding 1.5·2^23 rounds to an integer n held in the low mantissa bits.
    const ROUND: f32 = 12_582_912.0;
    let x = x.max(-87.0);
    let t = x * LOG2_E + ROUND;
    let n = t - ROUND;
    let r = x - n * LN2_HI - n * LN2_LO;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
    // Shifting those bits into the exponent field gives 2^n (n ≥ -126 here).
    let scale = (t.to_bits() << 23).wrapping_add(127 << 23);
    p * f32::from_bits(scale)
}

/// `erf(x)` by Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7),
/// branch-free so that it vectorises; libm's scalar `erff` made GELU a
/// quarter of the sentence encoder's time.
#[inline(always)]
fn erf(x: f32) -> f32 {
    let a = x.abs();
    let t = 1.0 / (1.0 + 0.327_591_1 * a);
    let poly = t
        * (0.254_829_6
            + t * (-0.284_496_74 + t * (1.421_413_7 + t * (-1.453_152 + t * 1.061_405_4))));
    (1.0 - poly * exp_nonpositive(-a * a)).copysign(x)
}

/// `x·Φ(x)` with the exact (erf) normal CDF, `torch.nn.functional.gelu`'s
/// default, on float32 CPU tensors; `None` elsewhere.
pub(crate) fn gelu_erf(xs: &Tensor) -> Result<Option<Tensor>> {
    map_elements(xs, |x| {
        0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2))
    })
}

/// `x·σ(x)` (swish, OPUS-MT's activation) with the vectorisable `exp`:
/// candle's calls libm's `expf` per element.
pub(crate) fn silu(xs: &Tensor) -> Result<Option<Tensor>> {
    map_elements(xs, |x| {
        // σ(x) from e^{−|x|} ≤ 1, which cannot overflow.
        let e = exp_nonpositive(-x.abs());
        let sigmoid = if x >= 0.0 {
            1.0 / (1.0 + e)
        } else {
            e / (1.0 + e)
        };
        x * sigmoid
    })
}

/// `f` applied to every element of a float32 CPU tensor, in parallel
/// chunks; `None` off the CPU.
fn map_elements(xs: &Tensor, f: impl Fn(f32) -> f32 + Sync) -> Result<Option<Tensor>> {
    let out = with_cpu_slice(xs, |x| {
        let mut y = vec![0f32; x.len()];
        y.par_chunks_mut(4096)
            .zip(x.par_chunks(4096))
            .for_each(|(y, x)| {
                for (y, &x) in y.iter_mut().zip(x) {
                    *y = f(x);
                }
            });
        y
    })?;
    out.map(|y| Tensor::from_vec(y, xs.shape(), &Device::Cpu))
        .transpose()
}

/// `x·Wᵀ + b` for `x (rows, in)`, `W (out, in)`, computed as `W·xᵀ` (see
/// `layers::SKINNY_ROWS`) then transposed with the bias added in the same
/// pass; candle's own transposing copy is element by element and took
/// longer than the product for the feed-forward layers. `None` off the CPU.
pub(crate) fn linear_skinny(
    x: &Tensor,
    w: &Tensor,
    bias: Option<&Tensor>,
) -> Result<Option<Tensor>> {
    if !is_cpu_f32(x) {
        return Ok(None);
    }
    let rows = x.dim(0)?;
    let out_dim = w.dim(0)?;
    let yt = w.matmul(&x.t()?)?;
    let bias = match bias {
        Some(b) => b.to_vec1::<f32>()?,
        None => vec![0f32; out_dim],
    };
    let y = with_cpu_slice(&yt, |yt| {
        let mut y = vec![0f32; rows * out_dim];
        // In tiles of 32 outputs, so that writes run along rows of `y`
        // while the 32 columns read stay in L1.
        const TILE: usize = 32;
        for o0 in (0..out_dim).step_by(TILE) {
            let o1 = (o0 + TILE).min(out_dim);
            for r in 0..rows {
                let row = &mut y[r * out_dim + o0..r * out_dim + o1];
                for (k, out) in row.iter_mut().enumerate() {
                    let o = o0 + k;
                    *out = yt[o * rows + r] + bias[o];
                }
            }
        }
        y
    })?;
    y.map(|y| Tensor::from_vec(y, (rows, out_dim), &Device::Cpu))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    /// Largest |ours − candle's| over x = lo/100 … hi/100.
    fn max_diff(
        (lo, hi): (f32, f32),
        ours: fn(&Tensor) -> Result<Option<Tensor>>,
        candle: fn(&Tensor) -> Result<Tensor>,
    ) -> Result<f32> {
        let xs = Tensor::arange(lo, hi, &Device::Cpu)?.affine(0.01, 0.0)?;
        let got = ours(&xs)?.expect("cpu");
        (got - candle(&xs)?)?.abs()?.max_all()?.to_scalar::<f32>()
    }

    #[test]
    fn gelu_matches_candle_erf_gelu() -> Result<()> {
        let diff = max_diff((-800.0, 800.0), gelu_erf, Tensor::gelu_erf)?;
        assert!(diff < 1e-6, "{diff}");
        Ok(())
    }

    #[test]
    fn silu_matches_candle() -> Result<()> {
        let diff = max_diff((-3000.0, 3000.0), silu, Tensor::silu)?;
        assert!(diff < 2e-6, "{diff}");
        Ok(())
    }

    #[test]
    fn exp_matches_std_closely() {
        for i in 0..2000 {
            let x = -(i as f32) * 0.0437;
            let (a, b) = (exp_nonpositive(x), x.exp());
            assert!((a - b).abs() <= 4e-7 * b + 1e-37, "{x}: {a} vs {b}");
        }
    }
}
