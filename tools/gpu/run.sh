#!/usr/bin/env bash
# Runs senti's whole GPU benchmark on a GPU machine, in one go, from the repository root, with what
# tools/gpu/pack.sh put in .carry/. Writes at most 5 files into OUTDIR (summary.txt, figures.json, bench.json,
# run.log, nvidia-smi.txt). Every step has a time limit and the whole run stays under SENTI_GPU_BUDGET_S (default
# 500 s); a step that fails is recorded and the run goes on. Nothing on the machine is reconfigured: the Vulkan
# loader packages are unpacked (dpkg -x) and everything else lives under /tmp/senti-gpu.
# Usage: bash tools/gpu/run.sh OUTDIR          (SENTI_GPU_MODEL=DIR: skip building BERT-base, use DIR)
set -uo pipefail
export PATH=$PATH:/usr/sbin:/sbin   # ldconfig
out=${1:?usage: bash tools/gpu/run.sh OUTDIR}
cd "$(dirname "$0")/../.."
repo=$(pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=/tmp/senti-gpu
mkdir -p "$work"
log=$out/run.log
: > "$log"
start=$(date +%s)
budget=${SENTI_GPU_BUDGET_S:-500}
left() { echo $((budget - ($(date +%s) - start))); }
say() { echo "[run $(($(date +%s) - start)) s] $*" | tee -a "$log"; }
status_file=$work/steps.tsv
: > "$status_file"

# step NAME LIMIT_S CMD...: runs CMD with a limit (cut to what the budget has left); its output goes to
# $work/NAME.out and run.log; its exit status and seconds to $work/steps.tsv.
step() {
  local name=$1 limit=$2; shift 2
  local remaining; remaining=$(( $(left) - 15 ))
  if [ "$remaining" -lt 20 ]; then say "skip $name: out of time"; printf '%s\tskipped\t0\n' "$name" >> "$status_file"; return 1; fi
  [ "$limit" -gt "$remaining" ] && limit=$remaining
  say "step $name (limit ${limit} s)"
  local t0; t0=$(date +%s.%N)
  timeout -k 10 "$limit" "$@" > "$work/$name.out" 2>&1
  local rc=$?
  cat "$work/$name.out" >> "$log"
  local seconds; seconds=$(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN { printf "%.2f", a - b }')
  printf '%s\t%s\t%.2f\n' "$name" "$rc" "$seconds" >> "$status_file"
  say "  $name: exit $rc after ${seconds} s"
  return $rc
}

say "senti GPU run; commit $(cat .carry/commit 2>/dev/null || echo unknown); output in $out"
[ -f .carry/node.xz ] && [ -f .carry/senti.tar.xz ] || { say "no .carry/: run bash tools/gpu/pack.sh first and carry .carry"; exit 1; }

# --- Node, node_modules + dist, Vulkan loader
xz -dc .carry/node.xz > "$work/node" && chmod +x "$work/node"
tar -xJf .carry/senti.tar.xz -C "$repo" || { say "cannot unpack .carry/senti.tar.xz"; exit 1; }
export PATH=$work:$PATH
# The Vulkan loader only where there is an NVIDIA driver to load (on a CPU machine this run only exercises fallbacks).
if [ -d /usr/local/nvidia ] || command -v nvidia-smi >/dev/null; then
  for f in .carry/gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
nvidia_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f "$nvidia_icd" ] && export VK_DRIVER_FILES=$nvidia_icd
nvidia_egl=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
[ -f "$nvidia_egl" ] && export __EGL_VENDOR_LIBRARY_FILENAMES=$nvidia_egl
export SENTI_OFFLINE=1 SENTI_CACHE_DIR=$work/cache HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONUNBUFFERED=1
{
  nvidia-smi 2>&1 || echo "nvidia-smi failed"
  echo "--- vulkan loader"; ldconfig -p | grep -i libvulkan || echo "no libvulkan"
  echo "--- VK_DRIVER_FILES=${VK_DRIVER_FILES:-unset}"
  echo "--- node $("$work/node" --version); python3 $(python3 --version 2>&1)"
  python3 -c 'import torch, onnx, onnxruntime; print("torch", torch.__version__, "cuda", torch.cuda.is_available(), "onnx", onnx.__version__, "onnxruntime", onnxruntime.__version__)' 2>&1
} > "$out/nvidia-smi.txt"
say "node $("$work/node" --version); VK_DRIVER_FILES=${VK_DRIVER_FILES:-unset}"

# --- BERT-base-shaped model (random weights), in Hugging Face layout, fp32 and (if the converter works) fp16.
# SENTI_GPU_MODEL=DIR uses an existing model directory instead (e.g. fixtures/tiny-bert for a dry run on a CPU).
if [ -n "${SENTI_GPU_MODEL:-}" ]; then
  model=$(cd "$SENTI_GPU_MODEL" && pwd)
  say "using the model in $model (SENTI_GPU_MODEL)"
else
  model=$work/bert-base
  mkdir -p "$model/onnx"
  cp fixtures/tiny-bert/tokenizer.json fixtures/tiny-bert/tokenizer_config.json "$model/"
  python3 - fixtures/tiny-bert/config.json "$model/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c.update(hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072)
json.dump(c, open(sys.argv[2], "w"), indent=2)
PY
  step make-model 240 python3 .carry/make-bert-base-onnx.py base "$model/onnx"
  grep '^{' "$work/make-model.out" | tail -1 > "$work/torch.json" || true   # PyTorch's own throughput here
  [ -f "$model/onnx/model.onnx" ] || say "no BERT-base model: the steps below will fail (see run.log)"

  step fp16-convert 150 python3 - "$model/onnx/model.onnx" "$model/onnx/model_fp16.onnx" <<'PY'
# fp16 weights with float32 inputs/outputs, by ONNX Runtime's own converter (handles LayerNormalization types).
import sys, onnx
try:
    from onnxruntime.transformers.float16 import convert_float_to_float16
except ImportError:
    from onnxconverter_common.float16 import convert_float_to_float16
model = onnx.load(sys.argv[1])
half = convert_float_to_float16(model, keep_io_types=True)
onnx.save(half, sys.argv[2])
import onnxruntime as ort
session = ort.InferenceSession(sys.argv[2], providers=["CPUExecutionProvider"])
print("fp16 model written", sys.argv[2], [o.name for o in session.get_outputs()])
PY
  [ $? = 0 ] || rm -f "$model/onnx/model_fp16.onnx"
fi

# --- UCI end to end, as a user runs it (tutorial preset: pad 17, 10 epochs, batch 32, lr 1e-5), features not cached
train() {
  local name=$1; shift
  local t0; t0=$(date +%s.%N)
  # --json: stdout is exactly the run's summary (JSON); the progress goes to stderr (NAME.out, run.log).
  step "$name" 150 bash -c '"$@" > "$0"' "$work/$name.json" env "$@" "$work/node" apps/cli/dist/main.js train \
    --data fixtures/uci-sentences.csv --model "$model" --device gpu --preset tutorial --offline --no-cache \
    --out "$work/$name" --overwrite --json
  local rc=$?
  awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN { printf "%.2f\n", a - b }' > "$work/$name.wall"
  return $rc
}
train train-gpu
# The same with the head forced onto wasm (encoder still on the GPU): an end-to-end figure even if the tfjs
# WebGPU head cannot train here.
train train-gpu-wasm-head SENTI_TF_BACKEND=wasm

# --- encoder / head / correctness benchmark (each measurement in its own process with its own limit)
bench_limit=$(( $(left) - 40 ))
step bench $bench_limit "$work/node" tools/gpu/bench-gpu.mjs --model "$model" --out "$out/bench.json" --deadline-s $((bench_limit - 20))

# --- summary
"$work/node" tools/gpu/summarize.mjs --out "$out" --work "$work" --steps "$status_file" --total-seconds $(($(date +%s) - start)) >> "$log" 2>&1 \
  || say "summary failed (see run.log)"
cat "$out/summary.txt" 2>/dev/null
say "done in $(($(date +%s) - start)) s"
