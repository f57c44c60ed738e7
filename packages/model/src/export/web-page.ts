import { existsSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ModelError } from '@senti/errors';
import type { SentiManifest } from '../artifact/manifest.js';
import { DEFAULT_MAX_WORDS } from '../explain/explanation.js';
import { WORD_PATTERN } from '../explain/words.js';

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
export async function writeWebPage(
  dir: string,
  manifest: SentiManifest,
  graphs: { quantized: boolean },
): Promise<string[]> {
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
  .words { font-size: 1.05rem; line-height: 2; margin: .3rem 0; overflow-wrap: anywhere; }
  .w { border-radius: 4px; padding: .1rem .2rem; } .w sub { font-size: .65rem; margin-left: .1rem; }
  .note { color: #666; font-size: .8rem; }
  #legend { border: 1px solid #ddd; border-radius: 6px; padding: .5rem .75rem; font-size: .85rem; background: #fafafa; }
  #legend[hidden] { display: none; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>Runs in this browser with transformers.js and ONNX Runtime Web: nothing is sent anywhere. One sentence per line.</p>
<textarea id="texts">what a great film
dull and far too long</textarea>
<div><button id="classify" disabled>Classify</button> <label><input id="explain" type="checkbox" checked> show the words behind each prediction</label>
  <span id="status">loading the model…</span></div>
<p id="error"></p>
<div id="legend" hidden><b>How to read the colours.</b> A word's number is how much the predicted label's probability falls when
  that word is left out (leave-one-word-out occlusion, as <code>senti predict --explain</code> computes it):
  <span class="w" style="background: rgba(34, 197, 94, 0.66)">green</span> words support the prediction,
  <span class="w" style="background: rgba(239, 68, 68, 0.66)">red</span> words pull against it; deeper colour, larger effect.
  Unmarked words move it by less than 0.005. At most the first ${DEFAULT_MAX_WORDS} words, and only those within the model's ${manifest.maxLength} tokens.</div>
<div id="results"></div>
<script>
// Browsers load no modules into a page opened from disk: say how to open it instead of "loading the model…" forever.
if (location.protocol === 'file:') {
  document.getElementById('status').textContent = 'this page must be served, not opened from disk: run python3 -m http.server 8000 in this folder and open http://localhost:8000/';
}
</script>
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

// Leave-one-word-out, as senti's library does it: the same words, the same token window, the same differences.
const WORD = new RegExp(${JSON.stringify(WORD_PATTERN)}, 'gu');
const MAX_TOKENS = ${manifest.maxLength} - 2;
const tokenCount = (text) => classify.tokenizer.encode(text, { add_special_tokens: false }).length;
const without = (text, words) => {
  let out = '';
  let at = 0;
  for (const word of [...words].sort((a, b) => a.start - b.start)) { out += text.slice(at, word.start); at = word.end; }
  return out + text.slice(at);
};
const probabilities = async (text) => Object.fromEntries((await classify(text, { top_k: null })).map(({ label, score }) => [label, score]));
async function explain(text) {
  const all = [...text.matchAll(WORD)].map((match) => ({ word: match[0], start: match.index, end: match.index + match[0].length }));
  let span = text;
  let seen = all.length;
  if (tokenCount(text) > MAX_TOKENS) {
    let low = 0;
    let high = all.length;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (tokenCount(text.slice(0, all[middle - 1].end)) <= MAX_TOKENS) low = middle; else high = middle - 1;
    }
    seen = low;
    span = low === 0 ? '' : text.slice(0, all[low - 1].end);
  }
  const words = all.slice(0, Math.min(seen, ${DEFAULT_MAX_WORDS}));
  const base = await probabilities(span);
  const label = Object.keys(base).reduce((best, name) => (base[name] > base[best] ? name : best));
  for (const word of words) word.score = base[label] - (await probabilities(without(span, [word])))[label];
  const note = words.length === all.length ? (all.length === 1 ? 'explained the only word' : 'explained all ' + all.length + ' words')
    : 'explained the first ' + words.length + ' of ' + all.length + ' words';
  return { label, words, note };
}
const colour = (score) => {
  if (Math.abs(score) < 0.005) return 'transparent';
  const alpha = (0.15 + 0.85 * Math.min(1, Math.abs(score) / 0.5)).toFixed(2);
  return score > 0 ? 'rgba(34, 197, 94, ' + alpha + ')' : 'rgba(239, 68, 68, ' + alpha + ')';
};
function highlighted(text, explanation) {
  const line = document.createElement('div');
  line.className = 'words';
  let at = 0;
  for (const word of explanation.words) {
    line.append(text.slice(at, word.start));
    const span = document.createElement('span');
    span.className = 'w';
    span.textContent = word.word;
    span.dataset.score = String(word.score);
    span.style.background = colour(word.score);
    if (Math.abs(word.score) >= 0.005) {
      const mark = document.createElement('sub');
      mark.textContent = (word.score >= 0 ? '+' : '\u2212') + Math.abs(word.score).toFixed(2);
      span.append(mark);
    }
    line.append(span);
    at = word.end;
  }
  line.append(text.slice(at));
  const note = document.createElement('div');
  note.className = 'note';
  note.textContent = explanation.note;
  return [line, note];
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
    const explaining = document.getElementById('explain').checked;
    const explanations = [];
    if (explaining) for (const text of texts) explanations.push(await explain(text));
    document.getElementById('legend').hidden = !explaining;
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
      if (explaining) row.append(...highlighted(text, explanations[index]));
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
