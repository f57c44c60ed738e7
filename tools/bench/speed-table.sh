#!/usr/bin/env bash
# One run for issue #19's table: every speed target of senti and its PyTorch anchors, in this order, on this machine,
# each step's output kept in OUT (default /tmp/senti-speed-table-<date>). Run from the repository root:
#   bash tools/bench/speed-table.sh [MODEL_DIR] [OUT]
# MODEL_DIR: a BERT-base-shaped model (../shared/tools/make-bert-base-random DIR), default /tmp/bert-base-random.
# Takes ~20-25 min on the 2-core development machine; run it when nothing else does (the load is recorded).
set -uo pipefail
model=${1:-/tmp/bert-base-random}
out=${2:-/tmp/senti-speed-table-$(date -u +%Y%m%dT%H%M)}
mkdir -p "$out"
bench() { pnpm --silent --filter @senti/bench start -- "$@"; }
step() { echo "== $(date -u +%H:%M:%S) $1 (load: $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$out/log.txt"; }

step "machine"
{ uptime; nproc; grep -m1 'model name' /proc/cpuinfo; git rev-parse HEAD; } > "$out/machine.txt" 2>&1

step "start-up: pnpm --silent --filter cli start --help, 5 times"
for i in 1 2 3 4 5; do /usr/bin/time -f '%e' pnpm --silent --filter cli start --help > /dev/null 2>> "$out/startup.txt"; done

step "int8 graph build from an empty cache"
bench int8-build --model "$model" > "$out/int8-build.txt" 2>&1

step "int8 MatMul roofline, encode GOP/s (UCI all, SST-2 first 8000; batch 32 and 128), levers on UCI"
bench roofline --model "$model" --batch-sizes 32,128 --levers --json "$out/roofline.json" > "$out/roofline.txt" 2>&1

step "head samples/s: fused kernels (default), 2 ONNX Runtime threads, plain tfjs kernels"
bench head --backend wasm --samples 20000 --epochs 3 > "$out/head-fused.txt" 2>&1
SENTI_HEAD_THREADS=2 bench head --backend wasm --samples 20000 --epochs 3 > "$out/head-fused-2-threads.txt" 2>&1
SENTI_HEAD_KERNEL=tfjs bench head --backend wasm --samples 20000 --epochs 3 > "$out/head-tfjs.txt" 2>&1

step "end to end: senti train on UCI and SST-2 (cold and warm), tutorial and careful-user PyTorch anchors"
bench e2e --model "$model" --agreement-sentences 0 --out "$out/e2e.json" > "$out/e2e.txt" 2>&1

step "done"
uptime >> "$out/machine.txt"
echo "results in $out"
