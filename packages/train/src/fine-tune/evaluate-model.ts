import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadDataset, type LabelledText } from '@senti/data';
import { TrainError } from '@senti/errors';
import {
  brierScore,
  classificationReport,
  multiclassBrier,
  confusionMatrix,
  expectedCalibrationError,
  formatReport,
  riskCoverage,
  rocAuc,
  type ClassificationReport,
  type ReliabilityBin,
  type RiskCoveragePoint,
} from '@senti/metrics';
import { abstentionSummary, checkTargetAccuracy, type AbstentionSummary } from '../trust/abstention-summary.js';
import { checkAbstainThreshold, loadModel, resolveModelDir, type Device, type SentiModel } from '@senti/model';
import { fileSha256, labelValues, readSource, take, type SplitRecord, type TextSplit } from './prepare-splits.js';
import { SPLIT_FILE } from './trained-model.js';
import type { DownloadListener } from '@senti/tokenize';

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
  /** Abstain below this top probability: report coverage and accuracy on the texts answered. Default: the model's own threshold (`--target-accuracy` at training), else none. */
  abstainBelow?: number;
  /** Pick the abstention threshold reaching this accuracy on the run's validation split (re-read like the test split). */
  targetAccuracy?: number;
  /** Called as texts are predicted. */
  onProgress?: (done: number, total: number) => void;
  /** Progress of a Hub encoder's download, when it is not in the Hugging Face cache yet. */
  onDownload?: DownloadListener;
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
  /**
   * Calibration of the probabilities as the model gives them: its temperature (1 = uncalibrated), ECE (15 bins), the Brier
   * score as scikit-learn's `brier_score_loss` and the multi-class one (sum over classes, 0-2), reliability bins.
   */
  calibration: { temperature: number; ece: number; brier: number; multiclassBrier: number; bins: ReliabilityBin[] };
  /** Risk-coverage table and curve; `chosen` with `targetAccuracy`. */
  abstention: AbstentionSummary;
  /** Coverage and accuracy at the threshold in effect (`abstainBelow`, the chosen one, or the model's), when there is one. */
  abstained?: RiskCoveragePoint;
}

/** Scores a saved model on labelled data, by default on the exact test split recorded at training time. */
export async function evaluateModel(options: EvaluateModelOptions): Promise<ModelEvaluation> {
  if (options.abstainBelow !== undefined) checkAbstainThreshold(options.abstainBelow, 'abstainBelow');
  if (options.targetAccuracy !== undefined) checkTargetAccuracy(options.targetAccuracy);
  const model = await loadModel(options.modelDir, {
    ...(options.offline !== undefined ? { offline: options.offline } : {}),
    ...(options.device ? { device: options.device } : {}),
    ...(options.encoder ? { encoderModel: options.encoder } : {}),
    ...(options.onDownload ? { onDownload: options.onDownload } : {}),
  });
  try {
    const { labelNames } = model.manifest;
    // Data files hold the label values; a model trained with label names reports under the names.
    const data = await evaluationData(
      options,
      resolveModelDir(options.modelDir),
      labelValues(labelNames, model.manifest.training?.labelNames),
    );
    const probabilities = await predictAll(model, data.texts, options.onProgress);
    const predictions = argmaxRows(probabilities, labelNames.length);
    const report = classificationReport(data.labels, predictions, { labelNames });
    let auc: number | null = null;
    try {
      auc = rocAuc(data.labels, probabilities, labelNames.length);
    } catch {
      auc = null; // undefined when a class is absent
    }
    const numClasses = labelNames.length;
    const ece = expectedCalibrationError(data.labels, probabilities, numClasses);
    let target: Parameters<typeof abstentionSummary>[2];
    if (options.targetAccuracy !== undefined) {
      const val = await validationData(
        resolveModelDir(options.modelDir),
        labelValues(labelNames, model.manifest.training?.labelNames),
      );
      target = {
        targetAccuracy: options.targetAccuracy,
        val: { labels: val.labels, probabilities: await predictAll(model, val.texts) },
      };
    }
    const abstention = abstentionSummary({ labels: data.labels, probabilities }, numClasses, target);
    const threshold = options.abstainBelow ?? abstention.chosen?.threshold ?? model.manifest.abstention?.threshold;
    return {
      source: data.source,
      texts: data.texts.length,
      labelNames,
      report,
      reportText: formatReport(report),
      confusionMatrix: confusionMatrix(data.labels, predictions, numClasses),
      rocAuc: auc,
      probabilities,
      predictions,
      labels: data.labels,
      calibration: {
        temperature: model.manifest.calibration?.temperature ?? 1,
        ece: ece.ece,
        brier: brierScore(data.labels, probabilities, numClasses),
        multiclassBrier: multiclassBrier(data.labels, probabilities, numClasses),
        bins: ece.bins,
      },
      abstention,
      ...(threshold !== undefined
        ? { abstained: riskCoverage(data.labels, probabilities, numClasses, [threshold])[0]! }
        : {}),
    };
  } finally {
    await model.dispose();
  }
}

/** Row-major probabilities of `texts`, predicted in chunks. */
async function predictAll(
  model: SentiModel,
  texts: readonly string[],
  onProgress?: (done: number, total: number) => void,
): Promise<Float32Array> {
  const classes = model.manifest.labelNames.length;
  const probabilities = new Float32Array(texts.length * classes);
  const chunk = 256;
  for (let start = 0; start < texts.length; start += chunk) {
    probabilities.set(await model.predictProba(texts.slice(start, start + chunk)), start * classes);
    onProgress?.(Math.min(texts.length, start + chunk), texts.length);
  }
  return probabilities;
}

/** The validation split a saved run recorded (its file, or its rows of the split data), checked unchanged. */
async function validationData(modelDir: string, labelNames: string[]): Promise<TextSplit> {
  const record = await readSplitRecord(modelDir);
  const source = record?.origin === 'files' ? record.sources.val : record?.sources.train;
  if (record === undefined || source === undefined || source.kind !== 'file') {
    throw new TrainError(
      'TRAIN_NO_SPLIT',
      `the model in ${modelDir} has no validation split recorded in a file; a threshold for a target accuracy needs it (train with --target-accuracy instead)`,
      'usage',
    );
  }
  if (!existsSync(source.path))
    throw new TrainError(
      'TRAIN_DATA_MOVED',
      `the validation data of the model in ${modelDir} was read from ${source.path}, which no longer exists`,
      'input',
    );
  if ((await fileSha256(source.path)) !== source.sha256) {
    throw new TrainError(
      'TRAIN_DATA_CHANGED',
      `${source.path} changed since the model was trained, so its validation split cannot be rebuilt`,
      'input',
    );
  }
  const read = {
    textColumn: record.read.textColumn,
    labelColumn: record.read.labelColumn,
    dropDuplicates: record.read.dropDuplicates,
    encoding: record.read.encoding,
    delimiter: record.read.delimiter,
    labelNames,
  };
  const dataset = await loadDataset(source.path, read);
  return record.origin === 'files'
    ? { texts: dataset.texts, labels: dataset.labels }
    : take(dataset, record.indices!.val);
}

/** Reads the split record a saved model keeps, if any. */
export async function readSplitRecord(modelDir: string): Promise<SplitRecord | undefined> {
  const file = join(modelDir, SPLIT_FILE);
  return existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as SplitRecord) : undefined;
}

async function evaluationData(
  options: EvaluateModelOptions,
  modelDir: string,
  labelNames: string[],
): Promise<TextSplit & { source: string }> {
  const record = await readSplitRecord(modelDir);
  const columns = {
    textColumn: options.textColumn ?? record?.read.textColumn,
    labelColumn: options.labelColumn ?? record?.read.labelColumn,
  };
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
    throw new TrainError(
      'TRAIN_NO_SPLIT',
      `${modelDir} has no ${SPLIT_FILE} recording its test split; pass the data to evaluate on (\`data\`)`,
      'usage',
    );
  }
  const source = record.origin === 'files' ? record.sources.test : record.sources.train;
  if (source === undefined || source.kind !== 'file') {
    throw new TrainError(
      'TRAIN_NO_SPLIT',
      `the model in ${modelDir} was trained on in-memory rows, so its test split cannot be re-read; pass the data to evaluate on (\`data\`: a file or rows)`,
      'usage',
    );
  }
  if (!existsSync(source.path)) {
    throw new TrainError(
      'TRAIN_DATA_MOVED',
      `the test data of the model in ${modelDir} was read from ${source.path}, which no longer exists; pass the data to evaluate on (\`data\`)`,
      'input',
    );
  }
  if ((await fileSha256(source.path)) !== source.sha256) {
    throw new TrainError(
      'TRAIN_DATA_CHANGED',
      `${source.path} changed since the model was trained, so its test split cannot be rebuilt; pass it as \`data\` to evaluate on it as it is now`,
      'input',
    );
  }
  const read = {
    textColumn: record.read.textColumn,
    labelColumn: record.read.labelColumn,
    dropDuplicates: record.read.dropDuplicates,
    encoding: record.read.encoding,
    delimiter: record.read.delimiter,
    labelNames,
  };
  const dataset = await loadDataset(source.path, read);
  if (record.origin === 'files')
    return { texts: dataset.texts, labels: dataset.labels, source: `test file ${source.path}` };
  const test = take(dataset, record.indices!.test);
  return { ...test, source: `test split of ${source.path}` };
}

function argmaxRows(values: Float32Array, classes: number): number[] {
  const rows = values.length / classes;
  return Array.from({ length: rows }, (_, row) => {
    let best = 0;
    for (let column = 1; column < classes; column++)
      if (values[row * classes + column]! > values[row * classes + best]!) best = column;
    return best;
  });
}
