#!/usr/bin/env bash
# A CUDA 13 toolchain from PyPI wheels, enough to build shanyraq with
# `--features shanyraq-models/cuda` on a machine with no GPU and no CUDA
# install (the machine that builds for `scripts/gpu_check.sh`):
# nvcc and its headers, and the libraries candle links against. The driver
# library (libcuda) is not on PyPI: a stub with the driver API's symbols
# stands in for it at link time; at run time the GPU machine's own driver is
# loaded (the binary asks for libcuda.so.1).
#
#   bash scripts/cuda_toolchain.sh DIR
#   export PATH=DIR/nvidia/cu13/bin:$PATH CUDA_ROOT=DIR/nvidia/cu13 CUDA_COMPUTE_CAP=90
#   bash scripts/gpu_check.sh build OUT
#
# Needs python3 with venv, gcc, and the network (about 700 MB of wheels).
set -euo pipefail
DIR=$(realpath -m "${1:?directory to install into}")
mkdir -p "$DIR/wheels"
python3 -m venv "$DIR/venv"
"$DIR/venv/bin/pip" download --quiet --no-deps -d "$DIR/wheels" \
  "nvidia-cuda-nvcc==13.0.*" "nvidia-cuda-runtime==13.0.*" "nvidia-cuda-crt==13.0.*" \
  "nvidia-cuda-cccl==13.0.*" "nvidia-nvvm==13.0.*" "nvidia-cublas==13.0.*" \
  "nvidia-cuda-nvrtc==13.0.*" "nvidia-curand"
(cd "$DIR" && for w in wheels/*.whl; do python3 -m zipfile -e "$w" .; done)
ROOT=$DIR/nvidia/cu13
chmod +x "$ROOT"/bin/* "$ROOT"/nvvm/bin/*
# The wheels hold versioned libraries only; the linker looks for lib<name>.so.
cd "$ROOT/lib"
for l in cublas cublasLt cudart nvrtc; do ln -sf "lib$l.so.13" "lib$l.so"; done
ln -sf libcurand.so.10 libcurand.so
# Every driver-API function cudarc declares, as an empty stub.
CUDARC=$(find "${CARGO_HOME:-$HOME/.cargo}/registry/src" -maxdepth 2 -name 'cudarc-*' 2>/dev/null |
  sort -V | tail -1)
if [ -z "$CUDARC" ]; then
  echo "cudarc's source is not in the cargo registry: run \`cargo fetch\` first" >&2
  exit 1
fi
grep -ohE '^\s+fn cu[A-Za-z0-9_]+\(' "$CUDARC"/src/driver/sys/*.rs | sed -E 's/\s*fn //; s/\(//' |
  sort -u | awk '{print "void " $1 "(void) {}"}' >"$DIR/cuda_stub.c"
gcc -shared -fPIC -Wl,-soname,libcuda.so.1 -o libcuda.so "$DIR/cuda_stub.c"
"$ROOT/bin/nvcc" --version | tail -2
echo "export PATH=$ROOT/bin:\$PATH CUDA_ROOT=$ROOT CUDA_COMPUTE_CAP=90"
