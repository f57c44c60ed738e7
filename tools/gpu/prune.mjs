#!/usr/bin/env node
// Which files of the runtime closure travel to the GPU machine (Linux x86-64, Node): `keep(path)` drops other
// platforms' binaries, browser bundles, type declarations, source maps and docs, and keeps everything Node loads.
// As a filter: reads paths (one a line) on stdin, writes the kept ones on stdout.
import { fileURLToPath } from 'node:url';

/** Paths (relative to the repository root) that are never needed at run time on linux/x64 under Node. */
export const DROP = [
  // Other platforms' native binaries.
  /\/onnxruntime-node\/bin\/napi-v6\/(darwin|win32|linux\/arm64)\//,
  /\/webgpu\/dist\/(darwin-[^/]+|win32-[^/]+|linux-arm64)\//,
  // onnxruntime-web: transformers.js carries the part it needs inside its own Node bundle.
  /\/onnxruntime-web\/(dist|lib)\//,
  // tfjs: Node loads dist/<name>.node.js (and the wasm backend its .wasm files); the rest are browser/ESM builds.
  // (tfjs-node and tfjs-node-gpu are laid out differently, and are loaded whole when their addon is installed.)
  /\/@tensorflow\/(?!tfjs-node)[^/]+\/dist\/[^/]+\//,
  /\/@tensorflow\/(?!tfjs-node)[^/]+\/dist\/(?![^/]*\.node\.js$)[^/]*\.(js|html|json|ts)$/,
  // transformers.js: Node imports dist/transformers.node.mjs.
  /\/@huggingface\/transformers\/dist\/(?!transformers\.node\.mjs$)[^/]+$/,
  /\/@huggingface\/transformers\/(types|src)\//,
  // Browser builds of CommonJS packages.
  /\/mathjs\/lib\/(browser|esm)\//,
  /\/xlsx\/(dist\/(?!cpexcel\.js$)|xlsx\.mjs$|formats\.png$)/, // xlsx.js requires dist/cpexcel.js
  /\/vega(-lite)?\/build\/[^/]*(\.min\.js|-schema\.json)$/,
  /\/vega-lite\/src\//,
  /\/typescript\//,
  // Declarations, maps, docs, tests (never loaded).
  /\.(d\.ts|d\.mts|d\.cts|map|md|markdown|tsbuildinfo)$/i,
  /\/(test|tests|__tests__|docs|example|examples)\//,
  /\/(CHANGELOG|HISTORY|AUTHORS|CONTRIBUTING)(\.[a-z]+)?$/i,
];

/** Whether a file or link at `file` (repository-relative) goes into the archive. */
export function keep(file) {
  // TypeScript sources inside node_modules are never loaded (declarations are dropped above).
  if (file.includes('node_modules/') && /\.(ts|mts|cts)$/.test(file)) return false;
  return !DROP.some((pattern) => pattern.test(file));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let input = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => {
    input += chunk;
  });
  process.stdin.on('end', () => {
    const kept = input.split('\n').filter((line) => line !== '' && keep(line));
    process.stdout.write(kept.join('\n') + '\n');
  });
}
