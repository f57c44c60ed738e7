#!/usr/bin/env bash
# Consumer smoke test: proves that the published packages install and run outside the workspace, the way the
# README's "Use as a library" section says, with nothing added:
#   0. the README's install block (between <!-- library-install:start/end -->) runs as written: its first line
#      (`pnpm install && pnpm pack:all`) in this clone, its second (`ONNXRUNTIME_NODE_INSTALL=skip npm install
#      /path/to/senti/dist-packages/senti-*.tgz`) in a fresh "type": "module" project in a temp directory outside
#      the repository (its fixtures/ is a copy of the repo's), with /path/to/senti replaced by this clone's path;
#      the tarballs are checked; a later plain `npm install` of the tools below must work in that project too;
#   1. tsc (strict, NodeNext) type-checks import-check.ts and the README example against the shipped .d.ts files
#      (errors inside third-party typings are not ours and are ignored; errors in @senti/* typings fail);
#   2. import-check.ts: every package imports, a CSV loads, the tiny encoder encodes, a tfjs backend activates;
#   3. the README's "Use as a library" block (between <!-- library-example:start/end -->) runs with tsx and must
#      exit 0, print a classification report, learn (accuracy above 0.55) and print no warning;
#   4. the CLI as a standalone global command, as the README says (`ONNXRUNTIME_NODE_INSTALL=skip npm i -g
#      ./dist-packages/senti-*.tgz`) into a temp prefix, then that `senti --help` and a tiny `senti train` from there.
# Needs the npm registry, so it runs from .ci/run, never from `pnpm test`.
# Usage (any directory): bash tools/consumer-smoke/run.sh [--no-build] [--keep]
#   --no-build  pack the dist/ folders as they are (`pnpm pack:all --no-build`)   --keep  leave the temp project
# ONNXRUNTIME_NODE_INSTALL=skip is in the README's line itself: onnxruntime-node's install script downloads NVIDIA's
# CUDA provider from api.nuget.org on Linux x64 and fails the install where only the registry is reachable; no
# dependency can turn that off for its consumer (see the README). Everything else installs as published.
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
node "$here/extract-example.mjs" README.md "$work/install.sh" library-install
mapfile -t install < <(grep -v '^[[:space:]]*$' "$work/install.sh")
if [ ${#install[@]} != 2 ] || [[ ${install[0]} != *"pnpm pack:all"* ]] || [[ ${install[1]} != *"npm install /path/to/senti/dist-packages/"* ]]; then
  cat "$work/install.sh"; say "the README's install block is not the two lines this test runs (pack in the clone, npm install in a project)"; exit 1
fi
clone_line=${install[0]}
[ $build = 1 ] || clone_line=${clone_line/pnpm pack:all/pnpm pack:all --no-build}
say "in the clone, as the README says: $clone_line"
bash -euo pipefail -c "$clone_line" > "$work/pack.log" 2>&1 || { tail -40 "$work/pack.log"; say "packing failed"; exit 1; }
tarballs=$repo/dist-packages
ls -l "$tarballs"/senti-*.tgz | awk '{ printf "  %-32s %8d bytes\n", $9, $5 }'
node "$here/check-tarballs.mjs" "$tarballs"

project=$work/project
mkdir -p "$project"
# fixtures/ is also the workspace package @senti/fixtures: copy its files, not its node_modules links.
mkdir -p "$project/fixtures"
tar -C fixtures --exclude=./node_modules -cf - . | tar -C "$project/fixtures" -xf -
cp "$here/import-check.ts" "$project/import-check.ts"
node "$here/extract-example.mjs" README.md "$project/example.ts" library-example
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

project_line=${install[1]//\/path\/to\/senti/$repo}
say "in the project, the README's line as written: $project_line"
(
  cd "$project"
  bash -euo pipefail -c "$project_line" > "$work/install.log" 2>&1 || { tail -40 "$work/install.log"; echo "consumer-smoke: the README's npm install failed" >&2; exit 1; }
  # A later plain install in the same project must not run onnxruntime-node's download again.
  npm install --no-audit --no-fund --loglevel=error $tools > "$work/tools-install.log" 2>&1 || { tail -40 "$work/tools-install.log"; echo "consumer-smoke: a later npm install of $tools failed" >&2; exit 1; }
)
say "installed: $(cd "$project" && npm ls --all --parseable 2>/dev/null | wc -l) packages, node_modules $(du -sh "$project/node_modules" | cut -f1)"

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
(cd "$project" && ./node_modules/.bin/tsx example.ts 2>&1) | tee "$work/example.out"
for word in precision recall f1-score accuracy; do
  grep -q "$word" "$work/example.out" || { say "the README example printed no classification report (no \"$word\")"; exit 1; }
done
# The example prints fineTune's warning events: one (e.g. one-class-predicted) means the example does not learn.
if grep -q '^warning' "$work/example.out"; then say "the README example printed a warning"; exit 1; fi
accuracy=$(awk '$1 == "accuracy" { print $2 }' "$work/example.out")
awk -v a="$accuracy" 'BEGIN { exit !(a > 0.55) }' || { say "the README example's test accuracy is ${accuracy:-missing}, not above 0.55"; exit 1; }
say "  the README example learned: test accuracy $accuracy"

say "senti as a global command: ONNXRUNTIME_NODE_INSTALL=skip npm install --global of the tarballs into $work/global"
ONNXRUNTIME_NODE_INSTALL=skip npm install --global --prefix "$work/global" --no-audit --no-fund --loglevel=error "$tarballs"/senti-*.tgz \
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
