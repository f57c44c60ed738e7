#!/usr/bin/env bash
# Runs N `senti worker` processes on this machine and restarts any that exits, until Ctrl-C / SIGTERM (which
# stops them gracefully: each finishes the chunk in hand). Settings come from the environment:
#   SENTI_QUEUE=redis://:PASSWORD@queue-host:6379   (required; rediss:// for TLS)
#   SENTI_MODEL=/models/bert-base-uncased            (same files as the enqueuer's --model)
#   SENTI_CACHE_DIR=/mnt/shared/senti-cache          (the shared volume every worker and the enqueuer see)
#   SENTI_REPO=/opt/senti                            (a checkout with `pnpm install` done; default: this repo)
# Usage: run-workers.sh [N]     (default 1 per machine: ONNX Runtime already uses every core)
set -euo pipefail
count=${1:-1}
repo=${SENTI_REPO:-$(cd "$(dirname "$0")/../../.." && pwd)}
: "${SENTI_QUEUE:?set SENTI_QUEUE=redis://host:6379}"
: "${SENTI_MODEL:?set SENTI_MODEL to the encoder directory or hub id}"
cd "$repo" # node resolves --import tsx from the working directory
threads=$(( $(nproc) / count )); [ "$threads" -ge 1 ] || threads=1
pids=()
stop() { trap - INT TERM; for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done; wait; exit 0; }
trap stop INT TERM
for i in $(seq "$count"); do
  (
    child=
    trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null; wait "$child" 2>/dev/null; exit 0' TERM
    while true; do
      SENTI_THREADS=$threads node --import tsx --conditions=source "$repo/apps/cli/src/main.ts" worker \
        --queue "$SENTI_QUEUE" --model "$SENTI_MODEL" --offline ${SENTI_WORKER_ARGS:-} &
      child=$!
      wait "$child" && status=0 || status=$?
      echo "run-workers: worker $i exited with $status; restarting in 2 s" >&2
      sleep 2
    done
  ) &
  pids+=($!)
done
wait
