//! Sentence embeddings for the embedding aligner: text → unit vectors whose
//! dot product is the cosine similarity Vecalign scores alignments with.
//!
//! [`SentenceEncoder`] runs a [`Bert`] (BERT or XLM-R) checkpoint in the
//! Hugging Face layout: it adds the model's prefix (`query: ` for E5),
//! tokenizes with `tokenizer.json`, sorts sentences by length into padded
//! batches, pools the last hidden states ([`Pooling`]) and L2-normalises,
//! returning vectors in input order. The default model,
//! [`DEFAULT_ENCODER`], is what sentence-transformers computes for
//! `intfloat/multilingual-e5-small`: `Transformer → Pooling(mean) →
//! Normalize` (its `modules.json`).

use candle_core::{DType, Device, Tensor};

use crate::bert::{self, Bert, Config};
use crate::error::Error;
use crate::sentence_head::SentenceHead;
use crate::source::ModelSource;
use crate::translator::DeviceChoice;

/// The default sentence encoder: multilingual, 384 dimensions, MIT licence.
pub const DEFAULT_ENCODER: &str = "intfloat/multilingual-e5-small";

/// How token states become one sentence vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pooling {
    /// Mean over the non-padding tokens, specials included (E5,
    /// sentence-transformers `pooling_mode_mean_tokens`).
    Mean,
    /// The first token's (`<s>` / `[CLS]`) state.
    Cls,
    /// The checkpoint's pooler, tanh(dense(CLS)): LaBSE's
    /// `Pooling(cls) → Dense(tanh)`, whose dense layer is the BERT pooler.
    Pooler,
}

/// Settings of a [`SentenceEncoder`].
#[derive(Debug, Clone, PartialEq)]
pub struct EncoderOptions {
    /// Text put before every sentence. E5 was trained with `query: ` or
    /// `passage: `; the model card asks for `query: ` on symmetric tasks
    /// such as bitext mining.
    pub prefix: String,
    /// Pooling of the last hidden states.
    pub pooling: Pooling,
    /// Divide each vector by its L2 norm.
    pub normalize: bool,
    /// Sentences per batch.
    pub batch_size: usize,
    /// Bound on padded tokens per batch (`rows × longest`), so that a few long
    /// sentences do not make one huge attention tensor.
    pub max_batch_tokens: usize,
    /// Weight and activation type; `None`: the device's
    /// ([`DeviceChoice::default_dtype`]). Pooling and normalisation run in
    /// float32 whatever it is.
    pub dtype: Option<DType>,
    /// Run the encoder's linear layers in int8 on CPUs with AVX-512 VNNI
    /// (float32 elsewhere, and in float32 models only): weights quantised
    /// per output row, activations per token. On by default: 1.7× the
    /// sentences per second of float32 on two cores, vectors within cosine
    /// 0.99 of float32's, the same alignment F1 on every evaluation set
    /// but ParIce (−0.004); see BENCHMARKS.md. The model id then ends in
    /// `+int8`, so caches keep the two apart.
    pub int8: bool,
}

impl EncoderOptions {
    /// multilingual-e5: `query: `, mean pooling, normalised.
    pub fn e5() -> Self {
        Self {
            prefix: "query: ".into(),
            pooling: Pooling::Mean,
            normalize: true,
            batch_size: 32,
            max_batch_tokens: 8192,
            dtype: None,
            int8: true,
        }
    }

    /// LaBSE: no prefix, pooler output, normalised. A sentence-transformers
    /// copy (`sentence-transformers/LaBSE`) runs its own `modules.json`
    /// instead: CLS, its Dense module, normalised ([`SentenceHead`]).
    pub fn labse() -> Self {
        Self {
            prefix: String::new(),
            pooling: Pooling::Pooler,
            ..Self::e5()
        }
    }

    /// The options a model id calls for: LaBSE's for ids containing
    /// `labse` (any case), E5's otherwise.
    pub fn for_model(id: &str) -> Self {
        if id.to_ascii_lowercase().contains("labse") {
            Self::labse()
        } else {
            Self::e5()
        }
    }
}

impl Default for EncoderOptions {
    fn default() -> Self {
        Self::e5()
    }
}

/// Encodes sentences into fixed-size vectors.
#[derive(Debug)]
pub struct SentenceEncoder {
    id: String,
    model: Bert,
    tokenizer: Option<(tokenizers::Tokenizer, std::path::PathBuf)>,
    options: EncoderOptions,
    /// The dense layers (and pooling) of a sentence-transformers model.
    head: Option<SentenceHead>,
    pad: u32,
    max_tokens: usize,
    device: Device,
}

impl SentenceEncoder {
    /// Loads a model with the options its id calls for
    /// ([`EncoderOptions::for_model`]).
    pub fn load(source: &ModelSource, device: DeviceChoice) -> Result<Self, Error> {
        let id = match source {
            ModelSource::Local(dir) => dir.display().to_string(),
            ModelSource::Hub { repo, .. } => repo.clone(),
        };
        Self::load_with(source, device, EncoderOptions::for_model(&id))
    }

    /// Loads a model with explicit options. Needs `config.json` (BERT or
    /// XLM-R), `model.safetensors` or `pytorch_model.bin`, and
    /// `tokenizer.json`. A sentence-transformers `modules.json`, when
    /// present, sets the pooling and normalisation and adds its dense
    /// layers ([`SentenceHead`]).
    pub fn load_with(
        source: &ModelSource,
        device: DeviceChoice,
        mut options: EncoderOptions,
    ) -> Result<Self, Error> {
        let files = source.resolve()?;
        let dtype = options.dtype.unwrap_or(device.default_dtype());
        let device = device.device()?;
        let cfg = Config::from_file(&files.config)?;
        let path = files.weights.path().to_path_buf();
        let weights_err = |source| Error::Weights {
            path: path.clone(),
            source,
        };
        let vb = crate::weights::float_var_builder(&files, dtype, &device)?;
        let mut model = Bert::with_rows_on_disk(cfg, vb, &files.weights).map_err(weights_err)?;
        // What runs, for `options()`: float32 where int8 cannot.
        options.int8 = options.int8
            && dtype == DType::F32
            && device.is_cpu()
            && model.quantize_int8().map_err(weights_err)?;
        let head = match &files.sentence_modules {
            Some(modules) => Some(SentenceHead::load(modules, &device)?),
            None => None,
        };
        if let Some(head) = &head {
            options.pooling = head.pooling;
            options.normalize = head.normalize;
        }
        let tj = files
            .tokenizer
            .tokenizer_json
            .clone()
            .ok_or_else(|| Error::MissingFile {
                model: files.id.clone(),
                file: "tokenizer.json".into(),
            })?;
        let tokenizer =
            tokenizers::Tokenizer::from_file(&tj).map_err(|e| Error::tokenizer(&tj, e))?;
        // Int8 vectors differ a little from float32 ones: caches keyed by
        // the id must not mix them.
        let id = if options.int8 {
            format!("{}+int8", files.id)
        } else {
            files.id
        };
        let mut encoder = Self::new(id, model, options, device)?;
        encoder.head = head;
        if encoder.options.pooling == Pooling::Pooler && !encoder.model.has_pooler() {
            return Err(Error::Load {
                model: encoder.id,
                reason: format!(
                    "pooling {:?} needs pooler.dense in {}",
                    Pooling::Pooler,
                    path.display()
                ),
            });
        }
        encoder.tokenizer = Some((tokenizer, tj));
        Ok(encoder)
    }

    /// An encoder around an already built model, without a tokenizer: only
    /// [`SentenceEncoder::encode_ids`] works. For tests and callers that
    /// tokenize themselves.
    pub fn new(
        id: String,
        model: Bert,
        options: EncoderOptions,
        device: Device,
    ) -> Result<Self, Error> {
        let cfg = model.config();
        let (pad, max_tokens) = (cfg.pad_token_id, cfg.max_tokens());
        Ok(Self {
            id,
            model,
            tokenizer: None,
            options,
            head: None,
            pad,
            max_tokens,
            device,
        })
    }

    /// `repo@revision` or the directory: what a cache must key vectors by.
    pub fn model_id(&self) -> &str {
        &self.id
    }

    /// Length of every vector.
    pub fn dim(&self) -> usize {
        let hidden = self.model.config().hidden_size;
        self.head.as_ref().map_or(hidden, |h| h.dim(hidden))
    }

    /// The settings in use.
    pub fn options(&self) -> &EncoderOptions {
        &self.options
    }

    /// Token ids of `text` as the model sees it: prefix added, special
    /// tokens around it, cut to the position table (the last token, `</s>`
    /// or `[SEP]`, kept, as transformers' truncation keeps it).
    pub fn token_ids(&self, text: &str) -> Result<Vec<u32>, Error> {
        let Some((tok, path)) = &self.tokenizer else {
            return Err(Error::Load {
                model: self.id.clone(),
                reason: "encoder built without a tokenizer".into(),
            });
        };
        let input = format!("{}{}", self.options.prefix, text);
        let mut ids = tok
            .encode(input.as_str(), true)
            .map_err(|e| Error::tokenizer(path, e))?
            .get_ids()
            .to_vec();
        if ids.len() > self.max_tokens && self.max_tokens >= 2 {
            let last = ids[ids.len() - 1];
            ids.truncate(self.max_tokens - 1);
            ids.push(last);
        }
        Ok(ids)
    }

    /// One vector per sentence, in input order.
    pub fn encode(&mut self, sentences: &[&str]) -> Result<Vec<Vec<f32>>, Error> {
        let ids = sentences
            .iter()
            .map(|s| self.token_ids(s))
            .collect::<Result<Vec<_>, _>>()?;
        self.encode_ids(&ids)
    }

    /// One vector per id sequence, in input order. Sequences are sorted by
    /// length (longest first) and cut into batches of at most
    /// `batch_size` rows and `max_batch_tokens` padded tokens, so that
    /// padding costs little.
    pub fn encode_ids(&mut self, ids: &[Vec<u32>]) -> Result<Vec<Vec<f32>>, Error> {
        let this = &*self;
        crate::cpu::on_pool(|| this.encode_sorted(ids))
    }

    fn encode_sorted(&self, ids: &[Vec<u32>]) -> Result<Vec<Vec<f32>>, Error> {
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(ids[i].len()));
        let mut out = vec![Vec::new(); ids.len()];
        let mut start = 0;
        while start < order.len() {
            let longest = ids[order[start]].len().max(1);
            let rows = (self.options.max_batch_tokens / longest)
                .clamp(1, self.options.batch_size.max(1))
                .min(order.len() - start);
            let batch = &order[start..start + rows];
            let vectors = self.encode_batch(batch.iter().map(|&i| ids[i].as_slice()))?;
            for (&i, v) in batch.iter().zip(vectors) {
                out[i] = v;
            }
            start += rows;
        }
        Ok(out)
    }

    /// Runs one padded batch (padding on the right with `pad_token_id`).
    fn encode_batch<'a>(
        &self,
        rows: impl ExactSizeIterator<Item = &'a [u32]> + Clone,
    ) -> Result<Vec<Vec<f32>>, Error> {
        let b = rows.len();
        let t = rows.clone().map(<[u32]>::len).max().unwrap_or(0).max(1);
        let mut ids = vec![self.pad; b * t];
        let mut mask = vec![0u32; b * t];
        for (r, row) in rows.enumerate() {
            ids[r * t..r * t + row.len()].copy_from_slice(row);
            mask[r * t..r * t + row.len()].fill(1);
        }
        let ids = Tensor::from_vec(ids, (b, t), &self.device)?;
        let mask = Tensor::from_vec(mask, (b, t), &self.device)?;
        let hidden = self.model.forward(&ids, &mask)?;
        let pooled = match self.options.pooling {
            Pooling::Mean => bert::mean_pool(&hidden.to_dtype(DType::F32)?, &mask)?,
            // Contiguous: the first token of each row is a strided view, and
            // CUDA's matmul (the dense head) takes only contiguous operands.
            Pooling::Cls => hidden
                .narrow(1, 0, 1)?
                .squeeze(1)?
                .to_dtype(DType::F32)?
                .contiguous()?,
            Pooling::Pooler => match self.model.pool(&hidden) {
                Some(p) => p?.to_dtype(DType::F32)?,
                None => {
                    return Err(Error::Load {
                        model: self.id.clone(),
                        reason: "pooling Pooler needs pooler.dense weights".into(),
                    })
                }
            },
        };
        let pooled = match &self.head {
            Some(head) => head.dense(pooled)?,
            None => pooled,
        };
        let pooled = if self.options.normalize {
            bert::l2_normalize(&pooled)?
        } else {
            pooled
        };
        Ok(pooled.to_vec2()?)
    }
}

/// Cosine similarity of two vectors (their dot product when normalised).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (na * nb).max(1e-12)
}
