//! Attention on the CPU.
//!
//! candle runs a batched matmul as one gemm call per batch item, so
//! attention is `rows × heads` tiny products (1×64 by 64×T when decoding),
//! each a threaded gemm dispatch; that made it the slowest part of a
//! decoding step. Here one query (decoding) is a fixed-width loop, and
//! several queries per head (encoders, teacher forcing) are two
//! single-threaded gemm calls; either way the work is spread over the
//! rayon pool.

use candle_core::{Device, Result, Storage, Tensor};
use rayon::prelude::*;

use super::{cpu_f32, exp_nonpositive};

/// `a·b` with eight partial sums, which the compiler keeps in one vector
/// register (a single running sum has to stay scalar).
#[inline(always)]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// One query of one head: its keys and values, and where its row of the
/// additive bias starts and how far apart its entries are.
struct Query<'a> {
    q: &'a [f32],
    k: &'a [f32],
    v: &'a [f32],
    bias: BiasRow<'a>,
}

/// Softmax-weighted sum of the values for one query, into `out`.
#[inline(always)]
fn attend(one: &Query, scores: &mut Vec<f32>, out: &mut [f32]) {
    // A head width known at compile time keeps the query and the running
    // sum in registers; 32 (e5-small) and 64 (Marian, T5, LaBSE) cover the
    // models here.
    match one.q.len() {
        32 => attend_fixed::<32>(one, scores, out),
        64 => attend_fixed::<64>(one, scores, out),
        _ => attend_any(one, scores, out),
    }
}

/// Where one query's row of the additive bias starts in the bias storage,
/// and how far apart its entries are.
type BiasRow<'a> = Option<(&'a [f32], usize, usize)>;

/// `exp(score + bias - max)` in place; returns `1 / Σ`, the factor that
/// turns them into softmax weights.
#[inline(always)]
fn softmax_weights(bias: BiasRow, scores: &mut [f32]) -> f32 {
    if let Some((bias, start, stride)) = bias {
        for (j, s) in scores.iter_mut().enumerate() {
            *s += bias[start + j * stride];
        }
    }
    // Sixteen lanes each for the maximum and the sum: a single running
    // value keeps a loop scalar (float max and sum are not reassociated),
    // and this runs for every score of every head.
    let mut top = [f32::NEG_INFINITY; 16];
    let chunks = scores.chunks_exact(16);
    let rest = chunks
        .remainder()
        .iter()
        .copied()
        .fold(f32::NEG_INFINITY, f32::max);
    for c in chunks {
        for (t, &x) in top.iter_mut().zip(c) {
            *t = if x > *t { x } else { *t };
        }
    }
    let max = top.iter().copied().fold(rest, f32::max);
    for s in scores.iter_mut() {
        *s = exp_nonpositive(*s - max);
    }
    let mut sums = [0f32; 16];
    let chunks = scores.chunks_exact(16);
    let rest: f32 = chunks.remainder().iter().sum();
    for c in chunks {
        for (t, &x) in sums.iter_mut().zip(c) {
            *t += x;
        }
    }
    1.0 / (sums.iter().sum::<f32>() + rest)
}

#[inline(always)]
fn attend_fixed<const D: usize>(one: &Query, scores: &mut Vec<f32>, out: &mut [f32]) {
    let q: &[f32; D] = one.q.try_into().expect("head width");
    scores.clear();
    scores.extend(one.k.chunks_exact(D).map(|k| {
        let k: &[f32; D] = k.try_into().expect("head width");
        let mut acc = [0f32; 8];
        for c in 0..D / 8 {
            for l in 0..8 {
                acc[l] += q[c * 8 + l] * k[c * 8 + l];
            }
        }
        acc.iter().sum::<f32>()
    }));
    let inv = softmax_weights(one.bias, scores);
    let mut acc = [0f32; D];
    for (p, v) in scores.iter().zip(one.v.chunks_exact(D)) {
        let v: &[f32; D] = v.try_into().expect("head width");
        for x in 0..D {
            acc[x] += p * v[x];
        }
    }
    for (o, a) in out.iter_mut().zip(acc) {
        *o = a * inv;
    }
}

fn attend_any(one: &Query, scores: &mut Vec<f32>, out: &mut [f32]) {
    let d = one.q.len();
    scores.clear();
    scores.extend(one.k.chunks_exact(d).map(|k| dot(one.q, k)));
    let inv = softmax_weights(one.bias, scores);
    for (p, v) in scores.iter().zip(one.v.chunks_exact(d)) {
        for (o, v) in out.iter_mut().zip(v) {
            *o += p * v;
        }
    }
    for o in out.iter_mut() {
        *o *= inv;
    }
}

/// [`attend`] compiled for AVX2+FMA.
///
/// # Safety
/// The CPU must support AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn attend_avx2(one: &Query, scores: &mut Vec<f32>, out: &mut [f32]) {
    attend(one, scores, out)
}

/// Each `tk`-wide row of `scores` turned into softmax weights, with the
/// additive bias row `bias(row)`.
#[inline(always)]
fn softmax_rows<'b>(scores: &mut [f32], tk: usize, bias: impl Fn(usize) -> BiasRow<'b>) {
    for (qi, row) in scores.chunks_exact_mut(tk).enumerate() {
        let inv = softmax_weights(bias(qi), row);
        row.iter_mut().for_each(|p| *p *= inv);
    }
}

/// [`softmax_rows`] compiled for AVX2+FMA: a fifth of the encoder's time
/// when four wide.
///
/// # Safety
/// The CPU must support AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn softmax_rows_avx2<'b>(
    scores: &mut [f32],
    tk: usize,
    bias: impl Fn(usize) -> BiasRow<'b>,
) {
    softmax_rows(scores, tk, bias)
}

/// `dst = lhs·rhs` for `(m, n, k)`: `dst` and `lhs` row-major with the
/// given row strides, `rhs` with the given row and column strides; on the
/// calling thread, since the callers already spread heads over the pool.
///
/// # Safety
/// Each pointer must cover the elements its shape and strides reach.
unsafe fn matmul_on_this_thread(
    (m, n, k): (usize, usize, usize),
    (dst, dst_rs): (*mut f32, usize),
    (lhs, lhs_rs): (*const f32, usize),
    (rhs, rhs_rs, rhs_cs): (*const f32, usize, usize),
) {
    gemm::gemm(
        m,
        n,
        k,
        dst,
        1,
        dst_rs as isize,
        false,
        lhs,
        1,
        lhs_rs as isize,
        rhs,
        rhs_cs as isize,
        rhs_rs as isize,
        0.0,
        1.0,
        false,
        false,
        false,
        gemm::Parallelism::None,
    );
}

/// The bias row of query `qi` of head `hi` in batch item `bi`, from the
/// bias storage and its (broadcast) strides.
fn bias_row<'a>(
    bias: Option<(&'a [f32], &[usize])>,
    bi: usize,
    hi: usize,
    qi: usize,
) -> BiasRow<'a> {
    bias.map(|(b, st)| (b, bi * st[0] + hi * st[1] + qi * st[2], st[3]))
}

/// How many query batch rows share one row of the keys and values, and
/// one row of the bias: beams of a sentence attend to the same source, so
/// the cross-attention keys and values are kept once per sentence.
#[derive(Debug, Clone, Copy)]
struct Groups {
    kv: usize,
    bias: usize,
}

impl Groups {
    fn new(b: usize, b_kv: usize, b_bias: Option<usize>) -> Result<Groups> {
        let per = |rows: usize, what: &str| -> Result<usize> {
            if rows == 0 || !b.is_multiple_of(rows) {
                candle_core::bail!("attention: {b} query rows against {rows} {what} rows")
            }
            Ok(b / rows)
        };
        Ok(Groups {
            kv: per(b_kv, "key/value")?,
            // A bias of one row is broadcast (stride 0): any row index works.
            bias: per(b_bias.unwrap_or(b), "bias")?,
        })
    }
}

/// The output buffer, written by several tasks at disjoint positions.
struct SharedOut(*mut f32);
// SAFETY: every task writes only the rows of its own (batch, head).
unsafe impl Send for SharedOut {}
unsafe impl Sync for SharedOut {}

/// Attention with several queries per head (encoders, teacher forcing):
/// per (batch, head), `S = Q·Kᵀ` and `O = softmax(S + bias)·V` as two
/// single-threaded gemm calls, the heads spread over the rayon pool.
fn attention_heads(
    q: &[f32],
    k: &[f32],
    v: &[f32],
    bias: Option<(&[f32], &[usize])>,
    groups: Groups,
    (b, h, tq, tk, d): (usize, usize, usize, usize, usize),
    out: &mut [f32],
) {
    let dst = SharedOut(out.as_mut_ptr());
    let dst = &dst;
    #[cfg(target_arch = "x86_64")]
    let avx2 = super::has_avx2_fma();
    (0..b * h)
        .into_par_iter()
        .for_each_init(Vec::new, |scores, head| {
            let (bi, hi) = (head / h, head % h);
            let kv_head = bi / groups.kv * h + hi;
            let (q, k, v) = (
                &q[head * tq * d..],
                &k[kv_head * tk * d..],
                &v[kv_head * tk * d..],
            );
            scores.clear();
            scores.resize(tq * tk, 0f32);
            // SAFETY: `q` and `k` hold `tq×d` and `tk×d` elements from their
            // starts, `scores` is this task's own `tq×tk` buffer.
            unsafe {
                matmul_on_this_thread(
                    (tq, tk, d),
                    (scores.as_mut_ptr(), tk),
                    (q.as_ptr(), d),
                    // Kᵀ: element (i, j) is k[j·d + i].
                    (k.as_ptr(), 1, d),
                );
            }
            let rows = |qi| bias_row(bias, bi / groups.bias, hi, qi);
            #[cfg(target_arch = "x86_64")]
            if avx2 {
                // SAFETY: the features were detected above.
                unsafe { softmax_rows_avx2(scores, tk, rows) };
            } else {
                softmax_rows(scores, tk, rows);
            }
            #[cfg(not(target_arch = "x86_64"))]
            softmax_rows(scores, tk, rows);
            // Rows of this head in the `(b, tq, h, d)` output: start at
            // `((bi·tq)·h + hi)·d`, `h·d` apart.
            // SAFETY: those rows belong to this (batch, head) only, and lie
            // inside `out` (`b·tq·h·d` elements); `v` holds `tk×d` elements.
            unsafe {
                matmul_on_this_thread(
                    (tq, d, tk),
                    (dst.0.add((bi * tq * h + hi) * d), h * d),
                    (scores.as_ptr(), tk),
                    (v.as_ptr(), d, 1),
                );
            }
        });
}

/// Attention on the CPU in float32: `q (b, h, tq, d)`, `k`/`v (b, h, tk, d)`,
/// an additive `bias` broadcastable to `(b, h, tq, tk)` → `(b, tq, h·d)`,
/// the layout the output projection takes. `None` on other devices or
/// dtypes, where the caller uses candle's matmul form.
pub(crate) fn attention(
    q: &Tensor,
    k: &Tensor,
    v: &Tensor,
    bias: Option<&Tensor>,
) -> Result<Option<Tensor>> {
    if !super::is_cpu_f32(q) {
        return Ok(None);
    }
    let (b, h, tq, d) = q.dims4()?;
    let tk = k.dim(2)?;
    let groups = Groups::new(b, k.dim(0)?, bias.map(|x| x.dim(0)).transpose()?)?;
    let (q, k, v) = (q.contiguous()?, k.contiguous()?, v.contiguous()?);
    // Broadcast without copying: stride 0 on the broadcast dimensions.
    let bias = bias
        .map(|x| x.broadcast_as((x.dim(0)?, h, tq, tk)))
        .transpose()?;
    let (qs, ql) = q.storage_and_layout();
    let (ks, kl) = k.storage_and_layout();
    let (vs, vl) = v.storage_and_layout();
    let bias_guard = bias.as_ref().map(|x| x.storage_and_layout());
    let (Some(q), Some(k), Some(v)) = (cpu_f32(&qs, ql), cpu_f32(&ks, kl), cpu_f32(&vs, vl)) else {
        return Ok(None);
    };
    let bias = match &bias_guard {
        Some((storage, layout)) => {
            let Storage::Cpu(cpu) = &**storage else {
                return Ok(None);
            };
            let stride = layout.stride().to_vec();
            Some((&cpu.as_slice::<f32>()?[layout.start_offset()..], stride))
        }
        None => None,
    };
    let bias = bias.as_ref().map(|(b, st)| (*b, st.as_slice()));
    // Output row i is (batch, query, head) in the order of `(b, tq, h, d)`.
    let mut out = vec![0f32; b * tq * h * d];
    if tq > 1 {
        attention_heads(q, k, v, bias, groups, (b, h, tq, tk, d), &mut out);
        return Ok(Some(Tensor::from_vec(out, (b, tq, h * d), &Device::Cpu)?));
    }
    #[cfg(target_arch = "x86_64")]
    let avx2 = super::has_avx2_fma();
    // Each task reuses one scores buffer over a run of outputs.
    out.par_chunks_mut(d)
        .enumerate()
        .for_each_init(Vec::new, |scores, (i, out)| {
            let (bi, qi, hi) = (i / (tq * h), (i / h) % tq, i % h);
            let head = bi * h + hi;
            let kv_head = bi / groups.kv * h + hi;
            let one = Query {
                q: &q[(head * tq + qi) * d..][..d],
                k: &k[kv_head * tk * d..][..tk * d],
                v: &v[kv_head * tk * d..][..tk * d],
                bias: bias_row(bias, bi / groups.bias, hi, qi),
            };
            #[cfg(target_arch = "x86_64")]
            if avx2 {
                // SAFETY: the features were detected above.
                unsafe { attend_avx2(&one, scores, out) };
                return;
            }
            attend(&one, scores, out);
        });
    Ok(Some(Tensor::from_vec(out, (b, tq, h * d), &Device::Cpu)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attention_matches_the_matmul_form() -> Result<()> {
        for tq in [1, 3] {
            check(tq)?;
        }
        Ok(())
    }

    #[test]
    fn beams_share_their_sentence_keys_and_values() -> Result<()> {
        // Two sentences of three beams each: keys, values and bias given
        // once per sentence must act as if copied to every beam.
        let dev = Device::Cpu;
        let (n, beams, h, t, d) = (2, 3, 2, 5, 64);
        for tq in [1, 2] {
            let q = Tensor::randn(0f32, 1.0, (n * beams, h, tq, d), &dev)?;
            let k = Tensor::randn(0f32, 1.0, (n, h, t, d), &dev)?;
            let v = Tensor::randn(0f32, 1.0, (n, h, t, d), &dev)?;
            let mut mask = vec![0f32; n * t];
            mask[t - 1] = f32::MIN;
            let bias = Tensor::from_vec(mask, (n, 1, 1, t), &dev)?;
            let rows: Vec<u32> = (0..n * beams).map(|r| (r / beams) as u32).collect();
            let rows = Tensor::new(rows.as_slice(), &dev)?;
            let (ke, ve, be) = (
                k.index_select(&rows, 0)?,
                v.index_select(&rows, 0)?,
                bias.index_select(&rows, 0)?,
            );
            let want = attention(&q, &ke, &ve, Some(&be))?.expect("cpu");
            let got = attention(&q, &k, &v, Some(&bias))?.expect("cpu");
            let diff = (got - want)?.abs()?.max_all()?.to_scalar::<f32>()?;
            assert_eq!(diff, 0.0, "tq {tq}");
        }
        Ok(())
    }

    fn check(tq: usize) -> Result<()> {
        let dev = Device::Cpu;
        let (b, h, t, d) = (3, 2, 5, 4);
        let q = Tensor::randn(0f32, 1.0, (b, h, tq, d), &dev)?;
        let k = Tensor::randn(0f32, 1.0, (b, h, t, d), &dev)?;
        let v = Tensor::randn(0f32, 1.0, (b, h, t, d), &dev)?;
        let mut mask = vec![0f32; b * t];
        mask[t - 1] = f32::MIN;
        let bias = Tensor::from_vec(mask, (b, 1, 1, t), &dev)?;
        let scores = q.matmul(&k.t()?)?.broadcast_add(&bias)?;
        let want = candle_nn::ops::softmax_last_dim(&scores)?
            .matmul(&v)?
            .transpose(1, 2)?
            .reshape((b, tq, h * d))?;
        let got = attention(&q, &k, &v, Some(&bias))?.expect("cpu");
        let diff = (got - want)?.abs()?.max_all()?.to_scalar::<f32>()?;
        assert!(diff < 1e-5, "{diff}");
        Ok(())
    }
}
