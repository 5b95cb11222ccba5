#!/usr/bin/env bash
# Interleaved CPU speed comparison of shanyraq-models, CTranslate2 and
# transformers on the same random-weight model (../shared/tools/mtbench):
# every round runs each engine once, so machine noise hits all of them alike.
#
#   bash scripts/bench_engine.sh [ROUNDS] [MODEL_DIR]
#
# Needs the mtbench venv (../shared/tools/mtbench/setup_venv.sh --with-hf
# /tmp/mtbench-venv) and the model (make_model.py + make_ct2.py). Prints one
# line per run; summarise with the medians. Not part of the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
MODEL=${2:-/tmp/mtbench-models/marian-base}
PY=${MTBENCH_PY:-/tmp/mtbench-venv/bin/python}
MT=../shared/tools/mtbench
SRC=$(mktemp)
trap 'rm -f "$SRC"' EXIT
$PY $MT/bench_ct2.py --model "$MODEL" --sents 64 --src-len 24 --out-len 24 --batch 16 \
  --beam 1 --threads 2 --compute-type float32 --warmup 0 --write-src "$SRC" >/dev/null
cargo bench -p shanyraq-models --bench translate --no-run 2>/dev/null
BIN=$(ls -t target/release/deps/translate-* | grep -v '\.d$' | head -1)
export RAYON_NUM_THREADS=2
for round in $(seq "$ROUNDS"); do
  for beam in 4 1; do
    MTBENCH_MODEL=$MODEL MTBENCH_SRC=$SRC MTBENCH_RUNS="16:$beam" "$BIN" | grep '^batch' |
      sed "s/^/round $round shanyraq /"
    for ct in float32 int8; do
      $PY $MT/bench_ct2.py --model "$MODEL" --sents 64 --src-len 24 --out-len 24 --batch 16 \
        --beam $beam --threads 2 --compute-type $ct |
        $PY -c "import json,sys; r=json.load(sys.stdin); print(f'round $round ct2-$ct beam $beam: wall {r[\"wall_s\"]:.3f} s, {r[\"tgt_tokens_per_s\"]:.0f} tgt tok/s, peak RSS {r[\"peak_rss_mb\"]:.0f} MB')"
    done
    $PY $MT/bench_hf.py --model "$MODEL" --sents 64 --src-len 24 --out-len 24 --batch 16 \
      --beam $beam --threads 2 2>/dev/null |
      $PY -c "import json,sys; r=json.loads(sys.stdin.read().strip().splitlines()[-1]); print(f'round $round transformers beam $beam: wall {r[\"wall_s\"]:.3f} s, {r[\"tgt_tokens_per_s\"]:.0f} tgt tok/s, peak RSS {r[\"peak_rss_mb\"]:.0f} MB')"
  done
done
