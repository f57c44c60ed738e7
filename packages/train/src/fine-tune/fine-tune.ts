import { TrainError } from '@senti/errors';
import { classificationReport, confusionMatrix, formatReport, rocAuc, type ClassificationReport } from '@senti/metrics';
import { encodeWithCache, loadEncoder, selectBackend, type BackendChoice, type ClassificationHead, type Encoder } from '@senti/model';
import { evaluateHead } from '../evaluate-head.js';
import { train } from '../train.js';
import type { EpochRecord } from '../types.js';
import type { FineTuneEvent } from './events.js';
import { chooseMaxLength, type MaxLengthChoice } from './max-length-choice.js';
import { prepareSplits, type PreparedSplits } from './prepare-splits.js';
import { resolveSettings, type FineTuneInput, type FineTuneSettings } from './settings.js';
import { TrainedModel } from './trained-model.js';
import { fineTuneUnfrozen, type UnfrozenStage } from '../unfreeze/fine-tune-unfrozen.js';

/** Options of {@link fineTune}: the settings (only `data` is required) plus where progress and checkpoints go. */
export type FineTuneOptions = FineTuneInput & {
  /** Receives progress events (never console output). */
  onEvent?: (event: FineTuneEvent) => void;
  /** Directory for per-epoch checkpoints (needed for `resume`). */
  checkpointDir?: string;
  /** Continue from the checkpoint in `checkpointDir`. */
  resume?: boolean;
};

/** Per-row test results, in test-split order. */
export interface TestPredictions {
  texts: string[];
  /** True class index of each row. */
  labels: number[];
  /** Predicted class index of each row. */
  predictions: number[];
  /** Row-major `[rows, classes]` probabilities. */
  probabilities: Float32Array;
}

/** Everything a fine-tuning run produced. */
export interface FineTuneResult {
  /** The model with its best-validation weights: `predict(texts)`, `save(dir)`, `dispose()`. */
  model: TrainedModel;
  /** The settings used (defaults filled in). */
  settings: FineTuneSettings;
  splits: PreparedSplits;
  maxLength: MaxLengthChoice;
  history: EpochRecord[];
  bestEpoch: number;
  bestValLoss: number;
  stoppedEarly: boolean;
  /** Test-split classification report (sklearn's numbers). */
  report: ClassificationReport;
  /** The report as scikit-learn prints it. */
  reportText: string;
  confusionMatrix: number[][];
  /** ROC-AUC on the test split (OvR macro for more than two classes); null when a class is missing there. */
  rocAuc: number | null;
  /** Class-weighted NLL on the test split. */
  testLoss: number;
  test: TestPredictions;
  backend: BackendChoice;
  cache: { hits: number; misses: number; discarded: { file: string; problem: string }[] };
  /** Peak resident memory of the process, MiB. */
  peakRssMiB: number;
  /** Wall-clock seconds per stage. */
  seconds: { loadSplit: number; loadEncoder: number; tokenize: number; encode: number; train: number; evaluate: number; total: number };
}

/**
 * The whole fine-tuning job in one call: load and clean the data, split it 70/15/15 (stratified, seeded) or take the given
 * val/test, choose the padding length, encode every text once with the frozen encoder (cached on disk), train the head,
 * restore the best-validation weights and evaluate on the test split.
 */
export async function fineTune(options: FineTuneOptions): Promise<FineTuneResult> {
  const started = Date.now();
  const { onEvent, checkpointDir, resume, ...input } = options;
  const emit = onEvent ?? (() => {});
  const settings = resolveSettings(input);
  if ((settings.val === undefined) !== (settings.test === undefined)) {
    throw new TrainError('TRAIN_BAD_OPTION', 'val and test go together: give both, or neither to split the data 70/15/15', 'usage');
  }
  const splits = await prepareSplits(settings);
  const loadSplit = secondsSince(started);
  emit({ type: 'data', splits, cleaning: splits.cleaning, seconds: loadSplit });

  const encoderStarted = Date.now();
  const encoder = await loadEncoder({
    model: settings.model, dtype: settings.dtype, device: settings.device, offline: settings.offline,
    ...(settings.pooling ? { pooling: settings.pooling } : {}),
  });
  const loadEncoderSeconds = secondsSince(encoderStarted);
  try {
    return await fineTuneWith(encoder, settings, splits, { emit, checkpointDir, resume, started, loadSplit, loadEncoder: loadEncoderSeconds });
  } catch (error) {
    await encoder.dispose();
    throw error;
  }
}

interface RunContext {
  emit: (event: FineTuneEvent) => void;
  checkpointDir: string | undefined;
  resume: boolean | undefined;
  started: number;
  loadSplit: number;
  loadEncoder: number;
}

async function fineTuneWith(encoder: Encoder, settings: FineTuneSettings, splits: PreparedSplits, context: RunContext): Promise<FineTuneResult> {
  const { emit } = context;
  const tokenizeStarted = Date.now();
  const lengths = encoder.tokenizer.tokenLengths(splits.train.texts);
  const lengthChoice = chooseMaxLength(lengths, settings.maxLength, settings.coverage, encoder.tokenizer.modelMaxLength);
  const tokenize = secondsSince(tokenizeStarted);
  emit({ type: 'max-length', choice: lengthChoice });

  const backend = await selectBackend({ device: settings.device });
  emit({ type: 'compute', encoder: encoder.info, device: encoder.device, backend, dtypeRequested: settings.dtype });

  const stage = settings.unfreeze > 0
    ? await unfrozenStage(encoder, settings, splits, lengthChoice.maxLength, context)
    : await frozenStage(encoder, settings, splits, lengthChoice.maxLength, context);
  const { result, testSplit, encode, trainSeconds } = stage;

  const evaluateStarted = Date.now();
  const evaluation = await evaluateHead(result.head, testSplit, splits.classWeights);
  // Probabilities through the prediction route, so the report equals what `predict` answers for these texts.
  const probabilities = await result.head.predictProba(testSplit.features, testSplit.labels.length);
  const report = classificationReport(splits.test.labels, evaluation.predictions, { labelNames: splits.labelNames });
  const matrix = confusionMatrix(splits.test.labels, evaluation.predictions, splits.labelNames.length);
  const auc = safeRocAuc(splits.test.labels, probabilities, splits.labelNames.length);
  const evaluate = secondsSince(evaluateStarted);
  emit({ type: 'evaluated', accuracy: report.accuracy, macroF1: report.macroAvg.f1, rocAuc: auc });

  const metrics = {
    test: { accuracy: report.accuracy, macroF1: report.macroAvg.f1, weightedF1: report.weightedAvg.f1, rocAuc: auc, loss: evaluation.loss },
    bestEpoch: result.bestEpoch, bestValLoss: result.bestValLoss, stoppedEarly: result.stoppedEarly,
  };
  const { data: _data, val: _val, test: _test, ...plainSettings } = settings;
  const model = new TrainedModel(stage.encoder, result.head, {
    maxLength: lengthChoice.maxLength,
    labelNames: splits.labelNames,
    metrics,
    training: { ...plainSettings, maxLength: lengthChoice.maxLength, data: describeSource(settings.data) },
    split: splits.record,
    ...(stage.tuned ? { tuned: stage.tuned } : {}),
  });
  return {
    model,
    settings,
    splits,
    maxLength: lengthChoice,
    history: result.history,
    bestEpoch: result.bestEpoch,
    bestValLoss: result.bestValLoss,
    stoppedEarly: result.stoppedEarly,
    report,
    reportText: formatReport(report),
    confusionMatrix: matrix,
    rocAuc: auc,
    testLoss: evaluation.loss,
    test: { texts: splits.test.texts, labels: splits.test.labels, predictions: evaluation.predictions, probabilities },
    backend,
    cache: stage.cache,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    seconds: {
      loadSplit: context.loadSplit, loadEncoder: context.loadEncoder, tokenize, encode, train: trainSeconds, evaluate,
      total: secondsSince(context.started),
    },
  };
}

/** What the encode and train stages hand to evaluation. */
interface TrainedStage {
  result: { head: ClassificationHead; history: EpochRecord[]; bestEpoch: number; bestValLoss: number; stoppedEarly: boolean };
  testSplit: { features: Float32Array; labels: number[] };
  /** The encoder predictions go through (the frozen one, or one with tuned layers). */
  encoder: Encoder;
  tuned?: UnfrozenStage['tuned'];
  cache: { hits: number; misses: number; discarded: { file: string; problem: string }[] };
  encode: number;
  trainSeconds: number;
}

/** Encode every text once with the frozen encoder (cached) and train the head on the features. */
async function frozenStage(encoder: Encoder, settings: FineTuneSettings, splits: PreparedSplits, maxLength: number, context: RunContext): Promise<TrainedStage> {
  const { emit } = context;
  const encodeStarted = Date.now();
  const allTexts = [...splits.train.texts, ...splits.val.texts, ...splits.test.texts];
  const encoded = await encodeWithCache(encoder, allTexts, {
    maxLength,
    enabled: settings.cache,
    ...(settings.cacheDir ? { cacheDir: settings.cacheDir } : {}),
    onProgress: (done, total) => emit({ type: 'encode', done, total }),
  });
  const encode = secondsSince(encodeStarted);
  emit({ type: 'encoded', hits: encoded.hits, misses: encoded.misses, discarded: encoded.discarded, seconds: encode });

  const hidden = encoder.info.hiddenSize;
  const rows = (from: number, count: number): Float32Array => encoded.features.subarray(from * hidden, (from + count) * hidden);
  const nTrain = splits.train.texts.length;
  const nVal = splits.val.texts.length;
  const testSplit = { features: rows(nTrain + nVal, splits.test.texts.length), labels: splits.test.labels };

  const trainStarted = Date.now();
  const result = await train({
    train: { features: rows(0, nTrain), labels: splits.train.labels },
    val: { features: rows(nTrain, nVal), labels: splits.val.labels },
    inputSize: hidden,
    numClasses: splits.labelNames.length,
    head: { dropout: settings.dropout },
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    learningRate: settings.learningRate,
    weightDecay: settings.weightDecay,
    classWeights: splits.classWeights,
    seed: settings.seed,
    onEvent: emit,
    ...(context.checkpointDir !== undefined ? { checkpointDir: context.checkpointDir, resume: context.resume ?? false } : {}),
    ...(settings.patience !== undefined ? { patience: settings.patience } : {}),
  });
  const trainSeconds = secondsSince(trainStarted);

  return { result, testSplit, encoder, cache: { hits: encoded.hits, misses: encoded.misses, discarded: encoded.discarded }, encode, trainSeconds };
}

/** Train the top `unfreeze` encoder layers with the head (states of the frozen bottom cached on disk). */
async function unfrozenStage(encoder: Encoder, settings: FineTuneSettings, splits: PreparedSplits, maxLength: number, context: RunContext): Promise<TrainedStage> {
  const stage = await fineTuneUnfrozen(encoder, settings, splits, maxLength, { emit: context.emit, checkpointDir: context.checkpointDir, resume: context.resume });
  return {
    result: stage.result, encoder: stage.encoder, tuned: stage.tuned, cache: stage.cache, encode: stage.seconds.encode, trainSeconds: stage.seconds.train,
    testSplit: { features: stage.testFeatures, labels: splits.test.labels },
  };
}

function describeSource(source: FineTuneSettings['data']): string {
  return typeof source === 'string' ? source : `${source.length} in-memory rows`;
}

function secondsSince(start: number): number {
  return (Date.now() - start) / 1000;
}

function safeRocAuc(labels: readonly number[], probabilities: Float32Array, numClasses: number): number | null {
  try {
    return rocAuc(labels, probabilities, numClasses);
  } catch {
    return null; // a class missing from the test split leaves AUC undefined
  }
}
