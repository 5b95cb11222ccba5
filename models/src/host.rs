//! Copies of a device tensor to the host into a buffer kept across decoder
//! steps.
//!
//! Every step of a search on a GPU brings the whole `(vocabulary, rows)`
//! logits matrix to the host: 59 MB in float32 for OPUS-MT at 256 rows.
//! candle's `to_vec1` copies the storage into a fresh vector and the view
//! out of it into a second one, and glibc serves blocks that large with
//! fresh pages from the kernel every time (its reuse ceiling is 32 MB): past
//! 128 rows decoding fell to a sixteenth of transformers' speed. One buffer,
//! grown once, makes the step a single copy into memory already mapped: 5.6
//! times the speed at 64 sentences × beam 4 on an H200 (BENCHMARKS.md, "On
//! a GPU"; lifting glibc's ceiling alone gave 1.45 times).

use candle_core::{DType, Result, Tensor};

/// Writes the float32 elements of `t` in row-major order into `buf`,
/// replacing its contents and reusing its allocation where the device
/// allows.
pub(crate) fn copy_f32(t: &Tensor, buf: &mut Vec<f32>) -> Result<()> {
    let t = if t.dtype() == DType::F32 {
        t.contiguous()?
    } else {
        t.to_dtype(DType::F32)?
    };
    #[cfg(feature = "cuda")]
    if cuda::copy(&t, buf)? {
        return Ok(());
    }
    // CPU (whose fast path borrows instead of copying) and Metal.
    *buf = t.flatten_all()?.to_vec1::<f32>()?;
    Ok(())
}

#[cfg(feature = "cuda")]
mod cuda {
    use candle_core::cuda_backend::WrapErr;
    use candle_core::{Result, Storage, Tensor};

    /// `false` when `t` does not live on a CUDA device.
    pub(super) fn copy(t: &Tensor, buf: &mut Vec<f32>) -> Result<bool> {
        let (storage, layout) = t.storage_and_layout();
        let Storage::Cuda(cuda) = &*storage else {
            return Ok(false);
        };
        let start = layout.start_offset();
        let n = layout.shape().elem_count();
        let view = cuda.as_cuda_slice::<f32>()?.slice(start..start + n);
        // Grows (and zero-fills) only past the largest step so far.
        buf.resize(n, 0.0);
        let stream = cuda.device.cuda_stream();
        stream.memcpy_dtoh(&view, &mut buf[..]).w()?;
        // A copy into pageable memory has landed when the call returns;
        // the wait makes that explicit rather than a property of the driver.
        stream.synchronize().w()?;
        Ok(true)
    }
}
