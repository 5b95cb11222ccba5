//! `shanyraq translate --from kk --to en`: one sentence per line on stdin,
//! one translation per line on stdout (same line count; empty in, empty out).

use std::io::{self, BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::Args;
use shanyraq_models::{DecodeOptions, MaxLength, ModelSource, Seq2SeqTranslator, Translator};

use super::progress::Progress;
use crate::fill::engine::{parse_device, parse_dtype};
use crate::lang::Lang;

/// Lines translated per call: big enough for full batches, small enough
/// for steady progress.
const CHUNK: usize = 256;

/// Arguments of `shanyraq translate`.
#[derive(Debug, Args)]
pub struct TranslateArgs {
    /// Source language.
    #[arg(long)]
    pub from: Lang,
    /// Target language.
    #[arg(long)]
    pub to: Lang,
    /// Hub model `REPO[@REVISION]` [default: the built-in model for the direction].
    #[arg(long, conflicts_with = "model_dir")]
    pub model: Option<String>,
    /// A local model directory in the Hugging Face layout.
    #[arg(long)]
    pub model_dir: Option<PathBuf>,
    /// Token prepended to each source for multi-target models, e.g. `>>eng<<`
    /// [default: the built-in one for the direction, when the model is built in];
    /// for a many-to-many model (NLLB) the target language token, e.g.
    /// `rus_Cyrl` [default: the one `--to` names].
    #[arg(long)]
    pub target_token: Option<String>,
    /// Beam size (1 = greedy) [default: the model's generation config].
    #[arg(long)]
    pub beam: Option<usize>,
    /// Sentences per batch.
    #[arg(long, default_value_t = 16)]
    pub batch_size: usize,
    /// Forbid end of sentence before this many tokens.
    #[arg(long)]
    pub min_length: Option<usize>,
    /// Maximum output tokens: `N`, or relative to the source as `Bx` or
    /// `A+Bx` (e.g. `10+1.5x`) [default: the model's generation config].
    #[arg(long, value_parser = parse_max_length)]
    pub max_length: Option<MaxLength>,
    /// Length penalty exponent [default: the model's generation config].
    #[arg(long)]
    pub length_penalty: Option<f32>,
    /// Device: cpu, cuda[:N] or metal[:N].
    #[arg(long, default_value = "cpu")]
    pub device: String,
    /// Weight type: auto (f32 on cpu, bf16 on cuda, f16 on metal), f32,
    /// f16 or bf16.
    #[arg(long, default_value = "auto")]
    pub dtype: String,
}

/// Parses `--max-length`: `64`, `2x`, `10+1.5x`.
pub fn parse_max_length(s: &str) -> Result<MaxLength, String> {
    let bad = || format!("`{s}`: expected N, Bx or A+Bx (e.g. 128, 2x, 10+1.5x)");
    if let Some(rel) = s.strip_suffix('x') {
        let (base, per) = match rel.split_once('+') {
            Some((a, b)) => (a.trim().parse().map_err(|_| bad())?, b.trim()),
            None => (0, rel.trim()),
        };
        let per_source_token: f32 = per.parse().map_err(|_| bad())?;
        return Ok(MaxLength::Relative {
            base,
            per_source_token,
        });
    }
    s.trim().parse().map(MaxLength::Absolute).map_err(|_| bad())
}

/// Loads the model and translates standard input.
pub fn run(args: TranslateArgs, quiet: bool) -> anyhow::Result<ExitCode> {
    if args.from == args.to {
        bail!("--from and --to are both {}", args.from);
    }
    let builtin = shanyraq_models::default_model(args.from.code(), args.to.code());
    let (source, target_token) = match (&args.model_dir, &args.model) {
        (Some(dir), _) => (ModelSource::Local(dir.clone()), args.target_token.clone()),
        (None, Some(m)) => {
            let (repo, revision) = match m.split_once('@') {
                Some((r, v)) => (r.to_string(), Some(v.to_string())),
                None => (m.clone(), None),
            };
            (
                ModelSource::Hub { repo, revision },
                args.target_token.clone(),
            )
        }
        (None, None) => {
            let Some(d) = builtin else {
                bail!(
                    "no built-in model for {}→{}; pass --model or --model-dir",
                    args.from,
                    args.to
                );
            };
            let token = args
                .target_token
                .clone()
                .or_else(|| d.target_token.map(str::to_string));
            (
                ModelSource::Hub {
                    repo: d.repo.to_string(),
                    revision: None,
                },
                token,
            )
        }
    };
    let device = parse_device(&args.device).map_err(anyhow::Error::msg)?;
    let dtype = parse_dtype(&args.dtype).map_err(anyhow::Error::msg)?;
    let options = DecodeOptions {
        dtype,
        beam_size: args.beam,
        length_penalty: args.length_penalty,
        max_length: args.max_length,
        min_length: args.min_length,
        batch_size: args.batch_size.max(1),
        ..DecodeOptions::default()
    };
    let mut translator = Seq2SeqTranslator::load(&source, device, target_token, options)
        .context("loading the model")?;
    translator
        .set_languages(args.from.code(), args.to.code())
        .context("naming the direction to the model")?;
    let lines: Vec<String> = io::stdin()
        .lock()
        .lines()
        .collect::<Result<_, _>>()
        .context("reading standard input (one UTF-8 sentence per line)")?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut progress = Progress::new("translate", quiet);
    for (k, chunk) in lines.chunks(CHUNK).enumerate() {
        let refs: Vec<&str> = chunk.iter().map(String::as_str).collect();
        let hyps = translator.translate(&refs)?;
        for h in hyps {
            // A translation never spans lines: that would break line parity.
            writeln!(out, "{}", h.text.replace(['\n', '\r'], " "))?;
        }
        out.flush()?;
        progress.update((k * CHUNK + chunk.len()).min(lines.len()), lines.len());
    }
    progress.finish();
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_length_forms() {
        assert_eq!(parse_max_length("64"), Ok(MaxLength::Absolute(64)));
        assert_eq!(
            parse_max_length("10+1.5x"),
            Ok(MaxLength::Relative {
                base: 10,
                per_source_token: 1.5
            })
        );
        assert_eq!(
            parse_max_length("2x"),
            Ok(MaxLength::Relative {
                base: 0,
                per_source_token: 2.0
            })
        );
        assert!(parse_max_length("x2").is_err());
    }
}
