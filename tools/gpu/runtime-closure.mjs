#!/usr/bin/env node
// Lists the node_modules/.pnpm/<entry> folders that the given workspace packages need at run time: their
// dependencies and optionalDependencies (never devDependencies), followed transitively through pnpm's layout
// (a package's own dependencies are symlinks beside it in .pnpm/<entry>/node_modules). tfjs-node and
// tfjs-node-gpu are left out when their native addon was not installed (they cannot load then; senti skips them
// and says so), which also leaves out their install-time dependencies. One entry per line,
// relative to the repository root. Usage: node tools/gpu/runtime-closure.mjs REPO WORKSPACE_DIR...
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';

const [repo, ...roots] = process.argv.slice(2).map((dir) => path.resolve(dir));
const store = path.join(repo, 'node_modules', '.pnpm') + path.sep;
const entries = new Set();
const seen = new Set();
const queue = roots.map((dir) => ({ dir, lookup: path.join(dir, 'node_modules') }));

/** Runtime dependency names of a package.json (peer dependencies too: pnpm links them beside the package). */
function runtimeDependencies(dir) {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  return [
    ...new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.optionalDependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]),
  ];
}

/** tfjs-node(-gpu) without lib/<napi>/tfjs_binding.node: libtensorflow was never downloaded. Judged by the
 * package's own name: danfojs-node's `@tensorflow/tfjs-node` is an alias of plain tfjs here (root pnpm.overrides). */
function addonMissing(dir) {
  const { name } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  if (name !== '@tensorflow/tfjs-node' && name !== '@tensorflow/tfjs-node-gpu') return false;
  const lib = path.join(dir, 'lib');
  return !existsSync(lib) || !readdirSync(lib).some((entry) => existsSync(path.join(lib, entry, 'tfjs_binding.node')));
}

while (queue.length > 0) {
  const { dir, lookup } = queue.pop();
  for (const name of runtimeDependencies(dir)) {
    const link = path.join(lookup, name);
    if (!existsSync(link)) continue; // an optional dependency that was not installed, or an unmet peer
    const real = realpathSync(link);
    if (seen.has(real) || addonMissing(real)) continue;
    seen.add(real);
    if (real.startsWith(store)) {
      const entry = real.slice(store.length).split(path.sep)[0];
      entries.add(path.join('node_modules', '.pnpm', entry));
      // .pnpm/<entry>/node_modules/<name> -> its dependencies sit in .pnpm/<entry>/node_modules.
      const nodeModules = path.join(store, entry, 'node_modules');
      queue.push({ dir: real, lookup: nodeModules });
    } else {
      queue.push({ dir: real, lookup: path.join(real, 'node_modules') }); // another workspace package
    }
  }
}
process.stdout.write([...entries].sort().join('\n') + '\n');
