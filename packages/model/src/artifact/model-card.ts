import { join } from 'node:path';
import { writeFileAtomic } from '@senti/base';
import type { SentiManifest } from './manifest.js';
import { readManifest } from './read-manifest.js';
import { resolveModelDir } from './model-dir.js';
import { measuredExportGraph } from '../export/measured-graph.js';

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
  data?: {
    name?: string;
    source?: string;
    rows?: number;
    textColumn?: string;
    labelColumn?: string;
    labelCounts?: Record<string, number>;
  };
  /** How the data was split. */
  split?: { train: number; validation: number; test: number; stratified?: boolean; seed?: number };
  /** Training settings, shown as a table (e.g. epochs, batch size, learning rate, weight decay, seed, pooling, dtype). */
  hyperparameters?: Record<string, string | number | boolean>;
  /** Test results: sklearn-style report text and headline numbers. */
  testReport?: {
    text?: string;
    accuracy?: number;
    macroF1?: number;
    weightedF1?: number;
    rocAuc?: number;
    confusionMatrix?: number[][];
  };
  /** What temperature scaling did on the test split (15-bin ECE before and after); the temperature is in senti.json. */
  calibration?: { eceBefore: number; eceAfter: number };
  /** What the default abstention threshold (in senti.json) gives: accuracy and coverage on validation, and on test. */
  abstention?: { valAccuracy: number; valCoverage: number; testAccuracy: number | null; testCoverage: number };
  /** Extra limits to list under "Intended use and limits". */
  limitations?: string[];
}

/** A YAML scalar: JSON strings are valid YAML and need no further escaping. */
function yaml(value: string | number): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

function frontMatter(manifest: SentiManifest, info: ModelCardInfo, name: string): string {
  const lines = [
    '---',
    'pipeline_tag: text-classification',
    'library_name: transformers.js',
    'tags:',
    '  - senti',
    '  - text-classification',
    '  - onnx',
  ];
  if (info.license) lines.push(`license: ${yaml(info.license)}`);
  if (info.language?.length) lines.push('language:', ...info.language.map((code) => `  - ${yaml(code)}`));
  const base = manifest.encoder.hubId ?? manifest.encoder.model;
  lines.push(`base_model: ${yaml(base)}`);
  lines.push('labels:');
  for (const label of manifest.labelNames) lines.push(`  - ${yaml(label)}`); // a loop: 100k+ labels would overflow a spread
  const report = info.testReport ?? {};
  const metrics: [string, string, number | undefined][] = [
    ['accuracy', 'Accuracy', report.accuracy],
    ['f1', 'Macro F1', report.macroF1],
    ['f1', 'Weighted F1', report.weightedF1],
    ['roc_auc', 'ROC AUC', report.rocAuc],
  ];
  const known = metrics.filter(
    (metric): metric is [string, string, number] => typeof metric[2] === 'number' && Number.isFinite(metric[2]),
  );
  if (known.length > 0) {
    lines.push('metrics:', ...[...new Set(known.map(([type]) => type))].map((type) => `  - ${type}`));
    lines.push(
      'model-index:',
      `  - name: ${yaml(name)}`,
      '    results:',
      '      - task:',
      '          type: text-classification',
      '          name: Text Classification',
    );
    lines.push(
      '        dataset:',
      `          name: ${yaml(info.data?.name ?? 'test split')}`,
      `          type: ${yaml(info.data?.name ?? 'custom')}`,
      '          split: test',
    );
    lines.push(
      '        metrics:',
      ...known.flatMap(([type, label, value]) => [
        `          - type: ${type}`,
        `            name: ${yaml(label)}`,
        `            value: ${value}`,
      ]),
    );
  }
  lines.push('---');
  return lines.join('\n');
}

function table(rows: [string, string][]): string {
  return ['| | |', '|---|---|', ...rows.map(([key, value]) => `| ${key} | ${value.replace(/\|/g, '\\|')} |`)].join(
    '\n',
  );
}

function body(manifest: SentiManifest, info: ModelCardInfo, name: string): string {
  const encoder = manifest.encoder;
  const base = encoder.hubId
    ? `[${encoder.hubId}](https://huggingface.co/${encoder.hubId})${encoder.revision && encoder.revision !== 'main' ? ` at revision \`${encoder.revision}\`` : ''}`
    : `\`${encoder.model}\``;
  const parts: string[] = [`# ${name}`, ''];
  parts.push(
    info.description ??
      `Sentence classifier (${manifest.labelNames.join(', ')}) trained with senti: a frozen BERT encoder (${base}, ${encoder.dtype}, ${encoder.pooling} pooling, ${encoder.hiddenSize} features) and a small head (Dense ${manifest.head.inputSize}→${manifest.head.hiddenSize}, ReLU, dropout ${manifest.head.dropout}, Dense→${manifest.head.numClasses}).`,
    '',
  );
  parts.push('## Data', '');
  const data = info.data;
  if (data) {
    const rows: [string, string][] = [];
    if (data.name) rows.push(['Dataset', data.name]);
    if (data.source) rows.push(['Source', data.source]);
    if (data.rows !== undefined) rows.push(['Rows', String(data.rows)]);
    if (data.textColumn) rows.push(['Text column', `\`${data.textColumn}\``]);
    if (data.labelColumn) rows.push(['Label column', `\`${data.labelColumn}\``]);
    if (data.labelCounts)
      rows.push([
        'Rows per label',
        Object.entries(data.labelCounts)
          .map(([label, count]) => `${label}: ${count}`)
          .join(', '),
      ]);
    parts.push(table(rows), '');
  } else {
    parts.push('Not recorded.', '');
  }
  parts.push('## Split', '');
  parts.push(
    info.split
      ? `${info.split.stratified === false ? 'Random' : 'Stratified'} split into train ${info.split.train}, validation ${info.split.validation} and test ${info.split.test} rows${info.split.seed === undefined ? '' : ` (seed ${info.split.seed})`}. The head's weights are those of the epoch with the lowest validation loss; the test rows were used only for the report below.`
      : 'Not recorded.',
    '',
  );
  parts.push('## Hyperparameters', '');
  const hyper: [string, string][] = [
    ['Padding / truncation length (tokens)', String(manifest.maxLength)],
    ['Encoder weights', encoder.dtype],
    ['Pooling', encoder.pooling],
  ];
  // The rows above already say these; fineTune's hyperparameters repeat them under their setting names. The encoder
  // is named in the first paragraph as the Hub knows it; its setting may be a local path, which a card must not leak.
  const shown = new Set(['maxLength', 'dtype', 'pooling', 'encoder', 'model']);
  for (const [key, value] of Object.entries(info.hyperparameters ?? {}))
    if (!shown.has(key)) hyper.push([key, String(value)]);
  parts.push(table(hyper), '');
  parts.push('## Calibration and abstention', '');
  parts.push(...calibrationLines(manifest, info), '');
  parts.push('## Test report', '');
  const report = info.testReport;
  if (report?.text) parts.push('```', report.text.trimEnd(), '```', '');
  if (report?.rocAuc !== undefined) parts.push(`ROC-AUC: ${report.rocAuc.toFixed(4)}`, '');
  if (report?.confusionMatrix) {
    parts.push('Confusion matrix (rows: true label, columns: predicted):', '');
    parts.push(`| | ${manifest.labelNames.join(' | ')} |`, `|---|${manifest.labelNames.map(() => '---').join('|')}|`);
    report.confusionMatrix.forEach((row, index) =>
      parts.push(`| ${manifest.labelNames[index] ?? index} | ${row.join(' | ')} |`),
    );
    parts.push('');
  }
  if (!report) parts.push('Not recorded.', '');
  parts.push('## Intended use and limits', '');
  parts.push(
    ...[
      `Classifies short English texts into ${manifest.labelNames.join(', ')}, like the training data. It has not been checked for other domains, languages or text lengths, nor for fairness across groups of people; measure on your own data before relying on it.`,
      `Texts longer than ${manifest.maxLength} tokens are truncated: only their beginning counts.`,
      'The encoder is frozen: what it did not learn in pre-training, the head cannot add.',
      ...(info.limitations ?? []),
    ].map((line) => `- ${line}`),
    '',
  );
  parts.push(
    '## How to load',
    '',
    'With senti (this directory):',
    '',
    '```ts',
    "import { loadModel } from '@senti/model';",
    '',
    "const model = await loadModel('./this-model-dir');",
    "console.log(await model.predict(['what a great film']));",
    'await model.dispose();',
    '```',
    '',
  );
  parts.push('or from the command line: `senti predict --model-dir ./this-model-dir "what a great film"`.', '');
  parts.push(
    'With transformers.js, after `senti export --model-dir ./this-model-dir ./exported` (Hugging Face layout, one ONNX graph: encoder + pooling + head):',
    '',
  );
  // Only the graph whose test figures are above is recommended (the export card marks the others "not measured").
  const measured = measuredExportGraph(manifest);
  parts.push(
    '```js',
    "import { env, pipeline } from '@huggingface/transformers';",
    '',
    'env.allowRemoteModels = false;',
    "env.localModelPath = '.';",
    `const classify = await pipeline('text-classification', 'exported'${measured === 'quantized' ? '' : ", { dtype: 'fp32' }"});`,
    "console.log(await classify('what a great film', { top_k: null }));",
    '```',
    '',
  );
  if (measured === 'quantized')
    parts.push(
      `This loads \`onnx/model_quantized.onnx\`, the ${encoder.dtype} graph the test report above measured; \`{ dtype: 'fp32' }\` loads the fp32 graph, which was not measured.`,
      '',
    );
  if (measured === undefined)
    parts.push(
      `The export holds the fine-tuned layers in its fp32 graph only (\`onnx/model.onnx\`), which was not measured: the test report above ran them over the ${encoder.dtype} encoder. Measure the export on your own data before relying on it.`,
      '',
    );
  return parts.join('\n');
}

/** The calibration and abstention section: the temperature and test ECE, the default threshold and what it answers. */
function calibrationLines(manifest: SentiManifest, info: ModelCardInfo): string[] {
  const lines: string[] = [];
  const ece = info.calibration
    ? ` Expected calibration error on the test split (15 bins): ${info.calibration.eceBefore.toFixed(4)} before, ${info.calibration.eceAfter.toFixed(4)} after.`
    : '';
  lines.push(
    manifest.calibration
      ? `Probabilities are calibrated by temperature scaling fitted on the validation split: softmax(logits / ${manifest.calibration.temperature.toFixed(4)}).${ece}`
      : "Probabilities are not calibrated (softmax of the head's logits).",
  );
  const share = (value: number) => `${(value * 100).toFixed(1)}%`;
  if (manifest.abstention) {
    const { threshold, targetAccuracy } = manifest.abstention;
    const effect = info.abstention
      ? ` It answers ${share(info.abstention.valCoverage)} of the validation texts (accuracy ${info.abstention.valAccuracy.toFixed(4)}) and ${share(info.abstention.testCoverage)} of the test texts (accuracy ${info.abstention.testAccuracy === null ? '-' : info.abstention.testAccuracy.toFixed(4)}); the test report above counts every text.`
      : '';
    lines.push(
      '',
      `Default abstention: no label when the top probability is below ${threshold.toFixed(4)}${targetAccuracy === undefined ? '' : ` (picked for accuracy ${targetAccuracy} on the validation split)`}; a request or \`--abstain-below\` may set another.${effect}`,
    );
  } else {
    lines.push(
      '',
      'No default abstention threshold: every text gets a label unless a request or `--abstain-below` sets one.',
    );
  }
  return lines;
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
