import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { UsageError } from '@senti/errors';
import { encodeWithCache, loadEncoder, saveModel, selectBackend, type Encoder } from '@senti/model';
import { classificationReport, confusionMatrix, rocAuc } from '@senti/metrics';
import { evaluateHead, train, type TrainEvent } from '@senti/train';
import type { ConsoleOutput } from '../output/console-output.js';
import { chooseMaxLength } from './choose-max-length.js';
import { prepareSplits } from './prepare-splits.js';
import { printDataSummary, printLengthSummary, printTestReport } from './print-summaries.js';
import { createRunDirectory, type RunDirectory } from './run-directory.js';
import { resolveTrainSettings, type TrainSettings } from './train-settings.js';
import { writeRunReport } from './write-run-report.js';

/** Options for {@link runTraining} beyond the training settings. */
export interface RunTrainingOptions {
  /** Output directory of the run (default `runs/<timestamp>`). */
  out?: string;
  /** Reuse a non-empty `out`. */
  overwrite?: boolean;
  /** Continue the run in this directory from its last checkpoint. */
  resume?: string;
}

/** What a finished run reports (also the `--json` summary). */
export interface TrainingSummary {
  runDir: string;
  modelDir: string;
  testAccuracy: number;
  testMacroF1: number;
  testRocAuc: number | null;
  bestEpoch: number;
  /** Rows in each split after cleaning. */
  rows: { train: number; val: number; test: number };
  maxLength: number;
  backend: string;
  encoderDevice: string;
  cache: { hits: number; misses: number };
  /** Peak resident memory of this process so far, in MiB. */
  peakRssMiB: number;
  /** Wall-clock seconds per stage (encoder loading counts under `loadEncoder`). */
  seconds: { loadSplit: number; loadEncoder: number; tokenize: number; encode: number; train: number; evaluate: number; write: number; total: number };
}

/** The whole `senti train` job: data -> split -> padding length -> encode (cached) -> head -> report -> run dir. */
export async function runTraining(flags: Partial<TrainSettings> & { data: string }, output: ConsoleOutput, options: RunTrainingOptions = {}): Promise<TrainingSummary> {
  const startedAt = Date.now();
  const settings = options.resume ? await readResumedSettings(options.resume) : resolveTrainSettings(flags);
  if ((settings.val === undefined) !== (settings.test === undefined)) {
    throw new UsageError('CLI_BAD_OPTION', '--val and --test go together: give both files, or neither to split --data 70/15/15');
  }

  const splits = await prepareSplits(settings);
  const loadSplitSeconds = secondsSince(startedAt);
  printDataSummary(output, settings, splits);

  const encoderStart = Date.now();
  const encoder = await loadEncoder({
    model: settings.model,
    dtype: settings.dtype,
    device: settings.device,
    offline: settings.offline,
    ...(settings.pooling ? { pooling: settings.pooling } : {}),
  });
  const timings = { startedAt, loadSplit: loadSplitSeconds, loadEncoder: secondsSince(encoderStart) };
  try {
    return await trainWithEncoder(settings, splits, encoder, output, options, timings);
  } finally {
    await encoder.dispose();
  }
}

async function trainWithEncoder(
  settings: TrainSettings,
  splits: Awaited<ReturnType<typeof prepareSplits>>,
  encoder: Encoder,
  output: ConsoleOutput,
  options: RunTrainingOptions,
  timings: { startedAt: number; loadSplit: number; loadEncoder: number },
): Promise<TrainingSummary> {
  const tokenizeStart = Date.now();
  const lengths = encoder.tokenizer.tokenLengths(splits.train.texts);
  const lengthChoice = chooseMaxLength(lengths, settings.maxLength, settings.coverage, encoder.tokenizer.modelMaxLength);
  const tokenizeSeconds = secondsSince(tokenizeStart);
  printLengthSummary(output, lengthChoice);

  const backend = await selectBackend({ device: settings.device });
  output.section('Compute');
  output.line(`  encoder  ${encoder.info.model} (${encoder.info.dtype}${settings.dtype === 'auto' ? ' (auto)' : ''}, ${encoder.info.pooling} pooling, hidden ${encoder.info.hiddenSize}) on ${encoder.device.used}`);
  if (encoder.device.note) output.line(`           ${encoder.device.note}`);
  output.line(`  head     TensorFlow.js backend "${backend.name}"${backend.gpu ? ' (GPU)' : ''}`);

  const run = options.resume
    ? await createRunDirectory(options.resume, { overwrite: true })
    : await createRunDirectory(options.out, { overwrite: options.overwrite ?? false });
  const config = { settings, resolved: { maxLength: lengthChoice.maxLength, encoder: encoder.info, encoderDevice: encoder.device, backend: backend.name }, command: process.argv.slice(2), createdAt: new Date().toISOString() };
  await run.writeJson('config.json', config);

  const encodeStart = Date.now();
  const allTexts = [...splits.train.texts, ...splits.val.texts, ...splits.test.texts];
  const progress = output.progress('Encoding', allTexts.length, 'texts');
  const encoded = await encodeWithCache(encoder, allTexts, {
    maxLength: lengthChoice.maxLength,
    enabled: settings.cache,
    ...(settings.cacheDir ? { cacheDir: settings.cacheDir } : {}),
    onProgress: (done) => progress.update(done),
  });
  progress.finish(`${encoded.hits} cached, ${encoded.misses} encoded`);
  const encodeSeconds = secondsSince(encodeStart);
  const hidden = encoder.info.hiddenSize;
  const rows = (from: number, count: number): Float32Array => encoded.features.subarray(from * hidden, (from + count) * hidden);
  const nTrain = splits.train.texts.length;
  const nVal = splits.val.texts.length;
  const trainSplit = { features: rows(0, nTrain), labels: splits.train.labels };
  const valSplit = { features: rows(nTrain, nVal), labels: splits.val.labels };
  const testSplit = { features: rows(nTrain + nVal, splits.test.texts.length), labels: splits.test.labels };

  const trainStart = Date.now();
  const result = await train({
    train: trainSplit,
    val: valSplit,
    inputSize: hidden,
    numClasses: splits.labelNames.length,
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    learningRate: settings.learningRate,
    weightDecay: settings.weightDecay,
    classWeights: splits.classWeights,
    seed: settings.seed,
    checkpointDir: run.checkpointDir,
    resume: Boolean(options.resume),
    onEvent: epochPrinter(output),
    ...(settings.patience !== undefined ? { patience: settings.patience } : {}),
  });
  const trainSeconds = secondsSince(trainStart);
  const evaluateStart = Date.now();

  const evaluation = await evaluateHead(result.head, testSplit, splits.classWeights);
  const report = classificationReport(splits.test.labels, evaluation.predictions, { labelNames: splits.labelNames });
  const matrix = confusionMatrix(splits.test.labels, evaluation.predictions, splits.labelNames.length);
  const auc = safeRocAuc(splits.test.labels, evaluation.probabilities, splits.labelNames.length);
  const evaluateSeconds = secondsSince(evaluateStart);
  printTestReport(output, report, matrix, auc);
  const writeStart = Date.now();

  const metrics = { test: { accuracy: report.accuracy, macroF1: report.macroAvg.f1, weightedF1: report.weightedAvg.f1, rocAuc: auc, loss: evaluation.loss }, bestEpoch: result.bestEpoch, bestValLoss: result.bestValLoss, stoppedEarly: result.stoppedEarly };
  await saveModel(run.modelDir, {
    head: result.head,
    encoder: { ...encoder.info, ...(encoder.source.path ? { path: encoder.source.path } : {}) },
    maxLength: lengthChoice.maxLength,
    labelNames: splits.labelNames,
    metrics,
    training: { ...settings, maxLength: lengthChoice.maxLength },
  });
  await writeRunReport(run, { report, matrix, history: result.history, bestEpoch: result.bestEpoch, lengthChoice, labelNames: splits.labelNames, metrics });
  result.head.dispose();
  const writeSeconds = secondsSince(writeStart);

  const summary: TrainingSummary = {
    runDir: run.path,
    modelDir: run.modelDir,
    testAccuracy: report.accuracy,
    testMacroF1: report.macroAvg.f1,
    testRocAuc: auc,
    bestEpoch: result.bestEpoch,
    rows: { train: splits.train.texts.length, val: splits.val.texts.length, test: splits.test.texts.length },
    maxLength: lengthChoice.maxLength,
    backend: backend.name,
    encoderDevice: encoder.device.used,
    cache: { hits: encoded.hits, misses: encoded.misses },
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    seconds: {
      loadSplit: timings.loadSplit,
      loadEncoder: timings.loadEncoder,
      tokenize: tokenizeSeconds,
      encode: encodeSeconds,
      train: trainSeconds,
      evaluate: evaluateSeconds,
      write: writeSeconds,
      total: secondsSince(timings.startedAt),
    },
  };
  await run.writeJson('config.json', { ...config, finishedAt: new Date().toISOString(), summary });
  output.section(`Run saved to ${displayPath(run)}`);
  output.line(`  model, config.json, metrics.json, history.csv, report.txt, confusion-matrix.{csv,svg,png}, plots`);
  output.line(`  try: pnpm --filter cli start predict --model-dir ${displayPath(run)} "what a great film"`);
  return summary;
}

/** Prints one line per epoch and a redrawn bar for steps within an epoch. */
function epochPrinter(output: ConsoleOutput): (event: TrainEvent) => void {
  let bar: ReturnType<ConsoleOutput['progress']> | undefined;
  let epochs = 0;
  return (event) => {
    if (event.type === 'start') {
      epochs = event.epochs;
      output.section(`Training the head: ${event.epochs} epochs x ${event.stepsPerEpoch} steps${event.startEpoch > 1 ? ` (resuming at epoch ${event.startEpoch})` : ''}`);
    } else if (event.type === 'step' && output.interactive) {
      bar ??= output.progress(`  epoch ${event.epoch}/${epochs}`, event.stepsPerEpoch, 'steps');
      bar.update(event.step, `loss ${event.loss.toFixed(4)}`);
    } else if (event.type === 'epoch') {
      if (bar) process.stderr.write('\r\x1b[K');
      bar = undefined;
      const eta = event.etaMs > 0 ? `  ETA ${Math.round(event.etaMs / 1000)}s` : '';
      output.line(`  epoch ${String(event.epoch).padStart(String(epochs).length)}/${epochs}  train loss ${event.trainLoss.toFixed(4)}  val loss ${event.valLoss.toFixed(4)}  val acc ${event.valAccuracy.toFixed(4)}${event.improved ? '  *best' : ''}${eta}`);
    } else if (event.type === 'early-stop') {
      output.line(`  early stop after epoch ${event.epoch} (no better validation loss for --patience epochs)`);
    } else if (event.type === 'restore') {
      output.line(`  restored the weights of epoch ${event.bestEpoch} (lowest validation loss ${event.bestValLoss.toFixed(4)})`);
    }
  };
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

function displayPath(run: RunDirectory): string {
  const path = relative(process.cwd(), run.path);
  return path.startsWith('..') || path === '' ? run.path : path;
}

/** Reads the settings of a run to resume; the run must have been started by `senti train`. */
async function readResumedSettings(runDir: string): Promise<TrainSettings> {
  const configPath = join(runDir, 'config.json');
  if (!existsSync(configPath)) {
    throw new UsageError('CLI_NOT_A_RUN', `--resume ${runDir}: no config.json there; expected a run directory written by senti train`);
  }
  const config = JSON.parse(await readFile(configPath, 'utf8')) as { settings?: TrainSettings };
  if (!config.settings?.data) throw new UsageError('CLI_NOT_A_RUN', `--resume ${runDir}: config.json has no training settings`);
  return config.settings;
}
