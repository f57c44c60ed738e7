import { existsSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ModelError } from '@senti/errors';
import type { SentiManifest } from '../artifact/manifest.js';

/** The transformers.js browser build (an ES module with onnxruntime-web inside), copied to `vendor/`. */
const BROWSER_BUILD = 'transformers.min.js';
/** The onnxruntime-web runtime files that build loads (its asyncify WebAssembly build, CPU and WebGPU), copied to `wasm/`. */
const WASM_FILES = ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'];

/** Where the installed packages keep the files the page needs. */
function assetFiles(): { browserBuild: string; wasm: string[] } {
  const require = createRequire(import.meta.url);
  const missing = (what: string, cause?: unknown) =>
    new ModelError('MODEL_EXPORT_WEB_ASSETS_MISSING', `cannot write the web page: ${what}`, 'runtime', {
      hint: 'install @huggingface/transformers with its onnxruntime-web dependency next to @senti/model',
      ...(cause === undefined ? {} : { cause }),
    });
  let transformersEntry: string;
  try {
    transformersEntry = require.resolve('@huggingface/transformers'); // dist/transformers.node.cjs
  } catch (cause) {
    throw missing('@huggingface/transformers is not installed', cause);
  }
  const browserBuild = path.join(path.dirname(transformersEntry), BROWSER_BUILD);
  if (!existsSync(browserBuild)) throw missing(`${browserBuild} not found`);
  let ortEntry: string;
  try {
    ortEntry = createRequire(transformersEntry).resolve('onnxruntime-web'); // its dist/ folder
  } catch (cause) {
    throw missing('onnxruntime-web (a dependency of @huggingface/transformers) is not installed', cause);
  }
  const wasm = WASM_FILES.map((name) => path.join(path.dirname(ortEntry), name));
  const absent = wasm.find((file) => !existsSync(file));
  if (absent) throw missing(`${absent} not found`);
  return { browserBuild, wasm };
}

/**
 * Adds the static page to an export being written in `dir`: `index.html`, `vendor/transformers.min.js` and
 * `wasm/ort-wasm-simd-threaded.asyncify.{mjs,wasm}`. Served by any static file server, the page classifies typed sentences
 * with the export's graph in the browser, offline (no Hub, no CDN), on the CPU or with WebGPU when the browser has it.
 * Returns the files written, relative to `dir`.
 */
export async function writeWebPage(dir: string, manifest: SentiManifest, graphs: { quantized: boolean }): Promise<string[]> {
  const { browserBuild, wasm } = assetFiles();
  await mkdir(path.join(dir, 'vendor'), { recursive: true });
  await mkdir(path.join(dir, 'wasm'), { recursive: true });
  const files: string[] = [];
  await copyFile(browserBuild, path.join(dir, 'vendor', BROWSER_BUILD));
  files.push(`vendor/${BROWSER_BUILD}`);
  for (const file of wasm) {
    await copyFile(file, path.join(dir, 'wasm', path.basename(file)));
    files.push(`wasm/${path.basename(file)}`);
  }
  await writeFile(path.join(dir, 'index.html'), webPageHtml(manifest, graphs));
  files.push('index.html');
  return files;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** The page: a text box, a button, one result per line with every label's score (full precision in `data-score`). */
export function webPageHtml(manifest: SentiManifest, graphs: { quantized: boolean }): string {
  // The graph the export holds, named: transformers.js would otherwise pick q8 on wasm, a file an fp32-only export lacks.
  const dtype = graphs.quantized ? 'q8' : 'fp32';
  const title = `${manifest.labelNames.join(' / ')} classifier`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 16px/1.4 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
  textarea { width: 100%; min-height: 6rem; font: inherit; }
  button { font: inherit; padding: .3rem 1rem; margin: .5rem 0; }
  .result { border-top: 1px solid #ddd; padding: .5rem 0; }
  .label { font-weight: bold; }
  .score { display: inline-block; margin-right: 1rem; font-variant-numeric: tabular-nums; }
  #status { color: #666; } #error { color: #b00; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>Runs in this browser with transformers.js and ONNX Runtime Web: nothing is sent anywhere. One sentence per line.</p>
<textarea id="texts">what a great film
dull and far too long</textarea>
<div><button id="classify" disabled>Classify</button> <span id="status">loading the model…</span></div>
<p id="error"></p>
<div id="results"></div>
<script type="module">
import { env, pipeline } from './vendor/${BROWSER_BUILD}';

// Everything from this folder: no Hugging Face Hub, no CDN for the wasm runtime.
const here = new URL('./', location.href);
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = here.pathname;
env.backends.onnx.wasm.wasmPaths = new URL('wasm/', here).href;

const status = document.getElementById('status');
const button = document.getElementById('classify');
const error = document.getElementById('error');
const results = document.getElementById('results');

async function load() {
  if (navigator.gpu) {
    try {
      if (await navigator.gpu.requestAdapter()) return { classify: await pipeline('text-classification', '.', { device: 'webgpu', dtype: '${dtype}' }), device: 'webgpu' };
    } catch {
      // no usable GPU: the CPU below
    }
  }
  return { classify: await pipeline('text-classification', '.', { device: 'wasm', dtype: '${dtype}' }), device: 'wasm' };
}

let classify;
try {
  const loaded = await load();
  classify = loaded.classify;
  status.textContent = 'ready (' + (loaded.device === 'webgpu' ? 'WebGPU' : 'CPU, WebAssembly') + ')';
  document.body.dataset.device = loaded.device;
  button.disabled = false;
} catch (cause) {
  status.textContent = '';
  error.textContent = 'the model did not load: ' + (cause && cause.message ? cause.message : String(cause));
}

button.addEventListener('click', async () => {
  error.textContent = '';
  const texts = document.getElementById('texts').value.split('\\n').map((line) => line.trim()).filter((line) => line.length > 0);
  if (texts.length === 0) { error.textContent = 'Type a sentence first.'; return; }
  button.disabled = true;
  status.textContent = 'classifying…';
  try {
    const answers = [];
    for (const text of texts) answers.push(await classify(text, { top_k: null }));
    results.replaceChildren(...texts.map((text, index) => {
      const scores = answers[index];
      const row = document.createElement('div');
      row.className = 'result';
      row.dataset.label = scores[0].label;
      const head = document.createElement('div');
      const label = document.createElement('span');
      label.className = 'label';
      label.textContent = scores[0].label;
      const shown = document.createElement('span');
      shown.className = 'text';
      shown.textContent = ' ' + text;
      head.append(label, shown);
      row.append(head);
      for (const { label: name, score } of scores) {
        const item = document.createElement('span');
        item.className = 'score';
        item.dataset.label = name;
        item.dataset.score = String(score);
        item.textContent = name + ' ' + score.toFixed(4);
        row.append(item);
      }
      return row;
    }));
    status.textContent = 'done';
  } catch (cause) {
    error.textContent = cause && cause.message ? cause.message : String(cause);
    status.textContent = '';
  } finally {
    button.disabled = false;
  }
});
</script>
</body>
</html>
`;
}
