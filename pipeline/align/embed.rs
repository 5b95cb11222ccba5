//! Sentence embeddings as alignment evidence (Vecalign's idea): the cosine
//! between the embeddings of a bead's two sides, where each side (one to
//! three consecutive sentences) is embedded as its own text.
//!
//! Costs are normalised per run, as Vecalign does, by the run's average
//! distance to sentences of the other side, which are mostly not its
//! translation; so the weight means the same for every encoder and language
//! pair, and sentences close to everything do not attract matches.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use shanyraq_models::SentenceEncoder;

use super::embed_cache::{self, EmbeddingCache};

/// Longest run of consecutive sentences embedded as one text.
pub const MAX_RUN: usize = 3;

/// Turns texts into unit-length embeddings, remembering what it has seen:
/// a sentence is encoded once per run, whatever the number of documents
/// and language pairs it takes part in.
pub struct Embedder {
    encoder: SentenceEncoder,
    cache: HashMap<String, Arc<[f32]>>,
    /// Embeddings of earlier runs, if kept.
    disk: Option<EmbeddingCache>,
    /// Texts encoded, and texts read back from `disk`.
    encoded: usize,
    from_disk: usize,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder")
            .field("model", &self.encoder.model_id())
            .field("cached", &self.cache.len())
            .finish()
    }
}

/// An embedder shared by the aligners of a run.
pub type SharedEmbedder = Arc<Mutex<Embedder>>;

impl Embedder {
    /// Wraps a loaded encoder.
    pub fn new(encoder: SentenceEncoder) -> Embedder {
        Embedder {
            encoder,
            cache: HashMap::new(),
            disk: None,
            encoded: 0,
            from_disk: 0,
        }
    }

    /// The encoder's model id.
    pub fn model_id(&self) -> &str {
        self.encoder.model_id()
    }

    /// Keeps embeddings in `dir` between runs ([`EmbeddingCache`]): texts
    /// embedded before by the same model are read back, not encoded.
    pub fn with_disk_cache(&mut self, dir: &std::path::Path) -> crate::error::Result<()> {
        self.disk = Some(EmbeddingCache::open(dir)?);
        Ok(())
    }

    /// Texts encoded so far, and texts read back from the disk cache.
    pub fn counts(&self) -> (usize, usize) {
        (self.encoded, self.from_disk)
    }

    /// Embeddings of `texts`, encoding only those not seen before.
    pub fn embed(&mut self, texts: &[String]) -> Result<Vec<Arc<[f32]>>, shanyraq_models::Error> {
        let mut missing: Vec<&str> = texts
            .iter()
            .filter(|t| !self.cache.contains_key(t.as_str()))
            .map(String::as_str)
            .collect();
        missing.sort_unstable();
        missing.dedup();
        if let Some(disk) = &mut self.disk {
            let model = self.encoder.model_id();
            let mut unknown = Vec::new();
            for t in missing {
                match disk.get(embed_cache::key(model, t)) {
                    Ok(Some(v)) => {
                        self.cache.insert(t.to_string(), v.into());
                        self.from_disk += 1;
                    }
                    Ok(None) => unknown.push(t),
                    Err(e) => {
                        // The cache only saves time: without it the run
                        // encodes what it needs.
                        tracing::warn!("embedding cache left unused: {e}");
                        self.disk = None;
                        return self.embed(texts);
                    }
                }
            }
            missing = unknown;
        }
        if !missing.is_empty() {
            let vectors = self.encoder.encode(&missing)?;
            self.encoded += missing.len();
            if let Some(disk) = &mut self.disk {
                let model = self.encoder.model_id();
                let items = missing
                    .iter()
                    .zip(&vectors)
                    .map(|(t, v)| (embed_cache::key(model, t), v.as_slice()));
                if let Err(e) = disk.insert_all(items) {
                    tracing::warn!("embedding cache left unused: {e}");
                    self.disk = None;
                }
            }
            for (t, v) in missing.iter().zip(vectors) {
                self.cache.insert(t.to_string(), v.into());
            }
        }
        Ok(texts
            .iter()
            .map(|t| self.cache[t.as_str()].clone())
            .collect())
    }
}

/// Embeddings of every run of one to [`MAX_RUN`] sentences of both sides
/// of a document pair, with Vecalign's normaliser for each run.
pub struct RunEmbeddings {
    src: Vec<Arc<[f32]>>,
    tgt: Vec<Arc<[f32]>>,
    /// Per source run, its mean cosine distance to sampled target
    /// sentences; the same for target runs against source sentences.
    src_norm: Vec<f64>,
    tgt_norm: Vec<f64>,
    /// Mean distance of single-sentence pairs half a document apart: the
    /// document-wide normaliser, when per-run ones are not wanted.
    document_norm: f64,
    per_run: bool,
}

/// Texts of every run, indexed `start * MAX_RUN + (len - 1)`; runs past
/// the end are empty strings (never looked up).
fn runs(sentences: &[&str]) -> Vec<String> {
    let mut out = Vec::with_capacity(sentences.len() * MAX_RUN);
    for start in 0..sentences.len() {
        for len in 1..=MAX_RUN {
            out.push(if start + len <= sentences.len() {
                sentences[start..start + len].join(" ")
            } else {
                String::new()
            });
        }
    }
    out
}

/// Sentences sampled per run for its normaliser (Vecalign uses 20).
const NORM_SAMPLES: usize = 20;

fn cosine_distance(a: &[f32], b: &[f32]) -> f64 {
    let cos: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    1.0 - f64::from(cos)
}

/// For each run of `runs`, the mean distance to single sentences of the
/// other side spread evenly over it (a deterministic stand-in for
/// Vecalign's random sample). Sentences that sit close to everything
/// (short ones, lists of names) get a small normaliser, so only a match
/// clearly closer than their usual distance counts.
fn normalisers(runs: &[Arc<[f32]>], other: &[Arc<[f32]>]) -> Vec<f64> {
    let m = other.len() / MAX_RUN;
    let samples = m.min(NORM_SAMPLES);
    runs.iter()
        .enumerate()
        .map(|(i, v)| {
            if samples == 0 || v.is_empty() {
                return 1.0;
            }
            // Offset the sample per run so neighbours do not share it.
            let total: f64 = (0..samples)
                .map(|k| {
                    let j = (k * m / samples + i / MAX_RUN) % m;
                    cosine_distance(v, &other[j * MAX_RUN])
                })
                .sum();
            (total / samples as f64).max(1e-3)
        })
        .collect()
}

/// Mean distance of single-sentence pairs half a document apart.
fn document_normaliser(src: &[Arc<[f32]>], tgt: &[Arc<[f32]>]) -> f64 {
    let (n, m) = (src.len() / MAX_RUN, tgt.len() / MAX_RUN);
    if n < 2 || m < 2 {
        return 1.0;
    }
    let samples = n.min(200);
    let total: f64 = (0..samples)
        .map(|k| {
            let i = k * n / samples;
            let j = (i * m / n + m / 2) % m;
            cosine_distance(&src[i * MAX_RUN], &tgt[j * MAX_RUN])
        })
        .sum();
    (total / samples as f64).max(1e-3)
}

impl RunEmbeddings {
    /// Embeds the runs of both sides.
    pub fn new(
        embedder: &SharedEmbedder,
        src: &[&str],
        tgt: &[&str],
    ) -> Result<RunEmbeddings, shanyraq_models::Error> {
        let mut e = embedder.lock().unwrap_or_else(|p| p.into_inner());
        let src = e.embed(&runs(src))?;
        let tgt = e.embed(&runs(tgt))?;
        let src_norm = normalisers(&src, &tgt);
        let tgt_norm = normalisers(&tgt, &src);
        let document_norm = document_normaliser(&src, &tgt);
        Ok(RunEmbeddings {
            src,
            tgt,
            src_norm,
            tgt_norm,
            document_norm,
            per_run: true,
        })
    }

    /// Normalise every bead by the document-wide distance of unrelated
    /// pairs instead of Vecalign's per-run normalisers.
    pub fn with_document_normaliser(mut self) -> Self {
        self.per_run = false;
        self
    }

    fn index(r: &Range<usize>) -> usize {
        r.start * MAX_RUN + r.len() - 1
    }

    /// Cosine distance of the two sides divided by the mean of their
    /// normalisers: about 1 for unrelated text, near 0 for translations.
    pub fn distance(&self, s: &Range<usize>, t: &Range<usize>) -> f64 {
        let (i, j) = (Self::index(s), Self::index(t));
        let norm = if self.per_run {
            0.5 * (self.src_norm[i] + self.tgt_norm[j])
        } else {
            self.document_norm
        };
        cosine_distance(&self.src[i], &self.tgt[j]) / norm
    }
}

/// Loads the encoder named on the command line or in shanyraq.toml:
/// `none`, `e5-small` (intfloat/multilingual-e5-small), `labse`
/// (sentence-transformers/LaBSE), or a local model directory. `Ok(None)`
/// for `none`. `float32` keeps the encoder's linear layers in float32 on
/// CPUs where they would run in int8: the same vectors on every machine.
pub fn load(choice: &str, float32: bool) -> Result<Option<SharedEmbedder>, shanyraq_models::Error> {
    use shanyraq_models::{DeviceChoice, EncoderOptions, ModelSource};
    let (source, id) = match choice {
        "none" | "" => return Ok(None),
        "e5-small" => (
            hub(shanyraq_models::DEFAULT_ENCODER),
            shanyraq_models::DEFAULT_ENCODER,
        ),
        "labse" => (
            hub("sentence-transformers/LaBSE"),
            "sentence-transformers/LaBSE",
        ),
        dir => (ModelSource::Local(dir.into()), dir),
    };
    let options = EncoderOptions {
        int8: !float32,
        ..EncoderOptions::for_model(id)
    };
    let encoder = SentenceEncoder::load_with(&source, DeviceChoice::Cpu, options)?;
    Ok(Some(Arc::new(Mutex::new(Embedder::new(encoder)))))
}

fn hub(repo: &str) -> shanyraq_models::ModelSource {
    shanyraq_models::ModelSource::Hub {
        repo: repo.to_string(),
        revision: None,
    }
}

/// [`load`], falling back to the model-free aligner with a warning when
/// the encoder cannot be loaded (offline, missing files).
pub fn load_or_warn(choice: &str, float32: bool) -> Option<SharedEmbedder> {
    match load(choice, float32) {
        Ok(e) => e,
        Err(err) => {
            tracing::warn!("encoder `{choice}` unavailable, aligning without embeddings: {err}");
            None
        }
    }
}
