import { classificationReport, confusionMatrix, formatReport, rocAuc, type ClassificationReport } from '@senti/metrics';
import type { BackendChoice } from '@senti/model';
import { evaluateHead } from '../evaluate-head.js';
import { train } from '../train.js';
import type { EpochRecord, TrainOptions, TrainResult } from '../types.js';
import { fineTuneUnfrozen, type UnfrozenStage } from '../unfreeze/fine-tune-unfrozen.js';
import type { FineTuneEvent } from './events.js';
import type { MaxLengthChoice } from './max-length-choice.js';
import { encodeFeatures, prepareRun, secondsSince, type PreparedFeatures } from './prepare-features.js';
import type { PreparedSplits } from './prepare-splits.js';
import type { FineTuneInput, FineTuneSettings } from './settings.js';
import { oneClassWarning } from './one-class-warning.js';
import { TrainedModel } from './trained-model.js';
import { abstentionSummary, smallSampleWarning, type AbstentionSummary } from '../trust/abstention-summary.js';
import { calibrateHead, type CalibrationSummary } from '../trust/calibrate-head.js';
import { crossValidate, type CrossValidation } from '../trust/cross-validate.js';
import { assertFoldsFit } from '../trust/fold-heads.js';

/** Options of {@link fineTune}: the settings (only `data` is required) plus where progress and checkpoints go. */
export type FineTuneOptions = FineTuneInput & {
  /** Receives progress events (never console output). */
  onEvent?: (event: FineTuneEvent) => void;
  /** Directory for per-epoch checkpoints (needed for `resume`). */
  checkpointDir?: string;
  /** Continue from the checkpoint in `checkpointDir`. */
  resume?: boolean;
  /**
   * Cancels the job: it rejects with a `TRAIN_ABORTED` TrainError between batches (encoding) or steps (training);
   * checkpoints of completed epochs stay usable for `resume`, and nothing is left half-written.
   */
  signal?: AbortSignal;
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
  /** Temperature scaling (fitted on validation; ECE and Brier on test before and after); absent when `calibrate` is off. */
  calibration?: CalibrationSummary;
  /** Coverage vs accuracy on the test split when abstaining below a threshold; with `targetAccuracy`, the threshold chosen on validation. */
  abstention: AbstentionSummary;
  /** Stratified k-fold cross-validation over train + validation (`kfold`). */
  crossValidation?: CrossValidation;
  test: TestPredictions;
  backend: BackendChoice;
  cache: { hits: number; misses: number; discarded: { file: string; problem: string }[] };
  /** Peak resident memory of the process, MiB. */
  peakRssMiB: number;
  /** Wall-clock seconds per stage. */
  seconds: {
    loadSplit: number;
    loadEncoder: number;
    tokenize: number;
    encode: number;
    train: number;
    evaluate: number;
    total: number;
  };
}

/**
 * The whole fine-tuning job in one call: load and clean the data, split it 70/15/15 (stratified, seeded) or take the given
 * val/test, choose the padding length, encode every text once with the frozen encoder (cached on disk), train the head,
 * restore the best-validation weights and evaluate on the test split.
 */
export async function fineTune(options: FineTuneOptions): Promise<FineTuneResult> {
  const { onEvent, checkpointDir, resume, signal, ...input } = options;
  const emit = onEvent ?? (() => {});
  const loop = {
    onEvent: emit,
    signal,
    ...(checkpointDir !== undefined ? { checkpointDir, resume: resume ?? false } : {}),
  };
  const run = await prepareRun(input, emit, signal);
  try {
    if (run.settings.unfreeze > 0) {
      // The head trains on the tuned layers' output: the frozen sentence features are never computed.
      const stage = await fineTuneUnfrozen(run, loop);
      try {
        const features = {
          val: { features: stage.valFeatures, labels: run.splits.val.labels },
          test: { features: stage.testFeatures, labels: run.splits.test.labels },
        };
        const tuned = {
          ...run,
          encoder: stage.encoder,
          features,
          cache: stage.cache,
          seconds: { ...run.seconds, encode: stage.seconds.encode },
        };
        return await finishFineTune(tuned, run.settings, stage.result, stage.seconds.train, emit, stage.tuned);
      } catch (error) {
        await stage.encoder.dispose();
        throw error;
      }
    }
    if (run.settings.kfold !== undefined) {
      // Checked before encoding: a k that does not fit the data fails in seconds, not after the encoder ran.
      assertFoldsFit(
        [...run.splits.train.labels, ...run.splits.val.labels],
        run.settings.kfold,
        run.splits.labelNames,
        'kfold',
        'train + validation',
      );
    }
    const prepared = await encodeFeatures(run, emit, signal);
    const crossValidation =
      run.settings.kfold === undefined ? undefined : await crossValidateRun(prepared, emit, signal);
    const trainStarted = Date.now();
    const result = await trainOnFeatures(prepared, prepared.settings, loop);
    const finished = await finishFineTune(prepared, prepared.settings, result, secondsSince(trainStarted), emit);
    return crossValidation === undefined ? finished : { ...finished, crossValidation };
  } catch (error) {
    await run.encoder.dispose();
    throw error;
  }
}

/** k-fold cross-validation over train + validation of a prepared run (its features, its head settings). */
async function crossValidateRun(
  prepared: PreparedFeatures,
  emit: (event: FineTuneEvent) => void,
  signal?: AbortSignal,
): Promise<CrossValidation> {
  const { train: trainSplit, val } = prepared.features;
  const features = new Float32Array(trainSplit.features.length + val.features.length);
  features.set(trainSplit.features);
  features.set(val.features, trainSplit.features.length);
  const k = prepared.settings.kfold!;
  return crossValidate(
    { features, labels: [...trainSplit.labels, ...val.labels] },
    prepared.encoder.info.hiddenSize,
    prepared.splits.labelNames,
    prepared.settings,
    k,
    (scores) => emit({ type: 'cross-validation-fold', folds: k, ...scores }),
    signal,
  );
}

/** Trains a head on prepared features with the head settings of `settings` (lr, dropout, weight decay, batch size, epochs, seed, patience). */
export function trainOnFeatures(
  prepared: PreparedFeatures,
  settings: FineTuneSettings,
  options: Pick<TrainOptions, 'onEvent' | 'checkpointDir' | 'resume' | 'signal' | 'onDiverge'> = {},
): Promise<TrainResult> {
  const { splits, features } = prepared;
  return train({
    train: features.train,
    val: features.val,
    inputSize: prepared.encoder.info.hiddenSize,
    numClasses: splits.labelNames.length,
    head: { dropout: settings.dropout },
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    learningRate: settings.learningRate,
    weightDecay: settings.weightDecay,
    classWeights: splits.classWeights,
    seed: settings.seed,
    ...options,
    ...(settings.patience !== undefined ? { patience: settings.patience } : {}),
  });
}

/** What {@link finishFineTune} needs of the prepared job: the run, the validation and test features and the encoding figures. */
export type FinishInput = Omit<PreparedFeatures, 'features'> & {
  features: Pick<PreparedFeatures['features'], 'val' | 'test'>;
};

/**
 * Evaluates a trained head on the test split and wraps it with the encoder into a {@link FineTuneResult} (the model
 * takes over `prepared.encoder`). `settings` are those the head was trained with.
 */
export async function finishFineTune(
  prepared: FinishInput,
  settings: FineTuneSettings,
  result: Pick<TrainResult, 'head' | 'history' | 'bestEpoch' | 'bestValLoss' | 'stoppedEarly'>,
  trainSeconds: number,
  emit: (event: FineTuneEvent) => void = () => {},
  tuned?: UnfrozenStage['tuned'],
): Promise<FineTuneResult> {
  const { encoder, splits, maxLength: lengthChoice } = prepared;
  const testSplit = prepared.features.test;
  const evaluateStarted = Date.now();
  const evaluation = await evaluateHead(result.head, testSplit, splits.classWeights);
  const valSplit = prepared.features.val;
  // Calibration sets the head's temperature first, so every probability below (and the saved model's) is calibrated.
  const calibration =
    settings.calibrate && valSplit.labels.length > 0
      ? await calibrateHead(result.head, valSplit, testSplit)
      : undefined;
  if (calibration)
    emit({
      type: 'calibrated',
      temperature: calibration.temperature,
      eceBefore: calibration.eceBefore,
      eceAfter: calibration.eceAfter,
    });
  if (calibration?.unfitted === 'separable') {
    emit({
      type: 'warning',
      code: 'calibration-separable',
      message: `the model separates all ${valSplit.labels.length} validation rows perfectly, so temperature scaling cannot be fitted (it would push T to 0 and every probability to 1, and abstention could never withhold a text): the model is left uncalibrated (T = 1)`,
    });
  }
  // Probabilities through the prediction route, so the report equals what `predict` answers for these texts.
  const probabilities = await result.head.predictProba(testSplit.features, testSplit.labels.length);
  const report = classificationReport(splits.test.labels, evaluation.predictions, { labelNames: splits.labelNames });
  const matrix = confusionMatrix(splits.test.labels, evaluation.predictions, splits.labelNames.length);
  const auc = safeRocAuc(splits.test.labels, probabilities, splits.labelNames.length);
  const numClasses = splits.labelNames.length;
  const abstention = abstentionSummary(
    { labels: splits.test.labels, probabilities },
    numClasses,
    settings.targetAccuracy === undefined
      ? undefined
      : {
          targetAccuracy: settings.targetAccuracy,
          val: {
            labels: splits.val.labels,
            probabilities: await result.head.predictProba(valSplit.features, valSplit.labels.length),
          },
        },
    'report',
  );
  if (abstention.chosen?.smallSample) {
    emit({ type: 'warning', code: 'threshold-small-sample', message: smallSampleWarning(abstention.chosen) });
  }
  if (abstention.unreached !== undefined) {
    emit({
      type: 'warning',
      code: 'target-accuracy-unreached',
      message: `no abstention threshold reaches accuracy ${abstention.unreached} on the validation split (not even its most confident row is right): the model is saved without a default threshold; pick one later with evaluate --target-accuracy`,
    });
  }
  const oneClass = oneClassWarning(evaluation.predictions, splits.labelNames);
  if (oneClass) emit({ type: 'warning', code: 'one-class-predicted', message: oneClass });
  const evaluate = secondsSince(evaluateStarted);
  emit({ type: 'evaluated', accuracy: report.accuracy, macroF1: report.macroAvg.f1, rocAuc: auc });

  const metrics = {
    test: {
      accuracy: report.accuracy,
      macroF1: report.macroAvg.f1,
      weightedF1: report.weightedAvg.f1,
      rocAuc: auc,
      loss: evaluation.loss,
    },
    bestEpoch: result.bestEpoch,
    bestValLoss: result.bestValLoss,
    stoppedEarly: result.stoppedEarly,
    ...(calibration
      ? {
          calibration: {
            temperature: calibration.temperature,
            eceBefore: calibration.eceBefore,
            eceAfter: calibration.eceAfter,
            brierBefore: calibration.brierBefore,
            brierAfter: calibration.brierAfter,
            multiclassBrierBefore: calibration.multiclassBrierBefore,
            multiclassBrierAfter: calibration.multiclassBrierAfter,
          },
        }
      : {}),
  };
  const { data: _data, val: _val, test: _test, ...plainSettings } = settings;
  const model = new TrainedModel(encoder, result.head, {
    maxLength: lengthChoice.maxLength,
    labelNames: splits.labelNames,
    metrics,
    training: {
      ...plainSettings,
      textColumn: splits.textColumn,
      labelColumn: splits.labelColumn,
      maxLength: lengthChoice.maxLength,
      data: describeSource(settings.data),
    },
    split: splits.record,
    ...(abstention.chosen
      ? { abstention: { threshold: abstention.chosen.threshold, targetAccuracy: abstention.chosen.targetAccuracy } }
      : {}),
    card: {
      data: {
        source: describeSource(settings.data),
        rows: splits.cleaning[0]?.rowsKept ?? 0,
        textColumn: splits.textColumn,
        labelColumn: splits.labelColumn,
        labelCounts: Object.fromEntries(
          splits.labelNames.map((name, index) => [
            name,
            [splits.train, splits.val, splits.test].reduce(
              (sum, split) => sum + split.labels.filter((label) => label === index).length,
              0,
            ),
          ]),
        ),
      },
      split: {
        train: splits.train.texts.length,
        validation: splits.val.texts.length,
        test: splits.test.texts.length,
        stratified: splits.record.origin === 'split',
        seed: settings.seed,
      },
      hyperparameters: {
        encoder: settings.model,
        dtype: encoder.info.dtype,
        pooling: encoder.info.pooling,
        maxLength: lengthChoice.maxLength,
        epochs: settings.epochs,
        batchSize: settings.batchSize,
        learningRate: settings.learningRate,
        weightDecay: settings.weightDecay,
        dropout: settings.dropout,
        seed: settings.seed,
        bestEpoch: result.bestEpoch,
        ...(settings.unfreeze
          ? { unfreeze: settings.unfreeze, encoderLearningRate: settings.encoderLearningRate }
          : {}),
      },
      ...(calibration ? { calibration: { eceBefore: calibration.eceBefore, eceAfter: calibration.eceAfter } } : {}),
      ...(abstention.chosen
        ? {
            abstention: {
              valAccuracy: abstention.chosen.accuracy,
              valCoverage: abstention.chosen.coverage,
              testAccuracy: abstention.chosen.test.accuracy,
              testCoverage: abstention.chosen.test.coverage,
            },
          }
        : {}),
      testReport: {
        text: formatReport(report),
        accuracy: report.accuracy,
        macroF1: report.macroAvg.f1,
        weightedF1: report.weightedAvg.f1,
        ...(auc !== null ? { rocAuc: auc } : {}),
        confusionMatrix: matrix,
      },
    },
    ...(tuned ? { tuned } : {}),
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
    ...(calibration ? { calibration } : {}),
    abstention,
    test: { texts: splits.test.texts, labels: splits.test.labels, predictions: evaluation.predictions, probabilities },
    backend: prepared.backend,
    cache: prepared.cache,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    seconds: { ...prepared.seconds, train: trainSeconds, evaluate, total: secondsSince(prepared.started) },
  };
}

function describeSource(source: FineTuneSettings['data']): string {
  return typeof source === 'string' ? source : `${source.length} in-memory rows`;
}

function safeRocAuc(labels: readonly number[], probabilities: Float32Array, numClasses: number): number | null {
  try {
    return rocAuc(labels, probabilities, numClasses);
  } catch {
    return null; // a class missing from the test split leaves AUC undefined
  }
}
