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
#    pycls==0.1.1 (set PYTHON=/path/to/venv/bin/python3);
# 5. RegNetY vs EfficientNet at equal flops (paper §5.3 / Table 4, docs/efficientnet.md): logits
#    parity of the EfficientNet module on CUDA (tests/effnet.rs, cuda variant), then
#    `regnet compare` of RegNetY-400MF/600MF/800MF/1.6GF and EN-B0..B3 on CUDA, each model at its
#    own resolution, batch $COMPARE_BATCH (default 64), models interleaved over 3 rounds, medians;
#    the JSON is also written to $COMPARE_OUT (default gpu_compare.json).
set -uo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
STEPS=${STEPS:-20}
COMPARE_BATCH=${COMPARE_BATCH:-64}
COMPARE_OUT=${COMPARE_OUT:-gpu_compare.json}
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
  run cargo test --release -p regnet-burn --features cuda --test parity --test cross_backend --test effnet --no-run || exit 1
  run cargo build --release -p regnet-cli --features cuda || exit 1
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
echo "--- RegNetY vs EfficientNet (docs/efficientnet.md)"
run cargo test --release -p regnet-burn --features cuda --test effnet -- --include-ignored cuda
COMPARE_MODELS=(RegNetY-400MF RegNetY-600MF RegNetY-800MF RegNetY-1.6GF EN-B0 EN-B1 EN-B2 EN-B3)
run ./target/release/regnet compare "${COMPARE_MODELS[@]}" --backend cuda --batch "$COMPARE_BATCH" \
  --steps 10 --warmup 3 --rounds 3
# The same, as JSON into a file (the command is echoed here; `run` would mix its lines into the file).
echo "\$ ./target/release/regnet compare ${COMPARE_MODELS[*]} --backend cuda --batch $COMPARE_BATCH --steps 10 --warmup 3 --rounds 3 --json > $COMPARE_OUT"
./target/release/regnet compare "${COMPARE_MODELS[@]}" --backend cuda --batch "$COMPARE_BATCH" \
  --steps 10 --warmup 3 --rounds 3 --json > "$COMPARE_OUT"
echo "(exit $?; JSON in $COMPARE_OUT)"
