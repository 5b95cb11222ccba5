//! Helpers shared by the integration tests: fixture paths and JSON.
#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::Value;
use shanyraq_models::DeviceChoice;

/// Where the model tests run: the CPU, or with `SHANYRAQ_TEST_DEVICE=cuda`
/// (a build with `--features cuda`) the first GPU, so the same checks
/// against transformers cover candle's GPU kernels and the non-CPU paths
/// of our layers (the CPU has fast paths of its own).
pub fn test_device() -> DeviceChoice {
    match std::env::var("SHANYRAQ_TEST_DEVICE").as_deref() {
        Ok("cuda") => DeviceChoice::Cuda(0),
        Ok("cpu") | Err(_) => DeviceChoice::Cpu,
        Ok(other) => panic!("SHANYRAQ_TEST_DEVICE={other}: use cpu or cuda"),
    }
}

/// The candle device of [`test_device`], opened once: a GPU device opened
/// per call would be a new stream each time, and the tensors of one check
/// must share one.
pub fn device() -> candle_core::Device {
    static DEVICE: std::sync::OnceLock<candle_core::Device> = std::sync::OnceLock::new();
    DEVICE
        .get_or_init(|| test_device().device().unwrap())
        .clone()
}

/// `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Parses `tests/fixtures/<dir>/<file>`.
pub fn json(dir: &str, file: &str) -> Value {
    let path = fixture(dir).join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// A JSON array of integers as `Vec<u32>`.
pub fn ids(v: &Value) -> Vec<u32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as u32)
        .collect()
}

/// A JSON array of numbers as `Vec<f32>`.
pub fn floats(v: &Value) -> Vec<f32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap() as f32)
        .collect()
}
