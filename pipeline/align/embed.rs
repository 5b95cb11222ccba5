//! Sentence embeddings as alignment evidence (Vecalign's idea): the cosine
//! between the embeddings of a bead's two sides, where each side (one to
//! three consecutive sentences) is embedded as its own text.
//!
//! Costs are normalised per document pair by the average distance of
//! sentence pairs that are not translations (approximated, as Vecalign
//! does, by pairs far off the diagonal), so the weight means the same for
//! every encoder and language pair.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use shanyraq_models::SentenceEncoder;

/// Longest run of consecutive sentences embedded as one text.
pub const MAX_RUN: usize = 3;

/// Turns texts into unit-length embeddings, remembering what it has seen:
/// a sentence is encoded once per run, whatever the number of documents
/// and language pairs it takes part in.
pub struct Embedder {
    encoder: SentenceEncoder,
    cache: HashMap<String, Arc<[f32]>>,
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
        }
    }

    /// The encoder's model id.
    pub fn model_id(&self) -> &str {
        self.encoder.model_id()
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
        if !missing.is_empty() {
            let vectors = self.encoder.encode(&missing)?;
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
/// of a document pair.
pub struct RunEmbeddings {
    src: Vec<Arc<[f32]>>,
    tgt: Vec<Arc<[f32]>>,
    /// Average cosine distance of unrelated pairs, for normalisation.
    scale: f64,
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
        let mut r = RunEmbeddings {
            src,
            tgt,
            scale: 1.0,
        };
        r.scale = r.unrelated_distance();
        Ok(r)
    }

    fn vector<'a>(v: &'a [Arc<[f32]>], r: &Range<usize>) -> &'a [f32] {
        &v[r.start * MAX_RUN + r.len() - 1]
    }

    /// Cosine distance of the two sides, divided by the document's
    /// distance between unrelated sentences (about 1 for unrelated text,
    /// near 0 for translations).
    pub fn distance(&self, s: &Range<usize>, t: &Range<usize>) -> f64 {
        let (a, b) = (Self::vector(&self.src, s), Self::vector(&self.tgt, t));
        let cos: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
        (1.0 - f64::from(cos)) / self.scale
    }

    /// Mean distance of single-sentence pairs half a document apart.
    fn unrelated_distance(&self) -> f64 {
        let (n, m) = (self.src.len() / MAX_RUN, self.tgt.len() / MAX_RUN);
        if n < 2 || m < 2 {
            return 1.0;
        }
        let samples = n.min(200);
        let mut total = 0.0;
        for k in 0..samples {
            let i = k * n / samples;
            let j = (i * m / n + m / 2) % m;
            let a = Self::vector(&self.src, &(i..i + 1));
            let b = Self::vector(&self.tgt, &(j..j + 1));
            let cos: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
            total += 1.0 - f64::from(cos);
        }
        (total / samples as f64).max(1e-3)
    }
}

/// Loads the encoder named on the command line or in shanyraq.toml:
/// `none`, `e5-small` (intfloat/multilingual-e5-small), `labse`
/// (sentence-transformers/LaBSE), or a local model directory. `Ok(None)`
/// for `none`.
pub fn load(choice: &str) -> Result<Option<SharedEmbedder>, shanyraq_models::Error> {
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
    let encoder =
        SentenceEncoder::load_with(&source, DeviceChoice::Cpu, EncoderOptions::for_model(id))?;
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
pub fn load_or_warn(choice: &str) -> Option<SharedEmbedder> {
    match load(choice) {
        Ok(e) => e,
        Err(err) => {
            tracing::warn!("encoder `{choice}` unavailable, aligning without embeddings: {err}");
            None
        }
    }
}
