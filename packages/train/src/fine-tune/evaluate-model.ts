import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadDataset, type LabelledText } from '@senti/data';
import { TrainError } from '@senti/errors';
import { classificationReport, confusionMatrix, formatReport, rocAuc, type ClassificationReport } from '@senti/metrics';
import { loadModel, resolveModelDir, type Device } from '@senti/model';
import { fileSha256, labelValues, readSource, take, type SplitRecord, type TextSplit } from './prepare-splits.js';
import { SPLIT_FILE } from './trained-model.js';

/** Options of {@link evaluateModel}. */
export interface EvaluateModelOptions {
  /** A saved model directory (or a run directory holding `model/`). */
  modelDir: string;
  /**
   * Labelled data to evaluate on: a CSV/TSV path or in-memory `{ text, label }` rows (as `fineTune` takes); default: the
   * test split recorded when the model was trained (a model trained on in-memory rows recorded none it can re-read).
   */
  data?: string | readonly LabelledText[];
  /** Text column of `data`; default: as in training. */
  textColumn?: string;
  /** Label column of `data`; default: as in training. */
  labelColumn?: string;
  /** Text encoding of `data` (default utf-8, or its byte-order mark). */
  encoding?: string;
  /** Column delimiter of `data`. */
  delimiter?: string;
  device?: Device;
  offline?: boolean;
  /** Where the encoder lives now, when it moved since training. */
  encoder?: string;
  /** Called as texts are predicted. */
  onProgress?: (done: number, total: number) => void;
}

/** What {@link evaluateModel} measured. */
export interface ModelEvaluation {
  /** What was evaluated, in words (a file, or the run's test split). */
  source: string;
  texts: number;
  labelNames: string[];
  report: ClassificationReport;
  reportText: string;
  confusionMatrix: number[][];
  rocAuc: number | null;
  /** Row-major `[texts, classes]` probabilities. */
  probabilities: Float32Array;
  predictions: number[];
  labels: number[];
}

/** Scores a saved model on labelled data, by default on the exact test split recorded at training time. */
export async function evaluateModel(options: EvaluateModelOptions): Promise<ModelEvaluation> {
  const model = await loadModel(options.modelDir, {
    ...(options.offline !== undefined ? { offline: options.offline } : {}),
    ...(options.device ? { device: options.device } : {}),
    ...(options.encoder ? { encoderModel: options.encoder } : {}),
  });
  try {
    const { labelNames } = model.manifest;
    // Data files hold the label values; a model trained with label names reports under the names.
    const data = await evaluationData(options, resolveModelDir(options.modelDir), labelValues(labelNames, model.manifest.training?.labelNames));
    const probabilities = new Float32Array(data.texts.length * labelNames.length);
    const chunk = 256;
    for (let start = 0; start < data.texts.length; start += chunk) {
      probabilities.set(await model.predictProba(data.texts.slice(start, start + chunk)), start * labelNames.length);
      options.onProgress?.(Math.min(data.texts.length, start + chunk), data.texts.length);
    }
    const predictions = argmaxRows(probabilities, labelNames.length);
    const report = classificationReport(data.labels, predictions, { labelNames });
    let auc: number | null = null;
    try {
      auc = rocAuc(data.labels, probabilities, labelNames.length);
    } catch {
      auc = null; // undefined when a class is absent
    }
    return {
      source: data.source, texts: data.texts.length, labelNames, report, reportText: formatReport(report),
      confusionMatrix: confusionMatrix(data.labels, predictions, labelNames.length), rocAuc: auc, probabilities, predictions, labels: data.labels,
    };
  } finally {
    await model.dispose();
  }
}

/** Reads the split record a saved model keeps, if any. */
export async function readSplitRecord(modelDir: string): Promise<SplitRecord | undefined> {
  const file = join(modelDir, SPLIT_FILE);
  return existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as SplitRecord) : undefined;
}

async function evaluationData(options: EvaluateModelOptions, modelDir: string, labelNames: string[]): Promise<TextSplit & { source: string }> {
  const record = await readSplitRecord(modelDir);
  const columns = { textColumn: options.textColumn ?? record?.read.textColumn, labelColumn: options.labelColumn ?? record?.read.labelColumn };
  if (options.data !== undefined) {
    const read = { labelNames, dropDuplicates: false, encoding: options.encoding, delimiter: options.delimiter };
    if (typeof options.data !== 'string') {
      const dataset = await readSource(options.data, read, 'data');
      return { texts: dataset.texts, labels: dataset.labels, source: `${options.data.length} in-memory rows` };
    }
    const dataset = await loadDataset(options.data, { ...columns, ...read });
    return { texts: dataset.texts, labels: dataset.labels, source: options.data };
  }
  // The messages name the option (`data`); the CLI adds its own hint (its flag) per error code.
  if (record === undefined) {
    throw new TrainError('TRAIN_NO_SPLIT', `${modelDir} has no ${SPLIT_FILE} recording its test split; pass the data to evaluate on (\`data\`)`, 'usage');
  }
  const source = record.origin === 'files' ? record.sources.test : record.sources.train;
  if (source === undefined || source.kind !== 'file') {
    throw new TrainError('TRAIN_NO_SPLIT', `the model in ${modelDir} was trained on in-memory rows, so its test split cannot be re-read; pass the data to evaluate on (\`data\`: a file or rows)`, 'usage');
  }
  if (!existsSync(source.path)) {
    throw new TrainError('TRAIN_DATA_MOVED', `the test data of the model in ${modelDir} was read from ${source.path}, which no longer exists; pass the data to evaluate on (\`data\`)`, 'input');
  }
  if ((await fileSha256(source.path)) !== source.sha256) {
    throw new TrainError('TRAIN_DATA_CHANGED', `${source.path} changed since the model was trained, so its test split cannot be rebuilt; pass it as \`data\` to evaluate on it as it is now`, 'input');
  }
  const read = { textColumn: record.read.textColumn, labelColumn: record.read.labelColumn, dropDuplicates: record.read.dropDuplicates, encoding: record.read.encoding, delimiter: record.read.delimiter, labelNames };
  const dataset = await loadDataset(source.path, read);
  if (record.origin === 'files') return { texts: dataset.texts, labels: dataset.labels, source: `test file ${source.path}` };
  const test = take(dataset, record.indices!.test);
  return { ...test, source: `test split of ${source.path}` };
}

function argmaxRows(values: Float32Array, classes: number): number[] {
  const rows = values.length / classes;
  return Array.from({ length: rows }, (_, row) => {
    let best = 0;
    for (let column = 1; column < classes; column++) if (values[row * classes + column]! > values[row * classes + best]!) best = column;
    return best;
  });
}
