#!/usr/bin/env bash
# Consumer smoke test: proves that the published packages install and run outside the workspace.
# Builds the workspace, packs every package under packages/ (pnpm pack), checks the tarballs, creates a
# "type": "module" project in a temp directory outside the repository (its fixtures/ is a copy of the repo's),
# installs the tarballs there with plain npm from the registry (no overrides, no workspace), then
#   1. tsc (strict, NodeNext) type-checks import-check.ts and the README example against the shipped .d.ts files
#      (errors inside third-party typings are not ours and are ignored; errors in @senti/* typings fail);
#   2. import-check.ts: every package imports, a CSV loads, the tiny encoder encodes, a tfjs backend activates;
#   3. the README's "Use as a library" block (between <!-- library-example:start/end -->) runs with tsx and must
#      exit 0 and print a classification report;
#   4. the CLI as a standalone global command: `npm install --global` of the tarballs (the CLI's with the packages')
#      into a temp prefix, then that `senti --help` and a tiny `senti train` (tiny model, --offline) from there.
# Needs the npm registry, so it runs from .ci/run, never from `pnpm test`.
# Usage (any directory): bash tools/consumer-smoke/run.sh [--no-build] [--keep]
#   --no-build  pack the dist/ folders as they are      --keep  leave the temp project for inspection
# ONNXRUNTIME_NODE_INSTALL=skip: onnxruntime-node's install step downloads its CUDA provider from outside the
# registry; a user with network does not need it. Everything else installs as published.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=1 keep=0
for arg in "$@"; do
  case $arg in
    --no-build) build=0 ;;
    --keep) keep=1 ;;
    *) echo "unknown option $arg (use --no-build, --keep)" >&2; exit 2 ;;
  esac
done
work=$(mktemp -d "${TMPDIR:-/tmp}/senti-consumer.XXXXXX")
case $work in "$repo"/*) echo "consumer-smoke: temp dir $work is inside the repository" >&2; exit 1 ;; esac
cleanup() { if [ $keep = 1 ]; then echo "consumer-smoke: kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT
start=$(date +%s)
say() { echo "consumer-smoke [$(($(date +%s) - start)) s]: $*"; }

cd "$repo"
if [ $build = 1 ]; then
  say "pnpm build (packages' dist/ cleaned first, so nothing stale is packed)"
  rm -rf packages/*/dist apps/cli/dist
  pnpm build > "$work/build.log" 2>&1 || { tail -40 "$work/build.log"; say "build failed"; exit 1; }
fi

say "pnpm pack packages/* apps/cli"
mkdir -p "$work/tarballs"
for dir in packages/*/ apps/cli/; do
  (cd "$dir" && pnpm pack --pack-destination "$work/tarballs" > /dev/null)
done
ls -l "$work/tarballs" | awk 'NR > 1 { printf "  %-32s %8d bytes\n", $9, $5 }'
node "$here/check-tarballs.mjs" "$work/tarballs"

project=$work/project
mkdir -p "$project"
# fixtures/ is also the workspace package @senti/fixtures: copy its files, not its node_modules links.
mkdir -p "$project/fixtures"
tar -C fixtures --exclude=./node_modules -cf - . | tar -C "$project/fixtures" -xf -
cp "$here/import-check.ts" "$project/import-check.ts"
node "$here/extract-example.mjs" README.md "$project/example.ts"
# The tsx, TypeScript and Node typings the workspace uses, from the registry (Node 20 cannot strip types itself).
version() { node -p "require('./node_modules/$1/package.json').version"; }
tools="tsx@$(version tsx) typescript@$(version typescript) @types/node@$(version @types/node)"
cat > "$project/package.json" <<JSON
{ "name": "senti-consumer-smoke", "private": true, "type": "module" }
JSON
cat > "$project/tsconfig.json" <<JSON
{
  "compilerOptions": { "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext", "strict": true,
                       "noEmit": true, "types": ["node"], "skipLibCheck": false },
  "files": ["import-check.ts", "example.ts"]
}
JSON

say "npm install of $(ls "$work/tarballs" | wc -l) tarballs + $tools into $project (registry only)"
(
  cd "$project"
  ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --loglevel=error "$work"/tarballs/*.tgz $tools \
    > "$work/install.log" 2>&1 || { tail -40 "$work/install.log"; echo "consumer-smoke: npm install failed" >&2; exit 1; }
)
say "installed: $(cd "$project" && npm ls --all --parseable 2>/dev/null | wc -l) packages"

export SENTI_CACHE_DIR=$work/cache SENTI_OFFLINE=1
say "type check (tsc -p .)"
(cd "$project" && ./node_modules/.bin/tsc -p . > "$work/tsc.out" 2>&1) || true
# Diagnostics start at column 0 with the file name; continuation lines are indented.
awk '/^node_modules\/@senti\// || (/^[^ ]/ && !/^node_modules\//)' "$work/tsc.out" > "$work/tsc.ours"
if [ -s "$work/tsc.ours" ]; then
  cat "$work/tsc.ours"; say "type errors in the example or in @senti/* typings"; exit 1
fi
say "  no type errors in the example or the @senti/* typings ($(grep -c '^node_modules/' "$work/tsc.out" || true) in third-party typings, ignored)"

say "import check (tsx import-check.ts)"
(cd "$project" && ./node_modules/.bin/tsx import-check.ts)

say "README library example (tsx example.ts)"
(cd "$project" && ./node_modules/.bin/tsx example.ts) | tee "$work/example.out"
for word in precision recall f1-score accuracy; do
  grep -q "$word" "$work/example.out" || { say "the README example printed no classification report (no \"$word\")"; exit 1; }
done

say "senti as a global command: npm install --global of the tarballs into $work/global"
ONNXRUNTIME_NODE_INSTALL=skip npm install --global --prefix "$work/global" --no-audit --no-fund --loglevel=error "$work"/tarballs/*.tgz \
  > "$work/global-install.log" 2>&1 || { tail -40 "$work/global-install.log"; say "global install failed"; exit 1; }
senti=$work/global/bin/senti
(cd "$work" && "$senti" --help) > "$work/help.out"
grep -q 'Usage: senti' "$work/help.out" || { cat "$work/help.out"; say "the global senti --help printed no usage"; exit 1; }
(cd "$project" && "$senti" train --data fixtures/uci-sentences.csv --model fixtures/tiny-bert --offline --epochs 1 --out "$work/global-run") \
  > "$work/global-train.out" 2>&1 || { tail -20 "$work/global-train.out"; say "the global senti train failed"; exit 1; }
[ -f "$work/global-run/model/senti.json" ] || { say "the global senti train wrote no model"; exit 1; }
# Each global @senti package has its own tfjs-core copy; their load-time notices must not reach the user.
if grep -q 'has already been set' "$work/global-train.out"; then grep 'has already been set' "$work/global-train.out"; say "the global senti train printed tfjs notices"; exit 1; fi
say "  global senti: --help and a tiny train ran from $work/global/bin"
say "passed"
