#!/usr/bin/env bash
# The test command README.md names: sets up the reference tools, checks
# formatting and lints, and runs every test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
