#!/usr/bin/env bash
# The budget study (docs/results/budget-study/): at how many SGD steps per model does RegNetX's error
# EDF dominate AnyNetX_A's? Runs the refinement example on AnyNetX_A, AnyNetX_E and RegNetX with the
# same flops window, data and seed at several budgets, each into its own folder, resumable
# (`--resume`: a killed run continues after the last finished model), then prints per budget and
# space n, min and mean error and the exact KS p-values of RegNetX against the other two.
#
#   bash bench/budget_study.sh [N] [BUDGET…]      # default: 20 models per space, budgets 50 200 800 3000
#
# A budget B is SGD steps of 128 images per model: B <= 390 runs 5 epochs of B/5 batches, larger
# budgets run whole epochs of the embedded 10,000-image training set (78 batches) until about B steps.
# Environment: RECIPE (default "--warmup-epochs 0 --zero-init-final-gamma false": the plain recipe,
# lr 0.1 from the first step and BN γ = 1 everywhere; "--warmup-epochs 1 --zero-init-final-gamma true"
# is the example's default since the study),
# EXAMPLE (the example binary, default target/release/examples/design_space_refinement),
# OUT (default budget-study), EXTRA (more flags for every run, e.g. "--lr 0.05"), SPACES (default
# anynetx-a,anynetx-e,regnetx: the training order; each space's population and seeds do not depend on
# it, so "anynetx-a,regnetx,anynetx-e" finishes the main comparison first). Run a variant into a
# sub-folder of the plain study's OUT (e.g. OUT=budget-study/warmup1-zinit) so that
# bench/budget_table.py lists it beside the plain runs; a run that changes one thing against the
# warmup1-zinit recipe goes to OUT/factors/<change> (e.g. OUT=budget-study/factors/lr0.05
# EXTRA="--lr 0.05") and gets its own table there.
set -euo pipefail
N=${1:-20}
shift || true
BUDGETS=${*:-50 200 800 3000}
EXAMPLE=${EXAMPLE:-target/release/examples/design_space_refinement}
OUT=${OUT:-budget-study}
RECIPE=${RECIPE:---warmup-epochs 0 --zero-init-final-gamma false}
SPACES=${SPACES:-anynetx-a,anynetx-e,regnetx}
mkdir -p "$OUT"
for B in $BUDGETS; do
  if [ "$B" -le 390 ]; then
    EPOCHS=5
    BATCHES=$((B / 5))
  else
    EPOCHS=$(((B + 77) / 78))
    BATCHES=0
  fi
  echo "::: budget $B: $EPOCHS epochs of ${BATCHES/#0/78} batches, n = $N per space ($(date -u +%FT%TZ))"
  # shellcheck disable=SC2086
  "$EXAMPLE" --spaces "$SPACES" --n "$N" --epochs "$EPOCHS" --max-train-batches "$BATCHES" \
    --out "$OUT/steps-$B" --resume $RECIPE ${EXTRA:-} > "$OUT/steps-$B.console.txt" 2> "$OUT/steps-$B.progress.txt"
  tail -n 12 "$OUT/steps-$B.console.txt"
done
# Every finished setting under OUT (also variants in sub-folders), and the budget curve.
python3 "$(dirname "$0")/budget_table.py" "$OUT" "$OUT/budget_curve.svg" || true
