#!/usr/bin/env bash
# Training-step throughput, burn against PyTorch on the same CPU, interleaved: for each model,
# ROUNDS rounds of `train_step MODEL STEPS flex` then `torch_step.py MODEL STEPS THREADS`, each
# with THREADS threads (RAYON_NUM_THREADS / torch.set_num_threads). Prints every line and the
# median ratio burn/torch per model.
#
#   bash bench/step_side_by_side.sh [ROUNDS [STEPS [THREADS]]]     (defaults 5, 20, 2)
#   PYTHON=/path/to/venv/bin/python3 MODELS="regnetx_200mf anynet_10mf" bash bench/step_side_by_side.sh
#
# Needs: `cargo build --release -p regnet-burn --example train_step` first; python3 with torch
# and pycls==0.1.1.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
STEPS=${2:-20}
THREADS=${3:-2}
PYTHON=${PYTHON:-python3}
MODELS=${MODELS:-regnetx_200mf anynet_10mf}
BIN=${BIN:-target/release/examples/train_step}
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# rounds $ROUNDS, steps $STEPS, threads $THREADS"
for model in $MODELS; do
  ratios=()
  for r in $(seq "$ROUNDS"); do
    b=$(RAYON_NUM_THREADS=$THREADS "$BIN" "$model" "$STEPS" flex | grep '^burn images/s')
    t=$(OMP_NUM_THREADS=$THREADS "$PYTHON" bench/torch_step.py "$model" "$STEPS" "$THREADS" | grep '^torch images/s')
    echo "$model round $r: $b | $t"
    bx=$(echo "$b" | awk '{print $3}')
    tx=$(echo "$t" | awk '{print $3}')
    ratios+=("$(awk -v b="$bx" -v t="$tx" 'BEGIN{printf "%.3f", b/t}')")
  done
  median=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
  echo "$model: ratios ${ratios[*]} -> median burn/torch $median"
done
