//! Int8 linear layers for x86 CPUs with AVX-512 VNNI.
//!
//! One VNNI instruction multiplies 64 unsigned by signed byte pairs and adds
//! them into 16 int32 sums: four times the multiply-adds of a float32 FMA
//! of the same width. Weights are quantised once, symmetrically per output
//! row; activations per input row, on every call, shifted by 128 into the
//! unsigned range VNNI wants (the shift is taken back out with each output
//! row's weight sum). Per-row scales keep the error of a product near
//! 1/127 of the largest magnitude in its row and column.

use rayon::prelude::*;

/// Output columns per block of packed weights: two 16-lane registers.
const NR: usize = 32;
/// Input rows per micro-tile: 6 × 2 accumulators, 2 weight registers and
/// a broadcast stay within the 32 vector registers.
const MR: usize = 6;

/// Whether this CPU runs the int8 kernel.
pub(crate) fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512bw")
            && std::arch::is_x86_feature_detected!("avx512vnni")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// A `(n, k)` weight quantised to int8 and packed for the kernel.
#[derive(Debug, Clone)]
pub(crate) struct QuantizedLinear {
    n: usize,
    k: usize,
    /// `k` rounded up to a multiple of 4 (VNNI adds four products per lane).
    k4: usize,
    /// Per block of [`NR`] columns, per group of four inputs, per column,
    /// four int8 weights: one 64-byte load feeds 16 columns.
    packed: Vec<i8>,
    /// Per output column: the weight scale, 128 times the sum of its int8
    /// weights (what the shift of the activations adds), and the bias.
    scales: Vec<f32>,
    shifts: Vec<i32>,
    bias: Vec<f32>,
}

impl QuantizedLinear {
    /// Quantises a row-major `(n, k)` weight and its optional bias.
    pub(crate) fn new(weight: &[f32], n: usize, k: usize, bias: Option<&[f32]>) -> Self {
        assert_eq!(weight.len(), n * k, "weight shape");
        let k4 = k.div_ceil(4) * 4;
        let blocks = n.div_ceil(NR);
        let mut packed = vec![0i8; blocks * k4 * NR];
        let mut scales = vec![1f32; n];
        let mut sums = vec![0i32; n];
        for (col, row) in weight.chunks_exact(k).enumerate() {
            let scale = scale_for(row.iter().fold(0f32, |m, x| m.max(x.abs())));
            scales[col] = scale;
            let (block, lane) = (col / NR, col % NR);
            for (i, &x) in row.iter().enumerate() {
                let q = (x / scale).round_ties_even().clamp(-127.0, 127.0) as i8;
                sums[col] += i32::from(q);
                let at = ((block * k4 / 4 + i / 4) * NR + lane) * 4 + i % 4;
                packed[at] = q;
            }
        }
        QuantizedLinear {
            n,
            k,
            k4,
            packed,
            scales,
            shifts: sums.iter().map(|s| 128 * s).collect(),
            bias: bias.map_or_else(|| vec![0.0; n], <[f32]>::to_vec),
        }
    }

    /// Output columns.
    pub(crate) fn out_dim(&self) -> usize {
        self.n
    }

    /// `x·Wᵀ + b` for `m` row-major rows of `k` inputs, into `m × n` floats,
    /// the rows spread over the rayon pool. Call only when [`available`].
    pub(crate) fn forward(&self, x: &[f32], m: usize) -> Vec<f32> {
        assert_eq!(x.len(), m * self.k, "input shape");
        let (k, k4, n) = (self.k, self.k4, self.n);
        let mut out = vec![0f32; m * n];
        // Enough rows per task to amortise the weights' trip through the
        // cache, few enough to keep both cores busy.
        let rows_per_task = (MR * 8).max(m.div_ceil(16) / MR * MR);
        out.par_chunks_mut(rows_per_task * n)
            .zip(x.par_chunks(rows_per_task * k))
            .for_each(|(out, x)| {
                let rows = x.len() / k;
                let mut xq = vec![128u8; rows * k4];
                let mut xs = vec![0f32; rows];
                // SAFETY: `available()` was checked by the caller.
                unsafe {
                    quantize_rows(x, k, k4, &mut xq, &mut xs);
                    self.rows(&xq, &xs, rows, out);
                }
            });
        out
    }

    /// The products of `rows` quantised rows, tile by tile, scaled back to
    /// float32. (Compiled for AVX-512 as a whole, the tile loop ran slower:
    /// the kernel and the scaling are their own AVX-512 functions.)
    ///
    /// # Safety
    /// The CPU must have AVX-512 F, BW and VNNI.
    unsafe fn rows(&self, xq: &[u8], xs: &[f32], rows: usize, out: &mut [f32]) {
        let (k4, n) = (self.k4, self.n);
        let mut acc = [[0i32; NR]; MR];
        for block in 0..n.div_ceil(NR) {
            let w = &self.packed[block * k4 * NR..][..k4 * NR];
            let cols = (n - block * NR).min(NR);
            for r0 in (0..rows).step_by(MR) {
                let mr = (rows - r0).min(MR);
                let x = &xq[r0 * k4..(r0 + mr) * k4];
                // SAFETY: as for this function; `x` holds `mr` rows of `k4`
                // bytes and `w` `k4 × NR` bytes.
                unsafe { tile(x, w, k4, mr, &mut acc) };
                let at = block * NR..block * NR + cols;
                let (scales, shifts, bias) = (
                    &self.scales[at.clone()],
                    &self.shifts[at.clone()],
                    &self.bias[at],
                );
                for (r, acc) in acc.iter().enumerate().take(mr) {
                    let row = &mut out[(r0 + r) * n + block * NR..][..cols];
                    // SAFETY: as for this function.
                    unsafe { dequantize(row, acc, xs[r0 + r], (scales, shifts, bias)) };
                }
            }
        }
    }
}

/// The step that maps a row whose largest magnitude is `amax` onto ±127
/// (1 for a row of zeros).
fn scale_for(amax: f32) -> f32 {
    if amax > 0.0 {
        amax / 127.0
    } else {
        1.0
    }
}

/// Each row of `x` (`k` wide) scaled to ±127 by its largest magnitude,
/// rounded, shifted by 128 into `xq` (`k4` wide, padding left as is), its
/// scale into `xs`.
///
/// # Safety
/// The CPU must have AVX-512 F and BW (compiled for them, the rounding is
/// one instruction instead of a libm call per element).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw")]
unsafe fn quantize_rows(x: &[f32], k: usize, k4: usize, xq: &mut [u8], xs: &mut [f32]) {
    use std::arch::x86_64::*;
    let full = k / 16 * 16;
    for ((src, dst), scale) in x.chunks_exact(k).zip(xq.chunks_exact_mut(k4)).zip(xs) {
        let mut top = _mm512_setzero_ps();
        for i in (0..full).step_by(16) {
            let v = _mm512_loadu_ps(src.as_ptr().add(i));
            top = _mm512_max_ps(top, _mm512_abs_ps(v));
        }
        let amax = src[full..]
            .iter()
            .fold(_mm512_reduce_max_ps(top), |a, v| a.max(v.abs()));
        *scale = scale_for(amax);
        let inv = 1.0 / *scale;
        let (vinv, lo, hi, shift) = (
            _mm512_set1_ps(inv),
            _mm512_set1_epi32(-127),
            _mm512_set1_epi32(127),
            _mm512_set1_epi32(128),
        );
        for i in (0..full).step_by(16) {
            let v = _mm512_mul_ps(_mm512_loadu_ps(src.as_ptr().add(i)), vinv);
            // Rounds to nearest even, as the MXCSR default is.
            let q = _mm512_min_epi32(_mm512_max_epi32(_mm512_cvtps_epi32(v), lo), hi);
            let bytes = _mm512_cvtepi32_epi8(_mm512_add_epi32(q, shift));
            _mm_storeu_si128(dst.as_mut_ptr().add(i).cast(), bytes);
        }
        for (d, &v) in dst[full..k].iter_mut().zip(&src[full..]) {
            *d = ((v * inv).round_ties_even().clamp(-127.0, 127.0) as i32 + 128) as u8;
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
unsafe fn quantize_rows(_: &[f32], _: usize, _: usize, _: &mut [u8], _: &mut [f32]) {
    unreachable!("the int8 kernel is only called where `available()`");
}

/// One output row back in float32: `sx · scale · (acc − shift) + bias`.
///
/// # Safety
/// The CPU must have AVX-512 F.
#[cfg_attr(target_arch = "x86_64", target_feature(enable = "avx512f"))]
unsafe fn dequantize(
    row: &mut [f32],
    acc: &[i32],
    sx: f32,
    (scales, shifts, bias): (&[f32], &[i32], &[f32]),
) {
    for ((((y, &a), &scale), &shift), &b) in
        row.iter_mut().zip(acc).zip(scales).zip(shifts).zip(bias)
    {
        *y = sx * scale * (a - shift) as f32 + b;
    }
}

/// `acc[r][c] = Σ_i x[r][i] · w[c][i]` for `mr` ≤ [`MR`] rows and one block
/// of [`NR`] columns.
///
/// # Safety
/// The CPU must have AVX-512 F, BW and VNNI; `x` must hold `mr` rows of
/// `k4` bytes, `w` the block's `k4 × NR` bytes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
unsafe fn tile(x: &[u8], w: &[i8], k4: usize, mr: usize, acc: &mut [[i32; NR]; MR]) {
    use std::arch::x86_64::*;
    let mut sums = [[_mm512_setzero_si512(); 2]; MR];
    for s in 0..k4 / 4 {
        let w0 = _mm512_loadu_si512(w.as_ptr().add(s * 4 * NR).cast());
        let w1 = _mm512_loadu_si512(w.as_ptr().add(s * 4 * NR + 64).cast());
        for (r, sum) in sums.iter_mut().enumerate().take(mr) {
            let four = x
                .as_ptr()
                .add(r * k4 + s * 4)
                .cast::<i32>()
                .read_unaligned();
            let xb = _mm512_set1_epi32(four);
            sum[0] = _mm512_dpbusd_epi32(sum[0], xb, w0);
            sum[1] = _mm512_dpbusd_epi32(sum[1], xb, w1);
        }
    }
    for (sum, out) in sums.iter().zip(acc.iter_mut()).take(mr) {
        _mm512_storeu_si512(out.as_mut_ptr().cast(), sum[0]);
        _mm512_storeu_si512(out.as_mut_ptr().add(16).cast(), sum[1]);
    }
}

#[cfg(not(target_arch = "x86_64"))]
unsafe fn tile(_: &[u8], _: &[i8], _: usize, _: usize, _: &mut [[i32; NR]; MR]) {
    unreachable!("the int8 kernel is only called where `available()`");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int8_products_stay_close_to_float32() {
        if !available() {
            eprintln!("skipping: no AVX-512 VNNI on this CPU");
            return;
        }
        // Odd sizes exercise the padding of k, the last column block and the
        // last row tile.
        for (m, k, n) in [(1, 5, 3), (7, 38, 33), (50, 384, 70)] {
            let mut seed = 7u64;
            let mut next = || {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((seed >> 33) as f32 / (1u64 << 31) as f32) * 2.0 - 1.0
            };
            let w: Vec<f32> = (0..n * k).map(|_| next()).collect();
            let b: Vec<f32> = (0..n).map(|_| next()).collect();
            let x: Vec<f32> = (0..m * k).map(|_| next() * 3.0).collect();
            let q = QuantizedLinear::new(&w, n, k, Some(&b));
            let got = q.forward(&x, m);
            for r in 0..m {
                for c in 0..n {
                    let want: f32 = (0..k).map(|i| x[r * k + i] * w[c * k + i]).sum::<f32>() + b[c];
                    // Both operands lose up to half a step of 1/127 of their
                    // row's largest magnitude.
                    let bound = 3.0 * 3.0 * k as f32 / 127.0 + 1e-3;
                    let err = (got[r * n + c] - want).abs();
                    assert!(err < bound * 0.2, "({m},{k},{n}) [{r},{c}]: {err}");
                }
            }
        }
    }
}
