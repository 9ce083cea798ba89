#!/usr/bin/env bash
# The first GPU run of this project, as one script: which devices JAX sees (with the versions of
# the stack), the throughput benchmark, and one paper tier from scratch, each timed, with its
# figures and tables, all written under OUT (default gpu_check/). Install first:
# pip install -e ".[cuda,test]" (or run from the repository root with PYTHONPATH=. on a machine
# whose Python already holds jax with CUDA, flax, optax and the rest).
# Nothing here is GPU-specific: on a CPU it runs the same steps, slowly (TIER=quick for a smoke run).
#   bash benchmarks/gpu_check.sh [OUT] [TIER] [EXPERIMENT]     (defaults: gpu_check paper mmoe_fig4)
# PYTHON (default python) names the interpreter; THROUGHPUT_ARGS (e.g. --quick) go to the benchmark,
# which THROUGHPUT_TIMEOUT (seconds; default 0, none) cuts short, keeping what it printed.
set -euo pipefail
OUT=${1:-gpu_check}
TIER=${2:-paper}
EXPERIMENT=${3:-mmoe_fig4}
PYTHON=${PYTHON:-python}
mkdir -p "$OUT"
"$PYTHON" -c "
import importlib.metadata as m, jax
print(jax.default_backend(), jax.devices())
print({p: m.version(p) for p in ('jax', 'jaxlib', 'flax', 'optax', 'numpy', 'pandas', 'scipy')})
" | tee "$OUT/devices.txt"
/usr/bin/time -p timeout "${THROUGHPUT_TIMEOUT:-0}" "$PYTHON" -m benchmarks.throughput ${THROUGHPUT_ARGS:-} \
	> "$OUT/throughput.txt" 2> "$OUT/throughput_time.txt" || echo "throughput: exit $?"
/usr/bin/time -p "$PYTHON" -m seesaw run "$EXPERIMENT" --tier "$TIER" --results "$OUT/results" \
	--no-progress > "$OUT/${EXPERIMENT}_run.txt" 2> "$OUT/${EXPERIMENT}_time.txt"
"$PYTHON" -m seesaw figures "$EXPERIMENT" --tier "$TIER" --results "$OUT/results" \
	--figures "$OUT/figures" > "$OUT/${EXPERIMENT}_figures.txt"
grep -h real "$OUT"/*_time.txt
