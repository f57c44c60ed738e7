#!/usr/bin/env bash
# Packs what a GPU machine (Linux x86-64, no network, no Node) needs to run senti's GPU benchmark into .carry/:
#   node.xz            this machine's node binary, stripped, xz-compressed
#   senti.tar.xz       the run-time node_modules (pnpm layout, symlinks kept), pruned to linux/x64 + Node, and the
#                      built dist/ folders of the workspace packages
#   gl/*.deb           the Vulkan/EGL loader packages (libvulkan1 ...) that Dawn (WebGPU) needs there
#   make-bert-base-onnx.py   builds the BERT-base-shaped ONNX model there (440 MB: too big to carry)
# The repository's own files (sources, fixtures, tools/gpu) travel with the working tree; tools/gpu/run.sh runs it.
# Usage (repository root): bash tools/gpu/pack.sh [--no-build] [--verify] [--fast]
#   --verify   unpack into a scratch copy of the repository and run the CPU side of the benchmark from it
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
build=1 verify=0 xz_options='--x86 --lzma2=preset=9e'
for arg in "$@"; do
  case $arg in
    --no-build) build=0 ;;
    --verify) verify=1 ;;
    --fast) xz_options='-1' ;;  # quick archive to check the pruning; too big to carry
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done
[ "$(uname -m)" = x86_64 ] || { echo "pack.sh must run on x86-64 (the GPU machine is x86-64)" >&2; exit 1; }
carry=.carry
limit_mib=64
mkdir -p "$carry"
grep -qx '/.carry/' .gitignore 2>/dev/null || grep -qx '/.carry/' .git/info/exclude 2>/dev/null || echo '/.carry/' >> .git/info/exclude

if [ $build = 1 ]; then
  echo "== pnpm build"
  pnpm build >/tmp/senti-pack-build.log 2>&1 || { tail -30 /tmp/senti-pack-build.log; exit 1; }
fi

echo "== node binary ($(node --version))"
node_bin=$(command -v node)
if [ ! -f "$carry/node.xz" ] || [ "$carry/node.xz" -ot "$node_bin" ] || [ "$(cat "$carry/node.version" 2>/dev/null)" != "$(node --version)" ]; then
  strip -o /tmp/senti-node-stripped "$node_bin" 2>/dev/null || cp "$node_bin" /tmp/senti-node-stripped
  xz -T0 --x86 --lzma2=preset=9e -c /tmp/senti-node-stripped > "$carry/node.xz.tmp" && mv "$carry/node.xz.tmp" "$carry/node.xz"
  node --version > "$carry/node.version"
  rm -f /tmp/senti-node-stripped
else
  echo "   (up to date)"
fi

echo "== run-time node_modules and dist/"
workspaces="tools/gpu apps/cli packages/data packages/errors packages/metrics packages/model packages/tokenize packages/train"
list=/tmp/senti-pack-files.txt
{
  node tools/gpu/runtime-closure.mjs . $workspaces | while read -r entry; do find "$entry" \( -type f -o -type l \); done
  # pnpm's hoisted links (packages that require what they do not declare) and the workspace links.
  find node_modules/.pnpm/node_modules -mindepth 1 -maxdepth 2 -type l
  for ws in $workspaces; do
    [ -d "$ws/node_modules" ] && find "$ws/node_modules" -mindepth 1 -maxdepth 2 -type l
    [ "$ws" != tools/gpu ] && [ -d "$ws/dist" ] && find "$ws/dist" -type f
  done
} | node tools/gpu/prune.mjs | LC_ALL=C sort -u > "$list"
for ws in packages/model packages/train apps/cli; do
  [ -f "$ws/dist/index.js" ] || { echo "$ws/dist is missing: run without --no-build" >&2; exit 1; }
done
echo "   $(wc -l < "$list") files and links, $(tr '\n' '\0' < "$list" | du -ch --files0-from=- 2>/dev/null | tail -1 | cut -f1) before compression"
# The x86 branch filter before LZMA2 packs the native libraries (most of the bytes) about 10% smaller.
tar -cf - --no-recursion -T "$list" | xz -T0 $xz_options > "$carry/senti.tar.xz.tmp"
mv "$carry/senti.tar.xz.tmp" "$carry/senti.tar.xz"

echo "== Vulkan/EGL loader packages"
mkdir -p "$carry/gl"
if ! ls "$carry"/gl/libvulkan1_*.deb >/dev/null 2>&1; then
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  mkdir -p /tmp/amd64/partial
  apt-get $o update >/dev/null
  (cd "$carry/gl" && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
fi
ls "$carry"/gl/libvulkan1_*.deb >/dev/null

cp /work/shared/gpu/make-bert-base-onnx.py "$carry/make-bert-base-onnx.py" 2>/dev/null || cp ../shared/gpu/make-bert-base-onnx.py "$carry/make-bert-base-onnx.py"
git rev-parse HEAD > "$carry/commit" 2>/dev/null || true

echo "== sizes"
(cd "$carry" && du -b node.xz senti.tar.xz gl make-bert-base-onnx.py | awk '{ printf "   %-26s %6.1f MB\n", $2, $1 / 1048576 }')
carry_bytes=$(du -sb "$carry" | cut -f1)
tree_bytes=$( { git ls-files -z; git ls-files -z --others --exclude-standard; } | du -cb --files0-from=- 2>/dev/null | tail -1 | cut -f1)
total=$((carry_bytes + tree_bytes))
printf '   %-26s %6.1f MB\n   %-26s %6.1f MB\n   %-26s %6.1f MB of the %d MiB travel limit\n' \
  ".carry total" "$(awk "BEGIN { print $carry_bytes / 1048576 }")" "working tree (travels too)" "$(awk "BEGIN { print $tree_bytes / 1048576 }")" \
  "together" "$(awk "BEGIN { print $total / 1048576 }")" "$limit_mib"
if [ "$total" -gt $(( (limit_mib - 4) * 1048576 )) ]; then
  echo "too big: leave at least 4 MiB under the $limit_mib MiB travel limit" >&2
  [ "$xz_options" = -1 ] || exit 1
fi

if [ $verify = 1 ]; then
  echo "== verify: unpack into a scratch copy of the repository and run the CPU side from it"
  scratch=$(mktemp -d /tmp/senti-verify.XXXXXX)
  { git ls-files -z; git ls-files -z --others --exclude-standard; } | tar -cf - --null -T - | tar -xf - -C "$scratch"
  xz -dc "$carry/node.xz" > "$scratch/node" && chmod +x "$scratch/node"
  tar -xJf "$carry/senti.tar.xz" -C "$scratch"
  (cd "$scratch" && env -i PATH=/usr/bin:/bin HOME=/tmp SENTI_CACHE_DIR="$scratch/cache" ./node tools/gpu/bench-gpu.mjs --model fixtures/tiny-bert --quick --try-all --out "$scratch/bench.json" >"$scratch/bench.txt" 2>"$scratch/bench.err") \
    || { tail -20 "$scratch/bench.err"; exit 1; }
  (cd "$scratch" && env -i PATH=/usr/bin:/bin HOME=/tmp SENTI_CACHE_DIR="$scratch/cache" ./node apps/cli/dist/main.js train --data fixtures/uci-sentences.csv --model fixtures/tiny-bert --device gpu --preset tutorial --epochs 2 --offline --out "$scratch/run" --json >"$scratch/train.json" 2>"$scratch/train.err") \
    || { tail -20 "$scratch/train.err"; exit 1; }
  node -e 'const b = require(process.argv[1]); const rows = b.encoder.filter((r) => r.route === "cpu"); if (!rows.length || rows.some((r) => r.error)) { console.error("cpu rows failed", rows); process.exit(1); } console.log("   bench from the archive: cpu encoder", rows.map((r) => r.kind + " " + r.sentencesPerSecond).join(", "), "sentences/s; head", b.head.map((r) => r.requested + " " + (r.samplesPerSecond ?? "n/a")).join(", "))' "$scratch/bench.json"
  node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log("   train from the archive:", JSON.stringify({ encoderDevice: s.encoderDevice, backend: s.backend, testAccuracy: s.testAccuracy, seconds: s.seconds?.total }))' "$scratch/train.json"
  rm -rf "$scratch"
fi
echo "done: .carry is ready. Device run: carry [\".carry\"], command: bash tools/gpu/run.sh \$OUT"
