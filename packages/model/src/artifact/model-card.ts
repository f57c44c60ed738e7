import { join } from 'node:path';
import { writeFileAtomic } from '@senti/base';
import type { SentiManifest } from './manifest.js';
import { readManifest } from './read-manifest.js';
import { resolveModelDir } from './model-dir.js';

/** What the model card says beyond senti.json (everything optional; absent sections say so). */
export interface ModelCardInfo {
  /** Card title; default: the model directory's labels joined, e.g. "negative / positive classifier". */
  name?: string;
  /** One paragraph on what the model does. */
  description?: string;
  /** SPDX license id for the front matter. */
  license?: string;
  /** Language codes for the front matter, e.g. ["en"]. */
  language?: string[];
  /** Training data. */
  data?: { name?: string; source?: string; rows?: number; textColumn?: string; labelColumn?: string; labelCounts?: Record<string, number> };
  /** How the data was split. */
  split?: { train: number; validation: number; test: number; stratified?: boolean; seed?: number };
  /** Training settings, shown as a table (e.g. epochs, batch size, learning rate, weight decay, seed, pooling, dtype). */
  hyperparameters?: Record<string, string | number | boolean>;
  /** Test results: sklearn-style report text and headline numbers. */
  testReport?: { text?: string; accuracy?: number; macroF1?: number; weightedF1?: number; rocAuc?: number; confusionMatrix?: number[][] };
  /** Extra limits to list under "Intended use and limits". */
  limitations?: string[];
}

/** A YAML scalar: JSON strings are valid YAML and need no further escaping. */
function yaml(value: string | number): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

function frontMatter(manifest: SentiManifest, info: ModelCardInfo, name: string): string {
  const lines = ['---', 'pipeline_tag: text-classification', 'library_name: transformers.js', 'tags:', '  - senti', '  - text-classification', '  - onnx'];
  if (info.license) lines.push(`license: ${yaml(info.license)}`);
  if (info.language?.length) lines.push('language:', ...info.language.map((code) => `  - ${yaml(code)}`));
  const base = manifest.encoder.hubId ?? manifest.encoder.model;
  lines.push(`base_model: ${yaml(base)}`);
  lines.push('labels:');
  for (const label of manifest.labelNames) lines.push(`  - ${yaml(label)}`); // a loop: 100k+ labels would overflow a spread
  const report = info.testReport ?? {};
  const metrics: [string, string, number | undefined][] = [
    ['accuracy', 'Accuracy', report.accuracy], ['f1', 'Macro F1', report.macroF1], ['f1', 'Weighted F1', report.weightedF1], ['roc_auc', 'ROC AUC', report.rocAuc],
  ];
  const known = metrics.filter((metric): metric is [string, string, number] => typeof metric[2] === 'number' && Number.isFinite(metric[2]));
  if (known.length > 0) {
    lines.push('metrics:', ...[...new Set(known.map(([type]) => type))].map((type) => `  - ${type}`));
    lines.push('model-index:', `  - name: ${yaml(name)}`, '    results:', '      - task:', '          type: text-classification', '          name: Text Classification');
    lines.push('        dataset:', `          name: ${yaml(info.data?.name ?? 'test split')}`, `          type: ${yaml(info.data?.name ?? 'custom')}`, '          split: test');
    lines.push('        metrics:', ...known.flatMap(([type, label, value]) => [`          - type: ${type}`, `            name: ${yaml(label)}`, `            value: ${value}`]));
  }
  lines.push('---');
  return lines.join('\n');
}

function table(rows: [string, string][]): string {
  return ['| | |', '|---|---|', ...rows.map(([key, value]) => `| ${key} | ${value.replace(/\|/g, '\\|')} |`)].join('\n');
}

function body(manifest: SentiManifest, info: ModelCardInfo, name: string): string {
  const encoder = manifest.encoder;
  const base = encoder.hubId ? `[${encoder.hubId}](https://huggingface.co/${encoder.hubId})${encoder.revision && encoder.revision !== 'main' ? ` at revision \`${encoder.revision}\`` : ''}` : `\`${encoder.model}\``;
  const parts: string[] = [`# ${name}`, ''];
  parts.push(info.description ?? `Sentence classifier (${manifest.labelNames.join(', ')}) trained with senti: a frozen BERT encoder (${base}, ${encoder.dtype}, ${encoder.pooling} pooling, ${encoder.hiddenSize} features) and a small head (Dense ${manifest.head.inputSize}→${manifest.head.hiddenSize}, ReLU, dropout ${manifest.head.dropout}, Dense→${manifest.head.numClasses}).`, '');
  parts.push('## Data', '');
  const data = info.data;
  if (data) {
    const rows: [string, string][] = [];
    if (data.name) rows.push(['Dataset', data.name]);
    if (data.source) rows.push(['Source', data.source]);
    if (data.rows !== undefined) rows.push(['Rows', String(data.rows)]);
    if (data.textColumn) rows.push(['Text column', `\`${data.textColumn}\``]);
    if (data.labelColumn) rows.push(['Label column', `\`${data.labelColumn}\``]);
    if (data.labelCounts) rows.push(['Rows per label', Object.entries(data.labelCounts).map(([label, count]) => `${label}: ${count}`).join(', ')]);
    parts.push(table(rows), '');
  } else {
    parts.push('Not recorded.', '');
  }
  parts.push('## Split', '');
  parts.push(info.split
    ? `${info.split.stratified === false ? 'Random' : 'Stratified'} split into train ${info.split.train}, validation ${info.split.validation} and test ${info.split.test} rows${info.split.seed === undefined ? '' : ` (seed ${info.split.seed})`}. The head's weights are those of the epoch with the lowest validation loss; the test rows were used only for the report below.`
    : 'Not recorded.', '');
  parts.push('## Hyperparameters', '');
  const hyper: [string, string][] = [['Padding / truncation length (tokens)', String(manifest.maxLength)], ['Encoder weights', encoder.dtype], ['Pooling', encoder.pooling]];
  // The rows above already say these; fineTune's hyperparameters repeat them under their setting names.
  const shown = new Set(['maxLength', 'dtype', 'pooling']);
  for (const [key, value] of Object.entries(info.hyperparameters ?? {})) if (!shown.has(key)) hyper.push([key, String(value)]);
  parts.push(table(hyper), '');
  parts.push('## Calibration and abstention', '');
  parts.push(manifest.calibration
    ? `Probabilities are calibrated by temperature scaling fitted on the validation split: softmax(logits / ${manifest.calibration.temperature.toFixed(4)}).`
    : 'Probabilities are not calibrated (softmax of the head\'s logits).');
  parts.push(manifest.abstention
    ? `Default abstention: no label when the top probability is below ${manifest.abstention.threshold.toFixed(4)}${manifest.abstention.targetAccuracy === undefined ? '' : ` (picked for accuracy ${manifest.abstention.targetAccuracy} on the validation split)`}; a request or \`--abstain-below\` may set another.`
    : 'No default abstention threshold: every text gets a label unless a request or `--abstain-below` sets one.', '');
  parts.push('## Test report', '');
  const report = info.testReport;
  if (report?.text) parts.push('```', report.text.trimEnd(), '```', '');
  if (report?.rocAuc !== undefined) parts.push(`ROC-AUC: ${report.rocAuc.toFixed(4)}`, '');
  if (report?.confusionMatrix) {
    parts.push('Confusion matrix (rows: true label, columns: predicted):', '');
    parts.push(`| | ${manifest.labelNames.join(' | ')} |`, `|---|${manifest.labelNames.map(() => '---').join('|')}|`);
    report.confusionMatrix.forEach((row, index) => parts.push(`| ${manifest.labelNames[index] ?? index} | ${row.join(' | ')} |`));
    parts.push('');
  }
  if (!report) parts.push('Not recorded.', '');
  parts.push('## Intended use and limits', '');
  parts.push(...[
    `Classifies short English texts into ${manifest.labelNames.join(', ')}, like the training data. It has not been checked for other domains, languages or text lengths, nor for fairness across groups of people; measure on your own data before relying on it.`,
    `Texts longer than ${manifest.maxLength} tokens are truncated: only their beginning counts.`,
    'The encoder is frozen: what it did not learn in pre-training, the head cannot add.',
    ...(info.limitations ?? []),
  ].map((line) => `- ${line}`), '');
  parts.push('## How to load', '', 'With senti (this directory):', '', '```ts', "import { loadModel } from '@senti/model';", '', "const model = await loadModel('./this-model-dir');", "console.log(await model.predict(['what a great film']));", 'await model.dispose();', '```', '');
  parts.push('or from the command line: `senti predict --model-dir ./this-model-dir "what a great film"`.', '');
  parts.push('With transformers.js, after `senti export --model-dir ./this-model-dir ./exported` (Hugging Face layout, one ONNX graph: encoder + pooling + head):', '');
  // The graph whose test figures are above: the quantized one for an int8 / q8 model (the export's default), else fp32.
  const measuredQuantized = (encoder.dtype === 'int8' || encoder.dtype === 'q8') && manifest.tunedLayers === undefined;
  parts.push('```js', "import { env, pipeline } from '@huggingface/transformers';", '', 'env.allowRemoteModels = false;', "env.localModelPath = '.';", `const classify = await pipeline('text-classification', 'exported'${measuredQuantized ? '' : ", { dtype: 'fp32' }"});`, "console.log(await classify('what a great film', { top_k: null }));", '```', '');
  if (measuredQuantized) parts.push(`This loads \`onnx/model_quantized.onnx\`, the ${encoder.dtype} graph the test report above measured; \`{ dtype: 'fp32' }\` loads the fp32 graph, which was not measured.`, '');
  return parts.join('\n');
}

/** The model card text (Hugging Face model-card form: YAML front matter, then the sections). */
export function modelCardText(manifest: SentiManifest, info: ModelCardInfo = {}): string {
  const name = info.name ?? `${manifest.labelNames.join(' / ')} classifier`;
  return `${frontMatter(manifest, info, name)}\n\n${body(manifest, info, name)}`;
}

/** Writes `README.md` (the model card) into a saved model directory, atomically; returns its path. */
export async function writeModelCard(dir: string, info: ModelCardInfo = {}): Promise<string> {
  const root = resolveModelDir(dir);
  const manifest = await readManifest(root);
  const file = join(root, 'README.md');
  await writeFileAtomic(file, modelCardText(manifest, info));
  return file;
}
