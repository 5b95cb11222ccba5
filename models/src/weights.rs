//! Weights loading. A safetensors file is read tensor by tensor straight
//! into the tensor's own buffer instead of being memory-mapped: with a map,
//! every page read while copying counts in the process's resident memory
//! next to the copy, so loading peaked at twice the file size.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Result, Shape, Tensor};
use candle_nn::var_builder::SimpleBackend;
use candle_nn::VarBuilder;
use serde::Deserialize;

use crate::error::Error;
use crate::source::{ModelFiles, WeightsFile};

/// A [`VarBuilder`] over `weights` that creates tensors of `dtype` on `device`.
pub(crate) fn var_builder(
    weights: &WeightsFile,
    dtype: DType,
    device: &Device,
) -> std::result::Result<VarBuilder<'static>, Error> {
    let err = |source| Error::Weights {
        path: weights.path().into(),
        source,
    };
    match weights {
        WeightsFile::Safetensors(p) => {
            let backend = SafetensorsFile::open(p).map_err(err)?;
            Ok(VarBuilder::from_backend(
                Box::new(backend),
                dtype,
                device.clone(),
            ))
        }
        WeightsFile::Pytorch(p) => VarBuilder::from_pth(p, dtype, device).map_err(err),
    }
}

/// Whether `a` and `b` name one tensor stored once in `weights`. torch.save
/// keeps a tied checkpoint's shared storage shared:
/// facebook/nllb-200-distilled-600M's pytorch_model.bin holds its 256,206 ×
/// 1024 table once under four names, and loading two of the names as two
/// tensors would copy it twice (1 GB more in float32). A safetensors file
/// holds every name's data apart, so there no two names are one tensor.
pub(crate) fn same_tensor(weights: &WeightsFile, a: &str, b: &str) -> bool {
    let WeightsFile::Pytorch(path) = weights else {
        return false;
    };
    let Ok(file) = candle_core::pickle::PthTensors::new(path, None) else {
        return false;
    };
    let infos = file.tensor_infos();
    match (infos.get(a), infos.get(b)) {
        (Some(x), Some(y)) => x.path == y.path && x.layout == y.layout && x.dtype == y.dtype,
        _ => false,
    }
}

/// [`var_builder`] over a model's weights in a float type (f32, f16 or
/// bf16, what the architectures compute in); other types are refused,
/// naming the model.
pub(crate) fn float_var_builder(
    files: &ModelFiles,
    dtype: DType,
    device: &Device,
) -> std::result::Result<VarBuilder<'static>, Error> {
    if !matches!(dtype, DType::F32 | DType::F16 | DType::BF16) {
        return Err(Error::unsupported(&files.config, "dtype", dtype.as_str()));
    }
    var_builder(&files.weights, dtype, device)
}

/// One entry of the safetensors header.
#[derive(Debug, Deserialize)]
struct Entry {
    dtype: String,
    shape: Vec<usize>,
    data_offsets: [u64; 2],
}

/// A safetensors file whose tensors are read on request.
struct SafetensorsFile {
    path: PathBuf,
    file: File,
    /// Offset of the data section (after the length prefix and header).
    data_start: u64,
    entries: HashMap<String, Entry>,
}

fn bad(path: &Path, what: impl std::fmt::Display) -> candle_core::Error {
    candle_core::Error::Msg(format!("{}: {what}", path.display()))
}

impl SafetensorsFile {
    fn open(path: &Path) -> Result<Self> {
        let file = File::open(path).map_err(|e| bad(path, e))?;
        let mut len = [0u8; 8];
        read_at(&file, &mut len, 0).map_err(|e| bad(path, e))?;
        let header_len = u64::from_le_bytes(len);
        let file_len = file.metadata().map_err(|e| bad(path, e))?.len();
        if header_len > file_len.saturating_sub(8) {
            return Err(bad(
                path,
                "not a safetensors file (header longer than the file)",
            ));
        }
        let mut header = vec![0u8; header_len as usize];
        read_at(&file, &mut header, 8).map_err(|e| bad(path, e))?;
        let raw: HashMap<String, serde_json::Value> =
            serde_json::from_slice(&header).map_err(|e| bad(path, e))?;
        let mut entries = HashMap::with_capacity(raw.len());
        for (name, value) in raw {
            if name == "__metadata__" {
                continue;
            }
            let entry: Entry = serde_json::from_value(value)
                .map_err(|e| bad(path, format!("tensor {name}: {e}")))?;
            entries.insert(name, entry);
        }
        Ok(Self {
            path: path.to_path_buf(),
            file,
            data_start: 8 + header_len,
            entries,
        })
    }

    /// The stored type of tensor `name` and where its data begins in the
    /// file, its offsets checked against its shape.
    fn locate(&self, name: &str, entry: &Entry) -> Result<(DType, u64)> {
        let stored = match entry.dtype.as_str() {
            "F32" => DType::F32,
            "F16" => DType::F16,
            "BF16" => DType::BF16,
            "F64" => DType::F64,
            "I64" => DType::I64,
            "U32" => DType::U32,
            "U8" => DType::U8,
            other => return Err(bad(&self.path, format!("tensor {name}: dtype {other}"))),
        };
        let [start, end] = entry.data_offsets;
        let count: usize = entry.shape.iter().product();
        if end < start || (end - start) as usize != count * stored.size_in_bytes() {
            return Err(bad(&self.path, format!("tensor {name}: bad data offsets")));
        }
        Ok((stored, self.data_start + start))
    }

    fn read(&self, name: &str, dtype: DType, device: &Device) -> Result<Tensor> {
        let entry = self
            .entries
            .get(name)
            .ok_or_else(|| bad(&self.path, format!("no tensor named {name}")))?;
        let (stored, offset) = self.locate(name, entry)?;
        let count: usize = entry.shape.iter().product();
        let shape = Shape::from(entry.shape.clone());
        if stored == DType::F32 && cfg!(target_endian = "little") {
            // Read into the final buffer: no second copy of the tensor.
            let mut data = vec![0f32; count];
            // SAFETY: any byte pattern is a valid f32, and the byte view
            // covers exactly the vector's initialised elements.
            let bytes = unsafe {
                std::slice::from_raw_parts_mut(data.as_mut_ptr().cast::<u8>(), count * 4)
            };
            read_at(&self.file, bytes, offset).map_err(|e| bad(&self.path, e))?;
            return Tensor::from_vec(data, shape, device)?.to_dtype(dtype);
        }
        let mut bytes = vec![0u8; count * stored.size_in_bytes()];
        read_at(&self.file, &mut bytes, offset).map_err(|e| bad(&self.path, e))?;
        Tensor::from_raw_buffer(&bytes, stored, shape.dims(), device)?.to_dtype(dtype)
    }
}

/// The rows of one 2-D table of a safetensors file (a token-embedding
/// matrix), read from the file as each batch asks for them instead of held
/// in memory whole: multilingual-e5-small's 250,002 × 384 float32 table is
/// 384 MB of its 470, LaBSE's 1.5 GB of 1.9, and a corpus touches a few
/// tens of thousands of rows. Reads come from the page cache after the
/// first; what a batch gathers is identical to indexing the loaded table.
#[derive(Clone)]
pub(crate) struct TableRows {
    file: std::sync::Arc<SafetensorsFile>,
    /// Where row 0 begins in the file.
    offset: u64,
    rows: usize,
    cols: usize,
    stored: DType,
}

impl std::fmt::Debug for TableRows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (path, rows, cols) = (self.file.path.display(), self.rows, self.cols);
        write!(f, "TableRows({path}: {rows} × {cols} {:?})", self.stored)
    }
}

impl TableRows {
    /// Table `name` of `weights` if it can be read a row at a time: a 2-D
    /// float tensor of a safetensors file (PyTorch files are read whole).
    pub(crate) fn open(weights: &WeightsFile, name: &str) -> Result<Option<TableRows>> {
        let WeightsFile::Safetensors(path) = weights else {
            return Ok(None);
        };
        let file = SafetensorsFile::open(path)?;
        let Some(entry) = file.entries.get(name) else {
            return Ok(None);
        };
        let (stored, offset) = file.locate(name, entry)?;
        let &[rows, cols] = entry.shape.as_slice() else {
            return Ok(None);
        };
        if !matches!(stored, DType::F32 | DType::F16 | DType::BF16) {
            return Ok(None);
        }
        Ok(Some(TableRows {
            file: std::sync::Arc::new(file),
            offset,
            rows,
            cols,
            stored,
        }))
    }

    /// `(rows, cols)` of the table.
    pub(crate) fn dims(&self) -> (usize, usize) {
        (self.rows, self.cols)
    }

    /// Rows `ids`, in order, as an `(ids.len(), cols)` tensor of `dtype` on
    /// `device`.
    pub(crate) fn gather(&self, ids: &[u32], dtype: DType, device: &Device) -> Result<Tensor> {
        // Each distinct row read once: padding repeats one id all over a
        // batch.
        let mut distinct = ids.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        if let Some(&id) = distinct.last().filter(|&&id| id as usize >= self.rows) {
            return Err(bad(
                &self.file.path,
                format!("token id {id} outside the table of {} rows", self.rows),
            ));
        }
        let row_bytes = self.cols * self.stored.size_in_bytes();
        let mut bytes = vec![0u8; distinct.len() * row_bytes];
        for (row, &id) in bytes.chunks_exact_mut(row_bytes).zip(&distinct) {
            let at = self.offset + id as u64 * row_bytes as u64;
            read_at(&self.file.file, row, at).map_err(|e| bad(&self.file.path, e))?;
        }
        let table = Tensor::from_raw_buffer(
            &bytes,
            self.stored,
            &[distinct.len(), self.cols],
            &Device::Cpu,
        )?;
        let index: Vec<u32> = ids
            .iter()
            .map(|id| distinct.partition_point(|d| d < id) as u32)
            .collect();
        let index = Tensor::from_vec(index, ids.len(), &Device::Cpu)?;
        table
            .index_select(&index, 0)?
            .to_dtype(dtype)?
            .to_device(device)
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

impl SimpleBackend for SafetensorsFile {
    fn get(
        &self,
        s: Shape,
        name: &str,
        _: candle_nn::Init,
        dtype: DType,
        dev: &Device,
    ) -> Result<Tensor> {
        let tensor = self.read(name, dtype, dev)?;
        if tensor.shape() != &s {
            return Err(candle_core::Error::UnexpectedShape {
                msg: format!("shape mismatch for {name}"),
                expected: s,
                got: tensor.shape().clone(),
            }
            .bt());
        }
        Ok(tensor)
    }

    fn get_unchecked(&self, name: &str, dtype: DType, dev: &Device) -> Result<Tensor> {
        self.read(name, dtype, dev)
    }

    fn contains_tensor(&self, name: &str) -> bool {
        self.entries.contains_key(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_candle_writes() -> Result<()> {
        let dir = tempfile::tempdir().map_err(candle_core::Error::wrap)?;
        let path = dir.path().join("model.safetensors");
        let dev = Device::Cpu;
        let a = Tensor::arange(0f32, 12.0, &dev)?.reshape((3, 4))?;
        let b = Tensor::new(&[1.5f32, -2.0], &dev)?.to_dtype(DType::F16)?;
        candle_core::safetensors::save(
            &HashMap::from([("a.weight".to_string(), a.clone()), ("b".to_string(), b)]),
            &path,
        )?;
        let vb = var_builder(&WeightsFile::Safetensors(path.clone()), DType::F32, &dev)
            .map_err(candle_core::Error::wrap)?;
        assert!(vb.contains_tensor("a.weight") && !vb.contains_tensor("c"));
        let got = vb.get((3, 4), "a.weight")?;
        assert_eq!(got.to_vec2::<f32>()?, a.to_vec2::<f32>()?);
        assert_eq!(vb.get(2, "b")?.to_vec1::<f32>()?, vec![1.5, -2.0]);
        let err = vb.get((4, 3), "a.weight").unwrap_err().to_string();
        assert!(err.contains("shape mismatch for a.weight"), "{err}");
        let err = vb.get(1, "missing").unwrap_err().to_string();
        assert!(err.contains("missing"), "{err}");
        Ok(())
    }

    #[test]
    fn tied_names_of_one_storage_are_one_tensor() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        // torch.save of a tied checkpoint (scripts/make_pth_fixture.py).
        let tied = WeightsFile::Pytorch(fixtures.join("m2m100-tiny-pth/pytorch_model.bin"));
        assert!(same_tensor(&tied, "lm_head.weight", "model.shared.weight"));
        assert!(same_tensor(
            &tied,
            "model.decoder.embed_tokens.weight",
            "model.shared.weight"
        ));
        assert!(!same_tensor(
            &tied,
            "lm_head.weight",
            "model.encoder.layers.0.fc1.weight"
        ));
        assert!(!same_tensor(&tied, "lm_head.weight", "no.such.tensor"));
        let safetensors = WeightsFile::Safetensors(fixtures.join("m2m100-tiny/model.safetensors"));
        assert!(!same_tensor(
            &safetensors,
            "model.shared.weight",
            "model.shared.weight"
        ));
    }
}
