#!/usr/bin/env bash
# GPU check for regnet-space on a machine with an NVIDIA GPU and its driver (no network needed
# once the crates are fetched). Prints every figure with the command that produced it.
#
#   bash bench/gpu_check.sh            # build, parity, cross-check, throughput
#   SKIP_BUILD=1 bash bench/gpu_check.sh   # reuse target/release from an earlier run
#
# 1. builds the `cuda` feature (burn 0.21 / cubecl 0.10: builds offline);
# 2. logits parity with PyTorch fixtures on CUDA (tests/parity.rs, cuda variant);
# 3. flex-vs-cuda cross-check of forward and gradients of grouped X and Y blocks
#    (tests/cross_backend.rs, cuda variant);
# 4. training-step throughput of RegNetX-400MF at 224x224, batch 128, burn (cuda) against
#    PyTorch CUDA (bench/torch_step.py), interleaved, 3 rounds; needs python3 with torch and
#    pycls==0.1.1 (set PYTHON=/path/to/venv/bin/python3).
set -uo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
STEPS=${STEPS:-20}
run() {
  echo "\$ $*"
  "$@"
  local rc=$?
  echo "(exit $rc)"
  return $rc
}
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>/dev/null || echo "nvidia-smi not found"
if [ -z "${SKIP_BUILD:-}" ]; then
  run cargo build --release -p regnet-burn --features cuda --example train_step || exit 1
  run cargo test --release -p regnet-burn --features cuda --test parity --test cross_backend --no-run || exit 1
fi
run cargo test --release -p regnet-burn --features cuda --test parity -- --include-ignored cuda
run cargo test --release -p regnet-burn --features cuda --test cross_backend -- --include-ignored cuda
for round in 1 2 3; do
  echo "--- round $round"
  run ./target/release/examples/train_step regnetx_400mf "$STEPS" cuda 224 128
  run "$PYTHON" bench/torch_step.py regnetx_400mf "$STEPS" 8 224 128 cuda
done
run ./target/release/examples/train_step regnetx_200mf "$STEPS" cuda 224 128
run "$PYTHON" bench/torch_step.py regnetx_200mf "$STEPS" 8 224 128 cuda
