#!/usr/bin/env bash
# Does `regnet sweep --jobs J` (J models training at once on threads, one device) pay? Runs the same
# small population with J = 1, 2, 4 into separate directories, reports wall time per J and checks
# that every model's result is identical across J (docs/sweeps.md).
#
#   bash bench/sweep_jobs.sh [BACKEND] [N]      # default: flex 8
set -euo pipefail
BACKEND=${1:-flex}
N=${2:-8}
REGNET=${REGNET:-target/release/regnet}
OUT=${OUT:-/tmp/regnet-sweep-jobs}
rm -rf "$OUT"
for J in 1 2 4; do
  start=$(date +%s.%N)
  "$REGNET" sweep --space anynetx-a --n "$N" --seed 0 --flops 1M:2M --epochs 1 \
    --max-train-batches 16 --max-test-batches 5 --lr 0.1 --backend "$BACKEND" \
    --jobs "$J" --out "$OUT/jobs-$J" > /dev/null 2>&1
  end=$(date +%s.%N)
  echo "jobs $J: $(echo "$end - $start" | bc) s for $N models (load $(cut -d' ' -f1 /proc/loadavg))"
done
python3 - "$OUT" <<'PY'
import json, sys
runs = {}
for j in (1, 2, 4):
    with open(f"{sys.argv[1]}/jobs-{j}/results.jsonl") as f:
        runs[j] = {r["id"]: (r["error"], [e["train_loss"] for e in r["epochs"]]) for r in map(json.loads, f)}
same = runs[1] == runs[2] == runs[4]
print("identical per-model errors and losses across jobs:", same)
print("errors:", [runs[1][i][0] for i in sorted(runs[1])])
PY
