#!/usr/bin/env bash
# The CUDA build on a real GPU: the model tests against transformers' golden
# values on the GPU, the CLI's GPU output against its CPU output, and the
# translation speed bench on both. Not part of the tests (CI has no GPU).
#
#   bash scripts/gpu_check.sh build DIR   # where cargo and nvcc are: builds into DIR
#   bash scripts/gpu_check.sh check DIR   # where the GPU is: runs what DIR holds
#
# The two halves may run on different machines (the GPU machine needs no Rust
# toolchain): `build` puts the binaries in DIR, `check` runs them from the
# repository root. Without a CUDA install, scripts/cuda_toolchain.sh sets up
# one from PyPI for `build` (12 minutes for a first build on 2 cores). `check` needs libcublas, libcurand, libnvrtc and libcudart
# (CUDA 13) on the library path or in LIB_DIR, and for the speed bench
# ../shared/tools/mtbench (or MTBENCH) with numpy, torch and transformers.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:?build or check}
DIR=${2:?directory for the binaries}

if [ "$MODE" = build ]; then
  mkdir -p "$DIR"
  # CUDA_COMPUTE_CAP=90 builds the kernels for Hopper without a GPU present.
  export CUDA_COMPUTE_CAP=${CUDA_COMPUTE_CAP:-90}
  cargo build --release --features shanyraq-models/cuda --bin shanyraq
  cp "${CARGO_TARGET_DIR:-target}/release/shanyraq" "$DIR/"
  # Copies the executable a `cargo test|bench ... --no-run` builds to $DIR/NAME.
  copy_built() {
    local name=$1
    shift
    cargo "$@" -p shanyraq-models --features cuda --no-run 2>&1 |
      sed -n 's/.*Executable .*(\(.*\))/\1/p' | xargs -I{} cp {} "$DIR/$name"
  }
  for t in parity translator sentence_head; do
    copy_built "$t" test --release --test "$t"
  done
  copy_built translate_bench bench --bench translate
  strip "$DIR"/*
  ls -la "$DIR"
  exit 0
fi

[ "$MODE" = check ] || { echo "unknown mode $MODE: use build or check" >&2; exit 2; }
if [ -n "${LIB_DIR:-}" ]; then export LD_LIBRARY_PATH=$LIB_DIR:${LD_LIBRARY_PATH:-}; fi
nvidia-smi -L
status=0

echo "== model tests on the GPU (float32 against transformers; f16/bf16 bounds)"
export RUST_BACKTRACE=0
for t in parity translator sentence_head; do
  SHANYRAQ_TEST_DEVICE=cuda "$DIR/$t" --test-threads 1 --nocapture 2>&1 |
    grep -v -e '^ *[0-9]*: <unknown>$' -e '^stack backtrace:$' -e '^note: Some details' || status=1
done

echo "== the CLI: translate and a filling run, GPU against CPU"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
printf 'Сәлем әлем\n\nБүгін ауа райы жақсы.\n15 наурызда 10 мың адам келді.\n' >"$TMP/in.txt"
MODEL=models/tests/fixtures/marian-tiny
for dev in cpu cuda; do
  "$DIR/shanyraq" translate --from kk --to en --model-dir $MODEL --device $dev --dtype f32 \
    <"$TMP/in.txt" >"$TMP/tr.$dev" 2>"$TMP/tr.$dev.err" || { cat "$TMP/tr.$dev.err"; status=1; }
done
"$DIR/shanyraq" translate --from kk --to en --model-dir $MODEL --device cuda \
  <"$TMP/in.txt" >"$TMP/tr.bf16" 2>/dev/null || status=1
if cmp -s "$TMP/tr.cpu" "$TMP/tr.cuda"; then echo "translate: cuda f32 = cpu f32 ($(wc -l <"$TMP/tr.cpu") lines)"
else echo "translate: cuda f32 differs from cpu"; diff "$TMP/tr.cpu" "$TMP/tr.cuda" || true; status=1; fi
echo "translate: cuda bf16 lines differing from f32: $(diff "$TMP/tr.cpu" "$TMP/tr.bf16" | grep -c '^>' || true)"

for dev in cpu cuda; do
  { echo '[defaults]'; echo 'beam = 2'; echo "device = \"$dev\""; echo 'dtype = "f32"'
    for pair in kk-ru kk-en ru-kk ru-en en-kk en-ru; do echo "[models.$pair]"; echo "path = \"$MODEL\""; done
  } >"$TMP/$dev.toml"
  "$DIR/shanyraq" run corpora/demo -o "$TMP/demo.$dev.tsv" --config "$TMP/$dev.toml" \
    --cache-dir "$TMP/cache.$dev" 2>"$TMP/run.$dev.err" || { tail "$TMP/run.$dev.err"; status=1; }
done
if cmp -s "$TMP/demo.cpu.tsv" "$TMP/demo.cuda.tsv"; then
  mt=$(awk -F'\t' 'NR > 1 && ($5 == "mt" || $6 == "mt" || $7 == "mt")' "$TMP/demo.cpu.tsv" | wc -l)
  echo "run: cuda f32 = cpu f32 ($(wc -l <"$TMP/demo.cpu.tsv") lines, $mt rows with a machine translation)"
else echo "run: cuda f32 differs from cpu"; diff "$TMP/demo.cpu.tsv" "$TMP/demo.cuda.tsv" | head -20 || true; status=1; fi

MTBENCH=${MTBENCH:-../shared/tools/mtbench}
if [ -f "$MTBENCH/make_model.py" ]; then
  SENTS=${SENTS:-256}
  echo "== speed: random OPUS-MT base weights, $SENTS sentences, 24 words in, exactly 24 tokens out"
  python3 "$MTBENCH/make_model.py" --arch marian-base --out "$TMP/marian-base" >/dev/null
  RUNS=${RUNS:-16:4,64:4,64:1,256:1}
  python3 scripts/bench_hf_cuda.py --mtbench "$MTBENCH" --model "$TMP/marian-base" --runs "$RUNS" \
    --sents "$SENTS" --dtype bf16 --write-src "$TMP/src.txt" || status=1
  python3 scripts/bench_hf_cuda.py --mtbench "$MTBENCH" --model "$TMP/marian-base" --runs "$RUNS" \
    --sents "$SENTS" --dtype f32 || status=1
  for dtype in bf16 f32; do
    MTBENCH_MODEL=$TMP/marian-base MTBENCH_SRC=$TMP/src.txt MTBENCH_SENTS=$SENTS MTBENCH_RUNS=$RUNS \
      MTBENCH_DEVICE=cuda MTBENCH_DTYPE=$dtype "$DIR/translate_bench" | grep -E '^(model|batch)' || status=1
  done
  MTBENCH_MODEL=$TMP/marian-base MTBENCH_SRC=$TMP/src.txt MTBENCH_RUNS=16:4,16:1 \
    "$DIR/translate_bench" | grep -E '^(model|batch)' || status=1
else
  echo "== speed: skipped ($MTBENCH/make_model.py not found)"
fi
exit $status
