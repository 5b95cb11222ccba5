//! CPU fast paths for shapes candle handles poorly at decoding time.
//!
//! candle runs a batched matmul as one gemm call per batch item, so
//! attention is `rows × heads` tiny products (1×64 by 64×T when decoding),
//! each a threaded gemm dispatch; that made it the slowest part of a
//! decoding step. Here the same arithmetic is a plain loop per (row, query,
//! head) on the rayon pool.

use candle_core::{DType, Device, Layout, Result, Storage, Tensor};
use rayon::prelude::*;

/// Calls `f` with the float32 elements of `t` in row-major order, borrowed
/// from CPU storage; `None` for other devices or dtypes.
pub(crate) fn with_cpu_slice<R>(t: &Tensor, f: impl FnOnce(&[f32]) -> R) -> Result<Option<R>> {
    if !t.device().is_cpu() || t.dtype() != DType::F32 {
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

/// `x·Wᵀ + b` for `x (rows, in)`, `W (out, in)`, computed as `W·xᵀ` (see
/// `layers::SKINNY_ROWS`) then transposed with the bias added in the same
/// pass; candle's own transposing copy is element by element and took
/// longer than the product for the feed-forward layers. `None` off the CPU.
pub(crate) fn linear_skinny(
    x: &Tensor,
    w: &Tensor,
    bias: Option<&Tensor>,
) -> Result<Option<Tensor>> {
    if !x.device().is_cpu() || x.dtype() != DType::F32 {
        return Ok(None);
    }
    let rows = x.dim(0)?;
    let out_dim = w.dim(0)?;
    let yt = w.matmul(&x.t()?)?;
    let bias = bias.map(|b| b.to_vec1::<f32>()).transpose()?;
    let y = with_cpu_slice(&yt, |yt| {
        let mut y = vec![0f32; rows * out_dim];
        for (o, col) in yt.chunks_exact(rows).enumerate() {
            let b = bias.as_ref().map_or(0.0, |b| b[o]);
            for (r, &v) in col.iter().enumerate() {
                y[r * out_dim + o] = v + b;
            }
        }
        y
    })?;
    y.map(|y| Tensor::from_vec(y, (rows, out_dim), &Device::Cpu))
        .transpose()
}

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
    if !q.device().is_cpu() || q.dtype() != DType::F32 {
        return Ok(None);
    }
    let (b, h, tq, d) = q.dims4()?;
    let tk = k.dim(2)?;
    let (q, k, v) = (q.contiguous()?, k.contiguous()?, v.contiguous()?);
    // Broadcast without copying: stride 0 on the broadcast dimensions.
    let bias = bias.map(|x| x.broadcast_as((b, h, tq, tk))).transpose()?;
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
    // Output row i is (batch, query, head) in the order of `(b, tq, h, d)`.
    let mut out = vec![0f32; b * tq * h * d];
    // Each task reuses one scores buffer over a run of outputs.
    out.par_chunks_mut(d)
        .enumerate()
        .for_each_init(Vec::new, |scores, (i, out)| {
            let (bi, qi, hi) = (i / (tq * h), (i / h) % tq, i % h);
            let head = bi * h + hi;
            let q = &q[(head * tq + qi) * d..][..d];
            let k = &k[head * tk * d..][..tk * d];
            let v = &v[head * tk * d..][..tk * d];
            scores.clear();
            scores.extend(k.chunks_exact(d).map(|k| dot(q, k)));
            if let Some((bias, st)) = &bias {
                let base = bi * st[0] + hi * st[1] + qi * st[2];
                for (j, s) in scores.iter_mut().enumerate() {
                    *s += bias[base + j * st[3]];
                }
            }
            let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let mut sum = 0f32;
            for s in scores.iter_mut() {
                *s = (*s - max).exp();
                sum += *s;
            }
            for (p, v) in scores.iter().zip(v.chunks_exact(d)) {
                let p = p / sum;
                for (o, v) in out.iter_mut().zip(v) {
                    *o += p * v;
                }
            }
        });
    Ok(Some(Tensor::from_vec(out, (b, tq, h * d), &Device::Cpu)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    #[test]
    fn attention_matches_the_matmul_form() -> Result<()> {
        for tq in [1, 3] {
            check(tq)?;
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
