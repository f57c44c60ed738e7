#!/usr/bin/env bash
# `pnpm pack:all`: builds the workspace, then packs every publishable package (packages/* and the CLI, apps/cli) into
# one folder, default dist-packages/ at the repository root. pnpm pack turns `workspace:*` into the real versions, so
# the tarballs install with plain npm, together, anywhere (ONNXRUNTIME_NODE_INSTALL=skip: onnxruntime-node's install
# script otherwise downloads NVIDIA's CUDA provider from outside the npm registry; see the README):
#   ONNXRUNTIME_NODE_INSTALL=skip npm install /path/to/senti/dist-packages/senti-*.tgz            (the library, in a project)
#   ONNXRUNTIME_NODE_INSTALL=skip npm install --global /path/to/senti/dist-packages/senti-*.tgz   (the `senti` command)
# Usage: bash tools/pack-all.sh [DEST] [--no-build]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dest=$repo/dist-packages build=1
for arg in "$@"; do
  case $arg in
    --no-build) build=0 ;;
    -*) echo "pack-all: unknown option $arg (use --no-build)" >&2; exit 2 ;;
    *) dest=$(mkdir -p "$arg" && cd "$arg" && pwd) ;;
  esac
done
cd "$repo"
if [ $build = 1 ]; then
  rm -rf packages/*/dist apps/cli/dist # nothing stale is packed
  pnpm build > /dev/null
fi
mkdir -p "$dest"
rm -f "$dest"/senti-*.tgz
for dir in packages/*/ apps/cli/; do
  (cd "$dir" && pnpm pack --pack-destination "$dest" > /dev/null)
done
ls "$dest"/senti-*.tgz
