#!/usr/bin/env bash
# The first GPU run of this project, as one script: which devices JAX sees, the throughput
# benchmark, and the MMoE Fig. 4 paper tier from scratch, each timed, with its figures and tables,
# all written under OUT (default gpu_check/). Install first: pip install -e ".[cuda,test]".
# Nothing here is GPU-specific: on a CPU it runs the same steps, slowly (TIER=quick for a smoke run).
#   bash benchmarks/gpu_check.sh [OUT] [TIER]
set -euo pipefail
OUT=${1:-gpu_check}
TIER=${2:-paper}
mkdir -p "$OUT"
python -c "import jax; print(jax.default_backend(), jax.devices())" | tee "$OUT/devices.txt"
/usr/bin/time -p python -m benchmarks.throughput $([ "$TIER" = quick ] && echo --quick) \
	> "$OUT/throughput.txt" 2> "$OUT/throughput_time.txt"
/usr/bin/time -p seesaw run mmoe_fig4 --tier "$TIER" --results "$OUT/results" --no-progress \
	> "$OUT/mmoe_fig4_run.txt" 2> "$OUT/mmoe_fig4_time.txt"
seesaw figures mmoe_fig4 --tier "$TIER" --results "$OUT/results" --figures "$OUT/figures" \
	> "$OUT/mmoe_fig4_figures.txt"
grep -h real "$OUT"/*_time.txt
