//! `shanyraq score --ref REF --hyp HYP`: sacreBLEU-identical BLEU, chrF,
//! chrF++ and TER, with gates for CI (`--min bleu=25 --max ter=60`).
//!
//! Exit status: 0 all gates passed, 1 a gate failed, 2 usage or input error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::Args;
use serde_json::{json, Value};

use super::EXIT_GATE_FAILED;
use crate::export::tmx_read;
use crate::ingest;
use crate::lang::Lang;
use crate::score::{
    paired_bootstrap, BleuOptions, BootstrapOptions, ChrfOptions, Metric, Score, Smoothing,
    TerOptions, Tokenize,
};

/// Arguments of `shanyraq score`.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Reference: a text file (one segment a line) or `FILE.tmx:LANG`
    /// (repeat for several references).
    #[arg(long = "ref", required = true, value_name = "REF")]
    pub refs: Vec<String>,
    /// Hypothesis: a text file or `FILE.tmx:LANG` (repeat to score several
    /// systems; with --paired-bs the first is the baseline).
    #[arg(long = "hyp", required = true, value_name = "HYP")]
    pub hyps: Vec<String>,
    /// Metrics, comma-separated: bleu, chrf, chrf++, ter.
    #[arg(long, default_value = "bleu,chrf", value_delimiter = ',')]
    pub metrics: Vec<String>,
    /// BLEU tokenizer: 13a, intl, char or none.
    #[arg(long, default_value = "13a")]
    pub tokenize: Tokenize,
    /// Lowercase before BLEU and chrF.
    #[arg(long)]
    pub lowercase: bool,
    /// BLEU smoothing: exp, floor, add-k or none.
    #[arg(long, default_value = "exp")]
    pub smooth_method: String,
    /// Value for floor (default 0.1) or add-k (default 1) smoothing.
    #[arg(long)]
    pub smooth_value: Option<f64>,
    /// TER: keep case (sacrebleu's TER lowercases by default).
    #[arg(long)]
    pub ter_case_sensitive: bool,
    /// One line of scores per segment (BLEU with effective order, as
    /// sacrebleu's sentence_score).
    #[arg(long)]
    pub sentence_level: bool,
    /// Paired bootstrap resampling of every --hyp against the first.
    #[arg(long)]
    pub paired_bs: bool,
    /// Bootstrap samples.
    #[arg(long, default_value_t = 1000)]
    pub paired_bs_n: usize,
    /// Bootstrap seed (sacrebleu's default).
    #[arg(long, default_value_t = 12345)]
    pub seed: u64,
    /// Gate: fail (exit 1) when METRIC scores below VALUE, e.g. bleu=25.
    #[arg(long, value_name = "METRIC=VALUE", value_parser = parse_gate)]
    pub min: Vec<(String, f64)>,
    /// Gate: fail (exit 1) when METRIC scores above VALUE, e.g. ter=60.
    #[arg(long, value_name = "METRIC=VALUE", value_parser = parse_gate)]
    pub max: Vec<(String, f64)>,
    /// Print one JSON object: scores, signatures, gates.
    #[arg(long)]
    pub json: bool,
}

fn parse_gate(s: &str) -> Result<(String, f64), String> {
    let (m, v) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}`: expected METRIC=VALUE, e.g. bleu=25"))?;
    let v: f64 = v
        .parse()
        .map_err(|_| format!("`{s}`: `{v}` is not a number"))?;
    Ok((m.to_ascii_lowercase(), v))
}

/// One input stream: its name and segments.
struct Stream {
    name: String,
    lines: Vec<String>,
    docs: Option<Vec<Option<String>>>,
}

/// Reads `FILE` (lines) or `FILE.tmx:LANG` (segments of one language, with
/// document ids so streams can be checked against each other).
fn read_stream(spec: &str) -> anyhow::Result<Stream> {
    if let Some((file, lang)) = spec.rsplit_once(':') {
        if file.to_ascii_lowercase().ends_with(".tmx") {
            let lang: Lang = lang.parse()?;
            let mut lines = Vec::new();
            let mut docs = Vec::new();
            for unit in tmx_read::open(Path::new(file))? {
                let unit = unit?;
                lines.push(
                    unit.variant(lang)
                        .map(|v| v.text.clone())
                        .unwrap_or_default(),
                );
                docs.push(unit.prop("x-doc").map(str::to_string));
            }
            return Ok(Stream {
                name: spec.to_string(),
                lines,
                docs: Some(docs),
            });
        }
    }
    if spec.to_ascii_lowercase().ends_with(".tmx") {
        bail!("{spec}: name the language of the segments to score, e.g. {spec}:en");
    }
    let path = PathBuf::from(spec);
    let bytes = std::fs::read(&path).with_context(|| format!("reading {spec}"))?;
    let text = ingest::decode(&path, bytes)?;
    let lines = text
        .split_terminator('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l).to_string())
        .collect();
    Ok(Stream {
        name: spec.to_string(),
        lines,
        docs: None,
    })
}

fn metrics(args: &ScoreArgs) -> anyhow::Result<Vec<(String, Metric)>> {
    let smoothing = Smoothing::from_name(&args.smooth_method, args.smooth_value)?;
    let mut out = Vec::new();
    for m in &args.metrics {
        let key = m.trim().to_ascii_lowercase();
        let metric = match key.as_str() {
            "bleu" => Metric::Bleu(BleuOptions {
                tokenize: args.tokenize,
                lowercase: args.lowercase,
                smoothing,
                effective_order: args.sentence_level,
                ..BleuOptions::default()
            }),
            "chrf" => Metric::Chrf(ChrfOptions {
                lowercase: args.lowercase,
                ..ChrfOptions::default()
            }),
            "chrf++" => Metric::Chrf(ChrfOptions {
                lowercase: args.lowercase,
                ..ChrfOptions::plus_plus()
            }),
            "ter" => Metric::Ter(TerOptions {
                case_sensitive: args.ter_case_sensitive,
                ..TerOptions::default()
            }),
            other => bail!("unknown metric `{other}`; choose from bleu, chrf, chrf++, ter"),
        };
        out.push((key, metric));
    }
    Ok(out)
}

/// Checks that every stream has as many segments as the first, and that
/// TMX streams agree on document ids.
fn check_parallel(streams: &[&Stream]) -> anyhow::Result<()> {
    let first = streams[0];
    for s in &streams[1..] {
        if s.lines.len() != first.lines.len() {
            bail!(
                "{} has {} segments but {} has {}; they must be parallel",
                first.name,
                first.lines.len(),
                s.name,
                s.lines.len()
            );
        }
        if let (Some(a), Some(b)) = (&first.docs, &s.docs) {
            if let Some(i) =
                (0..a.len()).find(|&i| a[i].is_some() && b[i].is_some() && a[i] != b[i])
            {
                bail!(
                    "segment {} is from document {:?} in {} but {:?} in {}",
                    i + 1,
                    a[i].as_deref().unwrap_or(""),
                    first.name,
                    b[i].as_deref().unwrap_or(""),
                    s.name
                );
            }
        }
    }
    Ok(())
}

/// Scores, prints, applies the gates.
pub fn run(args: ScoreArgs) -> anyhow::Result<ExitCode> {
    let metrics = metrics(&args)?;
    for (m, _) in args.min.iter().chain(&args.max) {
        if !metrics.iter().any(|(k, _)| k == m) {
            bail!("gate on `{m}` but it is not computed; add it to --metrics");
        }
    }
    let refs: Vec<Stream> = args
        .refs
        .iter()
        .map(|r| read_stream(r))
        .collect::<Result<_, _>>()?;
    let hyps: Vec<Stream> = args
        .hyps
        .iter()
        .map(|h| read_stream(h))
        .collect::<Result<_, _>>()?;
    let all: Vec<&Stream> = hyps.iter().chain(&refs).collect();
    check_parallel(&all)?;
    let ref_streams: Vec<Vec<&str>> = refs
        .iter()
        .map(|r| r.lines.iter().map(String::as_str).collect())
        .collect();
    if args.paired_bs && hyps.len() < 2 {
        bail!("--paired-bs compares systems: give a baseline and at least one more --hyp");
    }

    let mut systems = Vec::new();
    let mut gates = Vec::new();
    for hyp in &hyps {
        let mut scores: Vec<(String, Score)> = Vec::new();
        for (key, metric) in &metrics {
            scores.push((key.clone(), metric.corpus_score(&hyp.lines, &ref_streams)?));
        }
        let sentences = if args.sentence_level {
            let mut per_metric = Vec::new();
            for (_, metric) in &metrics {
                per_metric.push(metric.sentence_scores(&hyp.lines, &ref_streams)?);
            }
            Some(per_metric)
        } else {
            None
        };
        for (m, bar) in &args.min {
            let value = scores
                .iter()
                .find(|(k, _)| k == m)
                .expect("checked")
                .1
                .value;
            gates.push(json!({"hyp": hyp.name, "metric": m, "op": ">=", "bar": bar, "value": value, "passed": value >= *bar}));
        }
        for (m, bar) in &args.max {
            let value = scores
                .iter()
                .find(|(k, _)| k == m)
                .expect("checked")
                .1
                .value;
            gates.push(json!({"hyp": hyp.name, "metric": m, "op": "<=", "bar": bar, "value": value, "passed": value <= *bar}));
        }
        systems.push((hyp, scores, sentences));
    }
    let bootstrap = if args.paired_bs {
        let options = BootstrapOptions {
            n_samples: args.paired_bs_n,
            seed: args.seed,
        };
        let ms: Vec<Metric> = metrics.iter().map(|(_, m)| m.clone()).collect();
        let others: Vec<&[String]> = hyps[1..].iter().map(|h| h.lines.as_slice()).collect();
        Some(paired_bootstrap(
            &ms,
            &hyps[0].lines,
            &others,
            &ref_streams,
            options,
        )?)
    } else {
        None
    };
    let passed = gates.iter().all(|g| g["passed"] == Value::Bool(true));

    if args.json {
        let systems_json: Vec<Value> = systems
            .iter()
            .map(|(hyp, scores, sentences)| {
                let mut o = json!({
                    "hyp": hyp.name,
                    "scores": scores.iter().map(|(k, s)| json!({
                        "metric": k, "name": s.name, "score": s.value,
                        "formatted": s.formatted, "signature": s.signature.to_string(),
                    })).collect::<Vec<_>>(),
                });
                if let Some(per_metric) = sentences {
                    let n = hyp.lines.len();
                    let rows: Vec<Value> = (0..n)
                        .map(|i| {
                            let mut row = serde_json::Map::new();
                            for ((k, _), list) in metrics.iter().zip(per_metric) {
                                row.insert(k.clone(), json!(list[i].value));
                            }
                            Value::Object(row)
                        })
                        .collect();
                    o["sentences"] = Value::Array(rows);
                }
                o
            })
            .collect();
        let bs_json = bootstrap.as_ref().map(|bs| {
            bs.metrics
                .iter()
                .map(|m| {
                    let result = |r: &crate::score::BootstrapResult| {
                        json!({"score": r.score, "mean": r.mean, "ci": r.ci, "p_value": r.p_value})
                    };
                    json!({
                        "metric": m.name, "signature": m.signature.to_string(),
                        "baseline": result(&m.baseline),
                        "systems": m.systems.iter().map(result).collect::<Vec<_>>(),
                    })
                })
                .collect::<Vec<_>>()
        });
        let out = json!({
            "sacrebleu_version": crate::score::SACREBLEU_VERSION,
            "refs": refs.iter().map(|r| &r.name).collect::<Vec<_>>(),
            "systems": systems_json,
            "paired_bs": bs_json,
            "gates": gates,
            "passed": passed,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        for (hyp, scores, sentences) in &systems {
            if hyps.len() > 1 {
                println!("{}:", hyp.name);
            }
            for (_, s) in scores {
                println!("{}", s.format(2, true));
            }
            if let Some(per_metric) = sentences {
                for i in 0..hyp.lines.len() {
                    let cells: Vec<String> = per_metric
                        .iter()
                        .map(|list| list[i].format(2, false))
                        .collect();
                    println!("{}\t{}", i + 1, cells.join("\t"));
                }
            }
        }
        if let Some(bs) = &bootstrap {
            println!(
                "paired bootstrap ({} samples, seed {}), baseline {}:",
                bs.options.n_samples, bs.options.seed, hyps[0].name
            );
            for m in &bs.metrics {
                println!("  {}: baseline {}", m.name, m.baseline.format(2));
                for (h, r) in hyps[1..].iter().zip(&m.systems) {
                    println!("  {}: {} {}", m.name, h.name, r.format(2));
                }
            }
        }
        for g in &gates {
            if g["passed"] == Value::Bool(false) {
                eprintln!(
                    "gate failed: {} {} = {:.2}, required {} {}",
                    g["hyp"].as_str().unwrap_or(""),
                    g["metric"].as_str().unwrap_or(""),
                    g["value"].as_f64().unwrap_or(f64::NAN),
                    g["op"].as_str().unwrap_or(""),
                    g["bar"]
                );
            }
        }
    }
    if passed {
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(ExitCode::from(EXIT_GATE_FAILED))
    }
}
