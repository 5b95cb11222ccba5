//! Where a model's files come from: a local directory in the Hugging Face
//! layout, or a Hub repository fetched into (or found in) the standard
//! Hugging Face cache, so models downloaded by Python tools are reused.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::tokenizer::TokenizerFiles;

/// A model to load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelSource {
    /// A directory with `config.json`, weights and tokenizer files.
    Local(PathBuf),
    /// A Hugging Face Hub repository (needs the `hub` feature).
    Hub {
        /// Repository id, e.g. `Helsinki-NLP/opus-mt-en-ru`.
        repo: String,
        /// Branch, tag or commit; `None` is `main`.
        revision: Option<String>,
    },
}

/// The weights file, in order of preference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WeightsFile {
    /// `model.safetensors` (read tensor by tensor, not memory-mapped).
    Safetensors(PathBuf),
    /// `pytorch_model.bin` (a PyTorch zip pickle, read by candle).
    Pytorch(PathBuf),
}

impl WeightsFile {
    /// The file's path.
    pub fn path(&self) -> &Path {
        match self {
            Self::Safetensors(p) | Self::Pytorch(p) => p,
        }
    }
}

/// Local paths of every file a model needs.
#[derive(Debug, Clone)]
pub struct ModelFiles {
    /// `repo@commit` (the commit the requested revision resolved to in the
    /// cache) or the directory, recorded with every translation.
    pub id: String,
    /// `config.json`.
    pub config: PathBuf,
    /// `generation_config.json`, if the model has one.
    pub generation_config: Option<PathBuf>,
    /// The weights.
    pub weights: WeightsFile,
    /// Tokenizer files present.
    pub tokenizer: TokenizerFiles,
    /// sentence-transformers' `modules.json` and its modules' files, when
    /// the model has them.
    pub sentence_modules: Option<SentenceModuleFiles>,
}

/// A sentence-transformers model's `modules.json` and the files of the
/// modules it lists (`1_Pooling/config.json`, `2_Dense/model.safetensors`),
/// by their path in the repository.
#[derive(Debug, Clone)]
pub struct SentenceModuleFiles {
    /// `modules.json`.
    pub modules_json: PathBuf,
    /// What it lists, in order.
    pub modules: Vec<crate::sentence_head::ModuleEntry>,
    /// `(path in the repository, local path)` of each module file present.
    pub files: Vec<(String, PathBuf)>,
}

/// The files a sentence-transformers module directory may hold.
const MODULE_FILES: [&str; 3] = ["config.json", "model.safetensors", "pytorch_model.bin"];

const TOKENIZER_FILES: [&str; 4] = ["tokenizer.json", "source.spm", "vocab.json", "spiece.model"];

/// Assembles [`ModelFiles`] from a lookup that returns the local path of a
/// file when the model has it.
fn assemble(
    id: String,
    mut find: impl FnMut(&str) -> Result<Option<PathBuf>, Error>,
) -> Result<ModelFiles, Error> {
    let missing = |file: &str| Error::MissingFile {
        model: id.clone(),
        file: file.into(),
    };
    let config = find("config.json")?.ok_or_else(|| missing("config.json"))?;
    let weights = match find("model.safetensors")? {
        Some(p) => WeightsFile::Safetensors(p),
        None => match find("pytorch_model.bin")? {
            Some(p) => WeightsFile::Pytorch(p),
            None => return Err(missing("model.safetensors (or pytorch_model.bin)")),
        },
    };
    let generation_config = find("generation_config.json")?;
    let [tj, src, vocab, spiece] = TOKENIZER_FILES;
    let mut tokenizer = TokenizerFiles {
        tokenizer_json: find(tj)?,
        ..Default::default()
    };
    if tokenizer.tokenizer_json.is_none() {
        tokenizer.source_spm = find(src)?;
        tokenizer.vocab_json = find(vocab)?;
        if tokenizer.source_spm.is_none() {
            tokenizer.spiece_model = find(spiece)?;
        }
    }
    let sentence_modules = match find("modules.json")? {
        None => None,
        Some(modules_json) => {
            let modules = crate::sentence_head::modules(&modules_json)?;
            let mut files = Vec::new();
            for module in modules.iter().filter(|m| !m.path.is_empty()) {
                for f in MODULE_FILES {
                    let name = format!("{}/{f}", module.path);
                    if let Some(p) = find(&name)? {
                        files.push((name, p));
                    }
                }
            }
            Some(SentenceModuleFiles {
                modules_json,
                modules,
                files,
            })
        }
    };
    Ok(ModelFiles {
        id,
        config,
        generation_config,
        weights,
        tokenizer,
        sentence_modules,
    })
}

impl ModelSource {
    /// The id outputs record for this model, known before loading it:
    /// `repo@commit` when the Hub (or, offline, the cache) says which
    /// commit the revision names now, else `repo@revision`; the directory
    /// for a local model. Asking first lets a run look up translations it
    /// has cached under the exact weights that would make them again.
    pub fn pinned_id(&self) -> String {
        match self {
            ModelSource::Local(dir) => dir.display().to_string(),
            ModelSource::Hub { repo, revision } => {
                let rev = revision.as_deref().unwrap_or("main");
                let is_commit = rev.len() == 40 && rev.bytes().all(|b| b.is_ascii_hexdigit());
                let commit = if is_commit {
                    None
                } else {
                    hub::commit(repo, rev)
                };
                format!("{repo}@{}", commit.as_deref().unwrap_or(rev))
            }
        }
    }

    /// Finds (downloading if needed) the model's files.
    pub fn resolve(&self) -> Result<ModelFiles, Error> {
        match self {
            ModelSource::Local(dir) => {
                if !dir.is_dir() {
                    return Err(Error::io(
                        dir,
                        std::io::Error::new(
                            std::io::ErrorKind::NotFound,
                            "model directory not found",
                        ),
                    ));
                }
                assemble(dir.display().to_string(), |f| {
                    let p = dir.join(f);
                    Ok(p.is_file().then_some(p))
                })
            }
            ModelSource::Hub { repo, revision } => hub::resolve(repo, revision.as_deref()),
        }
    }
}

/// Whether `HF_HUB_OFFLINE` asks for no network, as huggingface_hub reads it.
pub fn hub_offline() -> bool {
    std::env::var("HF_HUB_OFFLINE")
        .map(|v| {
            matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "1" | "true" | "yes" | "on"
            )
        })
        .unwrap_or(false)
}

/// The Hub cache directory: `HF_HUB_CACHE`, else `HF_HOME/hub`, else
/// `~/.cache/huggingface/hub` (huggingface_hub's `constants.HF_HUB_CACHE`).
pub fn hub_cache_dir() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("HF_HUB_CACHE") {
        return Some(p.into());
    }
    if let Some(p) = std::env::var_os("HF_HOME") {
        return Some(PathBuf::from(p).join("hub"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/huggingface/hub"))
}

#[cfg(feature = "hub")]
mod hub {
    use super::*;
    use hf_hub::api::sync::ApiBuilder;
    use hf_hub::{Cache, Repo, RepoType};

    /// The Hub API over the standard cache.
    fn api(repo_id: &str, cache_dir: &Path) -> Result<hf_hub::api::sync::Api, Error> {
        ApiBuilder::from_cache(Cache::new(cache_dir.to_path_buf()))
            .with_progress(false)
            .with_endpoint(
                std::env::var("HF_ENDPOINT").unwrap_or_else(|_| "https://huggingface.co".into()),
            )
            .build()
            .map_err(|e| Error::Hub {
                repo: repo_id.into(),
                file: String::new(),
                reason: e.to_string(),
            })
    }

    /// The commit `revision` names now: the Hub's answer, or, offline or
    /// when the Hub cannot be reached, the cache's `refs/<revision>`.
    pub(super) fn commit(repo_id: &str, revision: &str) -> Option<String> {
        let cache_dir = hub_cache_dir()?;
        let repo = Repo::with_revision(repo_id.to_string(), RepoType::Model, revision.into());
        if !hub_offline() {
            let api = api(repo_id, &cache_dir).ok();
            if let Some(info) = api.and_then(|a| a.repo(repo.clone()).info().ok()) {
                return Some(info.sha);
            }
        }
        let refs = cache_dir
            .join(repo.folder_name())
            .join("refs")
            .join(revision);
        let commit = std::fs::read_to_string(refs).ok()?;
        let commit = commit.trim();
        (!commit.is_empty()).then(|| commit.to_string())
    }

    pub(super) fn resolve(repo_id: &str, revision: Option<&str>) -> Result<ModelFiles, Error> {
        let rev = revision.unwrap_or("main").to_string();
        let id = format!("{repo_id}@{rev}");
        let repo = Repo::with_revision(repo_id.to_string(), RepoType::Model, rev.clone());
        let cache_dir = hub_cache_dir().ok_or_else(|| Error::Hub {
            repo: repo_id.into(),
            file: "config.json".into(),
            reason: "no cache directory: set HF_HOME or HF_HUB_CACHE".into(),
        })?;
        let cache = Cache::new(cache_dir.clone());
        let from_cache = |why: String| {
            let (cache, repo, cache_dir) = (cache.clone(), repo.clone(), cache_dir.clone());
            move |f: &str| -> Result<Option<PathBuf>, Error> {
                // Without the Hub the cache is all there is; a config.json
                // missing from it is the error to report.
                match cache.repo(repo.clone()).get(f) {
                    Some(p) => Ok(Some(p)),
                    None if f == "config.json" => Err(Error::Hub {
                        repo: repo_id.into(),
                        file: f.into(),
                        reason: format!(
                            "{why}, and it is not in the cache {}",
                            cache_dir.display()
                        ),
                    }),
                    None => Ok(None),
                }
            }
        };
        if hub_offline() {
            return assemble(id, from_cache("HF_HUB_OFFLINE is set".into()))
                .map(|f| with_commit(repo_id, f));
        }
        let api = api(repo_id, &cache_dir)?;
        let api_repo = api.repo(repo.clone());
        let siblings = match api_repo.info() {
            Ok(info) => info
                .siblings
                .into_iter()
                .map(|s| s.rfilename)
                .collect::<Vec<_>>(),
            Err(e) => {
                // Unreachable Hub: like transformers, fall back to the cache.
                tracing::warn!(
                    "Hugging Face Hub unreachable for {repo_id}: {e}; trying the local cache"
                );
                return assemble(id, from_cache(format!("the Hub is unreachable ({e})")))
                    .map(|f| with_commit(repo_id, f));
            }
        };
        assemble(id, |f| {
            if !siblings.iter().any(|s| s == f) {
                return Ok(None);
            }
            api_repo.get(f).map(Some).map_err(|e| Error::Hub {
                repo: repo_id.into(),
                file: f.into(),
                reason: e.to_string(),
            })
        })
        .map(|f| with_commit(repo_id, f))
    }

    /// Hub files live in `snapshots/<commit>/` of the cache: record the
    /// commit the revision resolved to (`main` moves), so that every output
    /// names the exact weights that made it.
    fn with_commit(repo_id: &str, mut files: ModelFiles) -> ModelFiles {
        let snapshot = files.config.parent();
        let in_snapshots = snapshot
            .and_then(Path::parent)
            .and_then(Path::file_name)
            .is_some_and(|n| n == "snapshots");
        if let Some(commit) = snapshot
            .filter(|_| in_snapshots)
            .and_then(Path::file_name)
            .and_then(|n| n.to_str())
        {
            files.id = format!("{repo_id}@{commit}");
        }
        files
    }
}

#[cfg(not(feature = "hub"))]
mod hub {
    use super::*;

    pub(super) fn commit(_repo_id: &str, _revision: &str) -> Option<String> {
        None
    }

    pub(super) fn resolve(repo_id: &str, _revision: Option<&str>) -> Result<ModelFiles, Error> {
        Err(Error::Hub {
            repo: repo_id.into(),
            file: "config.json".into(),
            reason: "shanyraq-models was built without the `hub` feature".into(),
        })
    }
}
