#!/usr/bin/env bash
# Full Fashion-MNIST (60,000 / 10,000 images, 28x28) training, burn (regnet train, flex CPU backend)
# beside PyTorch (bench/torch_train.py, pycls's AnyNet) with the same spec and recipe, interleaved
# model by model on the same machine. Results: docs/results/training-fashion-mnist/ (docs/training.md).
#
#   bash bench/fashion_mnist_side_by_side.sh [EPOCHS] [OUT]
#
# Needs: the Debian package dataset-fashion-mnist, a release build of the CLI
# (cargo build --release -p regnet-cli), python3 with torch and pycls 0.1.1.
set -euo pipefail
EPOCHS=${1:-2}
OUT=${2:-docs/results/training-fashion-mnist}
DATA=${DATA:-/usr/share/datasets/fashion-mnist}
REGNET=${REGNET:-target/release/regnet}
THREADS=${THREADS:-2}
mkdir -p "$OUT"
log() { echo "[$(date -u +%H:%M:%S)] $* (load: $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$OUT/timeline.txt"; }
for model in regnetx-200mf anynet-10mf; do
  case $model in
    regnetx-200mf) src=(--model RegNetX-200MF) ;;
    anynet-10mf) src=(--spec bench/specs/anynet_10mf.json) ;;
  esac
  log "burn $model start"
  RAYON_NUM_THREADS=$THREADS "$REGNET" train "${src[@]}" --dataset fashion-mnist --data-dir "$DATA" \
    --epochs "$EPOCHS" --batch 128 --lr 0.05 --seed 0 --out "$OUT/$model-burn" 2>&1 | tee "$OUT/$model-burn.log"
  log "burn $model end; torch $model start"
  python3 bench/torch_train.py --spec "$OUT/$model-burn/summary.json" --data-dir "$DATA" \
    --epochs "$EPOCHS" --batch 128 --lr 0.05 --threads "$THREADS" --seed 0 --out "$OUT/$model-torch" \
    2>&1 | tee "$OUT/$model-torch.log"
  log "torch $model end"
done
