//! `shanyraq run CORPUS -o OUT`: the main job.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::Args;
use serde_json::json;

use super::progress::Progress;
use crate::export::Format;
use crate::fill::config::{FillConfig, ModelEntry};
use crate::job::{self, FillSetup, JobOptions, JobSummary, Stage};
use crate::lang::CORPUS_LANGS;

/// Exit status when the corpus was written but some gaps stayed empty
/// because a model could not be loaded or run.
pub const EXIT_GAPS_UNFILLED: u8 = 3;

/// Arguments of `shanyraq run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Corpus directory: {kk,ru,en}/<doc-id>.txt or <doc-id>.<lang>.txt (.doc, .docx, .odt, .rtf, .html, .pdf too).
    pub corpus: PathBuf,
    /// Output file (for --format moses, a prefix: OUT.kk, OUT.ru, OUT.en, OUT.meta).
    #[arg(short, long)]
    pub output: PathBuf,
    /// Output format: tmx, moses, tsv or jsonl [default: from the output's extension, else tmx].
    #[arg(short, long)]
    pub format: Option<Format>,
    /// Leave gaps empty (marked) instead of machine-translating them.
    #[arg(long)]
    pub no_fill: bool,
    /// Models and decoding settings per direction (shanyraq.toml).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Use a local model directory for a direction: `kk-en=DIR` (repeatable).
    #[arg(long, value_name = "DIR=PAIR", value_parser = parse_pair)]
    pub model_dir: Vec<(String, String)>,
    /// Use a Hub model for a direction: `kk-en=REPO[@REVISION]` (repeatable).
    #[arg(long, value_name = "PAIR=REPO", value_parser = parse_pair)]
    pub model: Vec<(String, String)>,
    /// Beam size for every direction (1 = greedy).
    #[arg(long)]
    pub beam: Option<usize>,
    /// Sentences per translation batch.
    #[arg(long)]
    pub batch_size: Option<usize>,
    /// Device: cpu, cuda or metal.
    #[arg(long)]
    pub device: Option<String>,
    /// Weight type: auto (f32 on cpu, bf16 on cuda, f16 on metal), f32,
    /// f16 or bf16.
    #[arg(long)]
    pub dtype: Option<String>,
    /// Translation and sentence-embedding cache [default:
    /// $SHANYRAQ_CACHE_DIR, else ~/.cache/shanyraq].
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Continue an interrupted run: its finished translations are in the
    /// cache and are not redone. Fails if the cache does not exist.
    #[arg(long)]
    pub resume: bool,
    /// Write a JSON report: counts per language, gaps filled per direction,
    /// alignment score distribution, the aligner's dictionaries and encoder,
    /// time per stage, models.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Bilingual dictionary for the aligner, hunalign format, for a pair:
    /// `kk-en=FILE` (repeatable; replaces the built-in kk–en one).
    #[arg(long, value_name = "PAIR=FILE", value_parser = parse_pair)]
    pub dict: Vec<(String, String)>,
    /// Align kk–en without the built-in KazNU dictionary.
    #[arg(long)]
    pub no_builtin_dict: bool,
    /// Sentence encoder for embedding evidence in the aligner: none,
    /// e5-small, labse or a model directory (falls back to none with a
    /// warning if it cannot be loaded) [default: `[align] encoder` of the
    /// config, else none].
    #[arg(long)]
    pub encoder: Option<String>,
    /// Run the encoder in float32 even on CPUs where its linear layers
    /// would run in int8 (AVX-512 VNNI): identical vectors on every
    /// machine, at about 0.6× the speed [default: `[align]
    /// encoder_float32` of the config, else off].
    #[arg(long)]
    pub encoder_float32: bool,
    /// Translate N Kazakh sentences that have human Russian/English
    /// translations and report BLEU and chrF against them per direction.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub eval_sample: usize,
    /// Leave out document files that cannot be read (reported as warnings)
    /// instead of failing the run.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Read text files that are not UTF-8 as ENC instead of failing on them:
    /// kz1048 (Kazakh KZ-1048) or cp1251 (Windows-1251); each is named in a
    /// warning.
    #[arg(long, value_name = "ENC")]
    pub legacy_encoding: Option<crate::ingest::Legacy>,
}

fn parse_pair(s: &str) -> Result<(String, String), String> {
    let (pair, value) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}`: expected PAIR=VALUE, e.g. kk-en=/models/kk-en"))?;
    Ok((pair.to_string(), value.to_string()))
}

/// `shanyraq.toml` (`--config`), or the defaults.
fn read_config(args: &RunArgs) -> anyhow::Result<FillConfig> {
    Ok(match &args.config {
        Some(path) => FillConfig::read(path)?,
        None => FillConfig::default(),
    })
}

/// The fill configuration: file, then flags.
fn fill_config(args: &RunArgs, mut config: FillConfig) -> anyhow::Result<FillConfig> {
    let d = &mut config.defaults;
    d.beam = args.beam.or(d.beam);
    d.batch_size = args.batch_size.or(d.batch_size);
    d.device = args.device.clone().or(d.device.take());
    d.dtype = args.dtype.clone().or(d.dtype.take());
    for (pair, dir) in &args.model_dir {
        let entry = direction(&mut config, pair)?;
        *entry = ModelEntry {
            path: Some(PathBuf::from(dir)),
            repo: None,
            revision: None,
            ..entry.clone()
        };
    }
    for (pair, repo) in &args.model {
        let (repo, revision) = match repo.split_once('@') {
            Some((r, v)) => (r.to_string(), Some(v.to_string())),
            None => (repo.clone(), None),
        };
        let entry = direction(&mut config, pair)?;
        *entry = ModelEntry {
            repo: Some(repo),
            revision,
            path: None,
            ..entry.clone()
        };
    }
    for (pair, entry) in &config.models {
        if let Some(p) = &entry.path {
            if !p.is_dir() {
                tracing::warn!("{pair}: model directory {} does not exist", p.display());
            }
        }
    }
    // A mistyped device or weight type fails now, not after the alignment.
    for (src, tgt) in FillConfig::directions() {
        if let Some(spec) = config.spec(src, tgt) {
            spec.runtime()
                .map_err(|e| anyhow::anyhow!("{src}→{tgt}: {e}"))?;
        }
    }
    Ok(config)
}

fn direction<'a>(config: &'a mut FillConfig, pair: &str) -> anyhow::Result<&'a mut ModelEntry> {
    let ok = pair
        .split_once('-')
        .and_then(|(a, b)| {
            Some((
                crate::Lang::from_tag(a)?.column()?,
                crate::Lang::from_tag(b)?.column()?,
            ))
        })
        .is_some_and(|(a, b)| a != b);
    if !ok {
        bail!("`{pair}`: name a direction between kk, ru and en, e.g. kk-en");
    }
    Ok(config.models.entry(pair.to_ascii_lowercase()).or_default())
}

/// `$SHANYRAQ_CACHE_DIR`, else `$XDG_CACHE_HOME/shanyraq`, else `~/.cache/shanyraq`.
pub fn default_cache_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("SHANYRAQ_CACHE_DIR") {
        return d.into();
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME") {
        return Path::new(&d).join("shanyraq");
    }
    let home = std::env::var_os("HOME").unwrap_or_else(|| ".".into());
    Path::new(&home).join(".cache/shanyraq")
}

/// Runs the job and prints its summary on stderr.
pub fn run(args: RunArgs, quiet: bool) -> anyhow::Result<ExitCode> {
    let format = args
        .format
        .or_else(|| Format::from_path(&args.output))
        .unwrap_or(Format::Tmx);
    if format == Format::Moses && args.output.extension().is_some_and(|e| e == "tmx") {
        bail!("--format moses takes an output prefix, not a .tmx file name");
    }
    let cache_dir = args.cache_dir.clone().unwrap_or_else(default_cache_dir);
    if args.resume && !cache_dir.join("translations.jsonl").exists() {
        bail!(
            "--resume: no translation cache in {}; run without --resume (or pass the --cache-dir of the interrupted run)",
            cache_dir.display()
        );
    }
    let factory = crate::fill::engine::EngineFactory;
    let config = read_config(&args)?;
    let align = config.align.clone();
    let fill = if args.no_fill {
        None
    } else {
        Some(FillSetup {
            config: fill_config(&args, config)?,
            factory: &factory,
            cache_dir: cache_dir.clone(),
            eval_sample: args.eval_sample,
            hold_rows: crate::job::HOLD_ROWS,
        })
    };
    let mut resources = crate::row::AlignResources::default();
    // Which dictionary aligned each pair, for the report.
    let mut used: BTreeMap<String, String> = BTreeMap::new();
    // The config's dictionaries, then --dict (which replaces a pair's).
    let mut dictionaries: Vec<(String, PathBuf)> = align.dictionaries.into_iter().collect();
    dictionaries.extend(args.dict.iter().map(|(p, f)| (p.clone(), PathBuf::from(f))));
    for (pair, file) in &dictionaries {
        let (src, tgt) = pair
            .split_once('-')
            .and_then(|(a, b)| Some((crate::Lang::from_tag(a)?, crate::Lang::from_tag(b)?)))
            .ok_or_else(|| anyhow::anyhow!("dictionary `{pair}`: name a pair such as kk-en"))?;
        let lexicon = crate::align::lexicon::Lexicon::read_hunalign(file)?;
        resources.insert(src, tgt, lexicon);
        used.insert(format!("{src}-{tgt}"), file.display().to_string());
    }
    // kk–en without a dictionary of its own takes the built-in one.
    let (kk, en) = (crate::Lang::Kk, crate::Lang::En);
    if !args.no_builtin_dict && resources.get(kk, en).is_none() {
        if let Some(lexicon) = crate::align::lexicon::Lexicon::shipped(kk, en) {
            resources.insert(kk, en, lexicon);
            let name = crate::align::lexicon::SHIPPED_KK_EN;
            used.insert(
                format!("{kk}-{en}"),
                format!("built-in: KazNU kk-en word list ({name})"),
            );
        }
    }
    let encoder = args.encoder.clone().or(align.encoder);
    let loaded = crate::align::embed::load_or_warn(
        encoder.as_deref().unwrap_or("none"),
        args.encoder_float32 || align.encoder_float32,
    );
    if let Some(embedder) = &loaded {
        // A rerun, or a resumed one, encodes only sentences it has not seen.
        let mut e = embedder.lock().unwrap_or_else(|p| p.into_inner());
        if let Err(err) = e.with_disk_cache(&cache_dir) {
            tracing::warn!("sentence embeddings are not cached: {err}");
        }
    }
    let mut aligner = json!({
        "dictionaries": used,
        "encoder": if loaded.is_some() { encoder.as_deref().unwrap_or("none") } else { "none" },
    });
    resources.set_encoder(loaded.clone());
    let opts = JobOptions {
        corpus: args.corpus.clone(),
        skip_invalid: args.skip_invalid,
        legacy_encoding: args.legacy_encoding,
        fill,
        resources,
    };
    let sink = format.open(&args.output)?;
    let mut bar: Option<(Stage, Progress)> = None;
    let summary = job::run(&opts, sink, &mut |stage, done, total| {
        if bar.as_ref().is_none_or(|(s, _)| *s != stage) {
            if let Some((_, old)) = bar.take() {
                old.finish();
            }
            bar = Some((stage, Progress::new(stage.label(), quiet)));
        }
        if let Some((_, p)) = bar.as_mut() {
            p.update(done, total);
        }
    })
    .with_context(|| format!("corpus {}", args.corpus.display()))?;
    if let Some((_, p)) = bar {
        p.finish();
    }
    if let Some(embedder) = &loaded {
        let e = embedder.lock().unwrap_or_else(|p| p.into_inner());
        let (encoded, cached) = e.counts();
        aligner["encoder_sentences"] = json!({ "encoded": encoded, "from_cache": cached });
    }
    if !quiet {
        eprint!("{}", report(&summary));
    }
    if let Some(path) = &args.report {
        let json = serde_json::to_string_pretty(&report_json(&summary, aligner))?;
        let mut file = crate::export::atomic::AtomicFile::create(path)?;
        std::io::Write::write_all(&mut file, json.as_bytes())
            .with_context(|| path.display().to_string())?;
        file.commit()?;
    }
    if summary.fill.as_ref().is_some_and(|f| f.failed()) {
        return Ok(ExitCode::from(EXIT_GAPS_UNFILLED));
    }
    Ok(ExitCode::SUCCESS)
}

fn per_lang(counts: &[usize; 3]) -> String {
    let items: Vec<String> = CORPUS_LANGS
        .iter()
        .zip(counts)
        .map(|(l, n)| format!("{l} {n}"))
        .collect();
    items.join(", ")
}

/// The end-of-run summary.
pub fn report(s: &JobSummary) -> String {
    let files: Vec<String> = s
        .export
        .files
        .iter()
        .map(|f| f.display().to_string())
        .collect();
    let mut out = format!(
        "documents: {} ({})\nsentences: {}\nrows: {}\ngaps: {}\n",
        s.documents,
        per_lang(&s.versions),
        per_lang(&s.sentences),
        s.rows,
        per_lang(&s.gaps),
    );
    if let Some(fill) = &s.fill {
        for d in &fill.directions {
            out.push_str(&format!(
                "filled {}→{}: {}/{} ({} cached, {} translated) with {}",
                d.src, d.tgt, d.filled, d.gaps, d.cached, d.translated, d.model
            ));
            if d.empty > 0 {
                out.push_str(&format!("; {} translated as empty text", d.empty));
            }
            if let Some(e) = &d.error {
                out.push_str(&format!("; {} left empty: {e}", d.failed_gaps()));
            }
            out.push('\n');
        }
        out.push_str(&format!("unfilled: {}\n", per_lang(&s.unfilled)));
    }
    for e in &s.eval {
        match (e.bleu, e.chrf, &e.error) {
            (Some(b), Some(c), _) => out.push_str(&format!(
                "MT quality {}→{} on {} human-translated sentences: BLEU {b:.2}, chrF2 {c:.2} ({})\n",
                e.src, e.tgt, e.segments, e.model
            )),
            (_, _, Some(err)) => out.push_str(&format!("MT quality {}→{}: not measured: {err}\n", e.src, e.tgt)),
            _ => {}
        }
    }
    out.push_str(&format!("wrote: {}\n", files.join(", ")));
    out
}

/// The `--report` JSON; `aligner` names the dictionaries and encoder the
/// alignment used.
pub fn report_json(s: &JobSummary, aligner: serde_json::Value) -> serde_json::Value {
    let by_lang = |counts: &[usize; 3]| {
        let mut m = serde_json::Map::new();
        for (l, n) in CORPUS_LANGS.iter().zip(counts) {
            m.insert(l.code().into(), json!(n));
        }
        serde_json::Value::Object(m)
    };
    json!({
        "version": env!("CARGO_PKG_VERSION"),
        "documents": s.documents,
        "versions": by_lang(&s.versions),
        "sentences": by_lang(&s.sentences),
        "rows": s.rows,
        "gaps": by_lang(&s.gaps),
        "unfilled": by_lang(&s.unfilled),
        "aligner": aligner,
        "alignment_scores": s.score_histogram,
        "fill": s.fill.as_ref().map(|f| &f.directions),
        "eval": s.eval,
        "seconds": {"align": s.seconds[0], "fill": s.seconds[1], "write": s.seconds[2]},
        "warnings": s.warnings,
        "files": s.export.files,
    })
}
