import type { SentiManifest } from '../artifact/manifest.js';
import { measuredExportGraph } from './measured-graph.js';

/** What the export holds, for its card. */
export interface ExportCardFiles {
  /** Files written, relative to the export directory. */
  files: readonly string[];
  /** True when the export carries the static browser page (`index.html`, `vendor/`, `wasm/`). */
  web?: boolean;
}

/** A number as a share with 4 decimals, or "not measured". */
function figure(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(4) : 'not measured';
}

/**
 * The export's own model card (`README.md`): what the directory is, how to load it with transformers.js in Node and
 * in a browser (no network: local model and wasm paths), with senti's server, and the test figures per graph. A run's
 * card describes the senti model directory instead (its "load with senti" lines do not apply to an export).
 */
export function exportCardText(manifest: SentiManifest, contents: ExportCardFiles): string {
  const labels = manifest.labelNames;
  const encoder = manifest.encoder;
  const quantized = contents.files.includes('onnx/model_quantized.onnx');
  const test = (manifest.metrics?.test ?? {}) as Record<string, unknown>;
  const measuredOn = encoder.dtype;
  const base = encoder.hubId ?? encoder.model;
  const rows: string[] = ['| graph | encoder weights | test accuracy | test macro-F1 |', '|---|---|---|---|'];
  const measuredGraph = measuredExportGraph(manifest);
  const measured = (graph: 'quantized' | 'fp32') =>
    graph === measuredGraph ? [figure(test.accuracy), figure(test.macroF1)] : ['not measured', 'not measured'];
  const fp32Graph = quantized && !contents.files.includes('onnx/model.onnx') ? undefined : 'fp32';
  if (fp32Graph) rows.push(`| \`onnx/model.onnx\` | fp32 | ${measured('fp32').join(' | ')} |`);
  if (quantized)
    rows.push(
      `| \`onnx/model_quantized.onnx\` (transformers.js default, \`dtype: 'q8'\`) | ${measuredOn === 'q8' ? 'q8' : 'int8 per token'} | ${measured('quantized').join(' | ')} |`,
    );
  const lines = [
    '---',
    'pipeline_tag: text-classification',
    'library_name: transformers.js',
    'tags:',
    '  - senti',
    '  - text-classification',
    '  - onnx',
    `base_model: ${JSON.stringify(base)}`,
    'labels:',
    ...labels.map((label) => `  - ${JSON.stringify(label)}`),
    '---',
    '',
    `# ${labels.join(' / ')} classifier (senti export)`,
    '',
    `A sentence classifier (${labels.join(', ')}) trained with senti and exported in Hugging Face layout: \`config.json\`` +
      ` (id2label), the tokenizer (truncating at ${manifest.maxLength} tokens) and one ONNX graph from token ids to \`logits\`` +
      ` (the frozen ${base} encoder, ${encoder.pooling} pooling, head ${manifest.head.inputSize}-${manifest.head.hiddenSize}-${manifest.head.numClasses}).` +
      ' It runs with transformers.js or ONNX Runtime alone; no senti code is needed.',
    '',
    '## Test figures per graph',
    '',
    measuredGraph === undefined
      ? `senti measured the test split with its ${measuredOn} encoder under the fine-tuned layers; the export holds those layers` +
        ' in the fp32 graph only, which computes the same classifier with other weights and was not measured.'
      : `senti measured the test split with its ${measuredOn} encoder; the other graph computes the same classifier with other` +
        " weights and was not re-measured (on BERT-base-shaped weights an int8 model's fp32 graph moved probabilities by up to 0.011).",
    '',
    ...rows,
    '',
    '## Load it with transformers.js in Node',
    '',
    '```sh',
    'npm install @huggingface/transformers',
    '# offline or behind a firewall: onnxruntime-node downloads its CUDA provider at install unless told not to',
    'ONNXRUNTIME_NODE_INSTALL=skip npm install @huggingface/transformers',
    '```',
    '',
    '```js',
    "import { env, pipeline } from '@huggingface/transformers';",
    '',
    'env.allowRemoteModels = false; // never reach the Hub',
    "env.localModelPath = './'; // the folder that holds this directory",
    "const classify = await pipeline('text-classification', 'THIS_DIR_NAME'" +
      (quantized ? '' : ", { dtype: 'fp32' }") +
      ');',
    "console.log(await classify('what a great film', { top_k: null }));",
    '```',
    '',
    '## Load it in a browser',
    '',
    'Serve this directory (and the transformers.js browser build with its onnxruntime-web wasm files) from any static' +
      ' file server and point transformers.js at the local copies:',
    '',
    '```js',
    "import { env, pipeline } from './vendor/transformers.min.js';",
    '',
    'env.allowRemoteModels = false;',
    'env.allowLocalModels = true;',
    "env.localModelPath = './'; // relative to the page",
    "env.backends.onnx.wasm.wasmPaths = './wasm/'; // ort-wasm-simd-threaded.asyncify.{mjs,wasm} from onnxruntime-web's dist/",
    "const classify = await pipeline('text-classification', '.', { device: navigator.gpu ? 'webgpu' : 'wasm' });",
    '```',
    '',
    contents.web
      ? 'This export already holds such a page: `index.html` (with `vendor/` and `wasm/`) classifies typed sentences offline,' +
        ' on the CPU or with WebGPU when the browser has it. Serve the directory, e.g. `python3 -m http.server -d THIS_DIR 8000`,' +
        ' and open http://localhost:8000/ (a `file://` URL does not work: browsers do not load modules from files).'
      : 'Or write the export with `web` (the CLI: `--web`) to get a ready page (`index.html`, `vendor/`, `wasm/`).',
    '',
    '## Serve it over HTTP',
    '',
    "senti's server loads an export directory as it loads a run: `senti-server --model-dir THIS_DIR --port 8080`, then",
    '`POST /v1/predict` with `{"texts": ["a delightful film"]}`.',
    '',
    '## Not a senti model directory',
    '',
    "senti's `loadModel` and `senti predict`/`evaluate`/`export` take the run directory (or its `model/` folder) this was" +
      ' exported from, which keeps the head weights, the training split and the settings; this directory keeps only what' +
      ' inference needs.',
    '',
    '## Limits',
    '',
    `- Texts longer than ${manifest.maxLength} tokens are truncated: only their beginning counts.`,
    '- Trained for short English texts like its training data; measure on your own data before relying on it.',
    '',
  ];
  return lines.join('\n');
}
