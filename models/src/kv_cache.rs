//! The decoder's self-attention cache.
//!
//! Beam search reorders the cache after every step (row `i` continues the
//! hypothesis it was chosen from), and the next step appends one position.
//! Done one after the other, that copies the whole cache twice per step;
//! here the reorder is only recorded, and applied by the append, so the
//! cache is copied once.

use candle_core::{Result, Tensor};
use rayon::prelude::*;

/// One decoder layer's cached keys and values, `(rows, heads, steps,
/// head_dim)` each, and the row order still to apply to them.
#[derive(Debug, Clone, Default)]
pub struct CacheSlot {
    kv: Option<(Tensor, Tensor)>,
    /// Row `j` of the next cache is row `order[j]` of the current one.
    order: Option<Vec<u32>>,
}

impl CacheSlot {
    /// Applies any pending reorder, appends `k` and `v` (`(rows, heads, t,
    /// head_dim)`) along the steps, and returns the keys and values to
    /// attend to.
    pub fn append(&mut self, k: Tensor, v: Tensor) -> Result<(Tensor, Tensor)> {
        let order = self.order.take();
        let (k, v) = match self.kv.take() {
            None => (k, v),
            Some((pk, pv)) => (
                gather_append(&pk, &k, order.as_deref())?,
                gather_append(&pv, &v, order.as_deref())?,
            ),
        };
        self.kv = Some((k.clone(), v.clone()));
        Ok((k, v))
    }

    fn reorder(&mut self, indices: &[u32]) {
        if self.kv.is_none() {
            return;
        }
        self.order = Some(match self.order.take() {
            None => indices.to_vec(),
            Some(prev) => indices.iter().map(|&i| prev[i as usize]).collect(),
        });
    }
}

/// `MaybeUninit::write_copy_of_slice`, which needs Rust 1.93.
fn copy_into(dst: &mut [std::mem::MaybeUninit<f32>], src: &[f32]) {
    for (d, &v) in dst.iter_mut().zip(src) {
        d.write(v);
    }
}

/// `cat([prev[order], new], steps)`: rows of `prev` picked by `order` (all,
/// in order, when `None`), then `new`'s steps after them. One copy on the
/// CPU; `index_select` and `cat` elsewhere.
fn gather_append(prev: &Tensor, new: &Tensor, order: Option<&[u32]>) -> Result<Tensor> {
    let (rows, heads, t_new, d) = new.dims4()?;
    let t_prev = prev.dim(2)?;
    if crate::cpu::is_cpu_f32(prev) && crate::cpu::is_cpu_f32(new) {
        let (prev, new) = (prev.contiguous()?, new.contiguous()?);
        let p = prev.flatten_all()?;
        let n = new.flatten_all()?;
        let out = crate::cpu::with_cpu_slice(&p, |p| {
            crate::cpu::with_cpu_slice(&n, |n| {
                let (sp, sn, so) = (t_prev * d, t_new * d, (t_prev + t_new) * d);
                // Every element is copied in below, so the buffer is not
                // zero-filled first (that was a memset of the whole cache
                // at every step).
                let mut out: Vec<f32> = Vec::with_capacity(rows * heads * so);
                out.spare_capacity_mut()
                    .par_chunks_mut(heads * so)
                    .enumerate()
                    .for_each(|(r, row)| {
                        let from = order.map_or(r, |o| o[r] as usize);
                        for (h, dst) in row.chunks_exact_mut(so).enumerate() {
                            let src = (from * heads + h) * sp;
                            copy_into(&mut dst[..sp], &p[src..src + sp]);
                            let src = (r * heads + h) * sn;
                            copy_into(&mut dst[sp..], &n[src..src + sn]);
                        }
                    });
                // SAFETY: the rows × heads chunks of `so` values each were
                // all written above.
                unsafe { out.set_len(rows * heads * so) };
                out
            })
        })?
        .transpose()?
        .flatten();
        if let Some(out) = out {
            return Tensor::from_vec(out, (rows, heads, t_prev + t_new, d), new.device());
        }
    }
    let prev = match order {
        Some(o) => prev.index_select(&Tensor::new(o, prev.device())?, 0)?,
        None => prev.clone(),
    };
    Tensor::cat(&[&prev, new], 2)
}

/// The decoder self-attention keys and values of the steps decoded so far,
/// one [`CacheSlot`] per decoder layer.
///
/// A value the caller owns and passes to every decode step; beam search
/// calls [`KvCache::reorder`] after each step so that row `i` continues the
/// hypothesis it was chosen from, and drops rows of finished sentences.
#[derive(Debug, Clone)]
pub struct KvCache {
    layers: Vec<CacheSlot>,
}

impl KvCache {
    /// An empty cache for a decoder of `layers` layers.
    pub fn new(layers: usize) -> Self {
        Self {
            layers: vec![CacheSlot::default(); layers],
        }
    }

    /// Number of decoder positions already cached.
    pub fn len(&self) -> usize {
        match self.layers.first().and_then(|s| s.kv.as_ref()) {
            Some((k, _)) => k.dim(2).unwrap_or(0),
            None => 0,
        }
    }

    /// Whether nothing has been decoded yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The slot of decoder layer `i`.
    pub(crate) fn slot(&mut self, i: usize) -> &mut CacheSlot {
        &mut self.layers[i]
    }

    /// Keeps row `indices[j]` of every cached tensor as the new row `j`
    /// (HF's `Cache.reorder_cache(beam_idx)`); rows may repeat or vanish.
    /// Recorded here, applied by the next append.
    pub fn reorder(&mut self, indices: &[u32]) -> Result<()> {
        for slot in &mut self.layers {
            slot.reorder(indices);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    #[test]
    fn reorders_compose_and_apply_on_append() -> Result<()> {
        let dev = Device::Cpu;
        let first = Tensor::arange(0f32, 24.0, &dev)?.reshape((3, 2, 2, 2))?;
        let next = Tensor::arange(100f32, 112.0, &dev)?.reshape((3, 2, 1, 2))?;
        let mut slot = CacheSlot::default();
        slot.append(first.clone(), first.clone())?;
        slot.reorder(&[2, 0, 0]);
        slot.reorder(&[1, 0, 2]);
        let (k, _) = slot.append(next.clone(), next.clone())?;
        // Rows 0, 2, 0 of `first`, then `next` row by row.
        let idx = Tensor::new(&[0u32, 2, 0], &dev)?;
        let want = Tensor::cat(&[&first.index_select(&idx, 0)?, &next], 2)?;
        assert_eq!(
            k.flatten_all()?.to_vec1::<f32>()?,
            want.flatten_all()?.to_vec1::<f32>()?
        );
        assert_eq!(k.dims(), want.dims());
        Ok(())
    }
}
