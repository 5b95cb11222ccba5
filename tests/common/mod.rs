//! Shared test harness: run the binary on temporary copies of corpora, and
//! find the external reference tools (xmllint, the Python venv).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path under `corpora/`.
pub fn corpus(name: &str) -> PathBuf {
    root().join("corpora").join(name)
}

/// Runs `shanyraq` with `args`, stdin empty.
pub fn shanyraq(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shanyraq"))
        .args(args)
        .env_remove("SHANYRAQ_LOG")
        .output()
        .expect("run shanyraq")
}

/// Runs `shanyraq` with `input` on stdin.
pub fn shanyraq_stdin(args: &[&str], input: &str) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_shanyraq"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run shanyraq");
    // The program may exit before reading (e.g. on a usage error).
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    child.wait_with_output().unwrap()
}

/// Stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

/// Stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts success, showing stderr otherwise.
pub fn assert_ok(o: &Output) {
    assert!(
        o.status.success(),
        "exit {:?}\nstderr:\n{}",
        o.status,
        stderr(o)
    );
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Whether this is a CI run, where a missing reference tool is a failure.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Skips (returns None) when a reference tool is missing outside CI; in CI
/// panics with the instruction.
pub fn require<T>(found: Option<T>, what: &str, how: &str) -> Option<T> {
    if found.is_none() {
        if in_ci() {
            panic!("{what} is missing: {how}");
        }
        eprintln!("SKIPPED: {what} is missing ({how})");
    }
    found
}

/// `path` encoded by glibc's iconv into `encoding` (an independent
/// encoder), or None with a skip message when iconv is missing outside CI.
pub fn iconv_to(encoding: &str, path: &Path) -> Option<Vec<u8>> {
    let out = Command::new("iconv")
        .args(["-f", "UTF-8", "-t", encoding])
        .arg(path)
        .output()
        .ok();
    let out = require(out, "iconv", "apt-get install libc-bin")?;
    assert!(
        out.status.success(),
        "iconv -t {encoding} {}",
        path.display()
    );
    Some(out.stdout)
}

/// The Python interpreter of the reference-tool venv: `SHANYRAQ_PYTHON`,
/// else `.venv/bin/python`, if it can import `module`.
pub fn python_with(module: &str) -> Option<PathBuf> {
    let python = std::env::var_os("SHANYRAQ_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join(".venv/bin/python"));
    let ok = Command::new(&python)
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(python)
}

/// `../shared/data`, when it is there.
pub fn shared_data() -> Option<PathBuf> {
    let p = root().join("../shared/data");
    p.is_dir().then_some(p)
}

/// Validates a TMX file against the TMX 1.4 DTD with xmllint; skips (or in
/// CI fails) when xmllint is missing.
pub fn assert_dtd_valid(tmx: &Path) {
    let found = Command::new("xmllint")
        .arg("--version")
        .output()
        .ok()
        .map(|_| ());
    if require(
        found,
        "xmllint",
        "install libxml2-utils (apt-get install libxml2-utils) or run .ci/run",
    )
    .is_none()
    {
        return;
    }
    let dtd = root().join("corpora/tmx/tmx14.dtd");
    let o = Command::new("xmllint")
        .args(["--noout", "--nonet", "--dtdvalid"])
        .arg(&dtd)
        .arg(tmx)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "xmllint: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}
