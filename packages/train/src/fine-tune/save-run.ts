import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { formatCsv } from '@senti/data';
import { reportToSklearnDict } from '@senti/metrics';
import { writeFileAtomic } from '@senti/base';
import type { FineTuneResult } from './fine-tune.js';
import { EXPLANATIONS_FILE, writeExplanationsPage } from './explanations-page.js';
import type { PlotWarning } from '../plots/render-plot.js';
import { writeRunPlots } from '../plots/write-plots.js';

/** Options of {@link saveRun}. */
export interface SaveRunOptions {
  /** Extra fields for config.json (e.g. the command line). */
  config?: Record<string, unknown>;
  /** Copy the encoder into the model directory, so it works anywhere on its own (default: only when nothing portable names it). */
  bundleEncoder?: boolean;
  /** Draw the run's pictures (SVG + PNG; default true): about a second for vega and sharp to load, then ~0.2 s each. */
  plots?: boolean;
  /** Called with one line when a picture cannot be drawn (the run is still saved); default: ignored. */
  onWarning?: PlotWarning;
}

/**
 * Writes a run directory, the very one `senti train` writes: the model, the exact settings, metrics, history, report,
 * confusion matrix, per-row test predictions, the explanations page and the pictures (see the README's run directory).
 */
export async function saveRun(
  result: FineTuneResult,
  dir: string,
  options: SaveRunOptions = {},
): Promise<{ runDir: string; modelDir: string }> {
  const runDir = resolve(dir);
  const modelDir = join(runDir, 'model');
  await mkdir(runDir, { recursive: true });
  await result.model.save(
    modelDir,
    options.bundleEncoder !== undefined ? { bundleEncoder: options.bundleEncoder } : {},
  );
  const write = (name: string, text: string) => writeFileAtomic(join(runDir, name), text);
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  const { labelNames } = result.splits;
  await write(
    'config.json',
    json({
      settings: {
        ...result.settings,
        data: sourceName(result.settings.data),
        val: sourceName(result.settings.val),
        test: sourceName(result.settings.test),
      },
      resolved: {
        maxLength: result.maxLength.maxLength,
        encoder: result.model.encoder.info,
        encoderDevice: result.model.encoder.device,
        backend: result.backend.name,
      },
      split: {
        origin: result.splits.record.origin,
        rows: {
          train: result.splits.train.texts.length,
          val: result.splits.val.texts.length,
          test: result.splits.test.texts.length,
        },
      },
      ...options.config,
      summary: runSummary(result, runDir, modelDir),
    }),
  );
  await write(
    'metrics.json',
    json({
      test: {
        accuracy: result.report.accuracy,
        macroF1: result.report.macroAvg.f1,
        weightedF1: result.report.weightedAvg.f1,
        rocAuc: result.rocAuc,
        loss: result.testLoss,
      },
      bestEpoch: result.bestEpoch,
      bestValLoss: result.bestValLoss,
      stoppedEarly: result.stoppedEarly,
      report: reportToSklearnDict(result.report),
      confusionMatrix: { labels: labelNames, matrix: result.confusionMatrix },
      tokenLengths: result.maxLength.statistics,
      ...(result.calibration ? { calibration: calibrationMetrics(result.calibration) } : {}),
      riskCoverage: { split: 'test', table: result.abstention.table },
      ...(result.abstention.chosen ? { abstention: result.abstention.chosen } : {}),
      ...(result.crossValidation ? { crossValidation: result.crossValidation } : {}),
    }),
  );
  await write('report.txt', result.reportText);
  await write(
    'history.csv',
    formatCsv(
      ['epoch', 'train_loss', 'val_loss', 'val_accuracy', 'seconds'],
      result.history.map((row) => [row.epoch, row.trainLoss, row.valLoss, row.valAccuracy, row.seconds]),
    ),
  );
  await write(
    'confusion-matrix.csv',
    formatCsv(
      ['true\\predicted', ...labelNames],
      result.confusionMatrix.map((row, index) => [labelNames[index], ...row]),
    ),
  );
  const rows = testRows(result);
  const header = ['text', 'label', 'predicted_label', 'predicted_score', ...labelNames.map((name) => `p_${name}`)];
  const cells = (row: TestRow) => [row.text, row.label, row.predicted, row.score, ...row.probabilities];
  await write('test-predictions.csv', formatCsv(header, rows.map(cells)));
  await write('misclassified.csv', formatCsv(header, mostConfidentMistakes(rows).map(cells)));
  await writeExplanationsPage(result, mostConfidentMistakes(rows), join(runDir, EXPLANATIONS_FILE));
  if (options.plots !== false) await writeRunPlots(result, runDir, options.onWarning);
  return { runDir, modelDir };
}

/**
 * metrics.json's `calibration`: the temperature, ECE (15 bins) and Brier scores on the test split before and after
 * (`brier*`: scikit-learn's `brier_score_loss`; `multiclassBrier*`: the sum over classes, 0-2), and the reliability bins.
 */
export function calibrationMetrics(calibration: NonNullable<FineTuneResult['calibration']>): Record<string, unknown> {
  const {
    temperature,
    eceBefore,
    eceAfter,
    brierBefore,
    brierAfter,
    multiclassBrierBefore,
    multiclassBrierAfter,
    valNllBefore,
    valNllAfter,
    reliability,
  } = calibration;
  return {
    temperature,
    eceBefore,
    eceAfter,
    brierBefore,
    brierAfter,
    multiclassBrierBefore,
    multiclassBrierAfter,
    bins: 15,
    split: 'test',
    valNllBefore,
    valNllAfter,
    reliability,
  };
}

/** One test row with its prediction. */
export interface TestRow {
  text: string;
  label: string;
  predicted: string;
  score: number;
  probabilities: number[];
}

/** The test rows with true and predicted label names. */
export function testRows(result: Pick<FineTuneResult, 'test' | 'splits'>): TestRow[] {
  const { labelNames } = result.splits;
  const classes = labelNames.length;
  return result.test.texts.map((text, row) => {
    const probabilities = Array.from(result.test.probabilities.subarray(row * classes, (row + 1) * classes));
    const predicted = result.test.predictions[row]!;
    return {
      text,
      label: labelNames[result.test.labels[row]!]!,
      predicted: labelNames[predicted]!,
      score: probabilities[predicted]!,
      probabilities,
    };
  });
}

/** Misclassified rows, most confident mistakes first. */
export function mostConfidentMistakes(rows: readonly TestRow[]): TestRow[] {
  return rows.filter((row) => row.label !== row.predicted).sort((a, b) => b.score - a.score);
}

/** The short machine-readable summary of a run (the CLI's `--json` result). */
export interface RunSummary {
  runDir: string;
  modelDir: string;
  testAccuracy: number;
  testMacroF1: number;
  testRocAuc: number | null;
  bestEpoch: number;
  rows: { train: number; val: number; test: number };
  maxLength: number;
  backend: string;
  encoderDevice: string;
  cache: { hits: number; misses: number };
  /** Temperature scaling, when it ran: T and the test ECE before and after. */
  calibration?: { temperature: number; eceBefore: number; eceAfter: number };
  /** The abstention threshold chosen for `targetAccuracy`, with its validation and test coverage. */
  abstention?: {
    threshold: number;
    targetAccuracy: number;
    valAccuracy: number;
    valCoverage: number;
    testAccuracy: number | null;
    testCoverage: number;
  };
  /** Mean and std of the k-fold scores (`kfold`). */
  crossValidation?: {
    k: number;
    mean: { accuracy: number; macroF1: number; rocAuc: number | null };
    std: { accuracy: number; macroF1: number; rocAuc: number | null };
  };
  peakRssMiB: number;
  seconds: FineTuneResult['seconds'];
}

/** Summarises a run for logs and `--json`. */
export function runSummary(result: FineTuneResult, runDir: string, modelDir: string): RunSummary {
  return {
    runDir,
    modelDir,
    testAccuracy: result.report.accuracy,
    testMacroF1: result.report.macroAvg.f1,
    testRocAuc: result.rocAuc,
    bestEpoch: result.bestEpoch,
    rows: {
      train: result.splits.train.texts.length,
      val: result.splits.val.texts.length,
      test: result.splits.test.texts.length,
    },
    maxLength: result.maxLength.maxLength,
    backend: result.backend.name,
    encoderDevice: result.model.encoder.device.used,
    cache: { hits: result.cache.hits, misses: result.cache.misses },
    ...(result.calibration
      ? {
          calibration: {
            temperature: result.calibration.temperature,
            eceBefore: result.calibration.eceBefore,
            eceAfter: result.calibration.eceAfter,
          },
        }
      : {}),
    ...(result.abstention.chosen ? { abstention: abstentionLine(result.abstention.chosen) } : {}),
    ...(result.crossValidation
      ? {
          crossValidation: {
            k: result.crossValidation.k,
            mean: result.crossValidation.mean,
            std: result.crossValidation.std,
          },
        }
      : {}),
    peakRssMiB: result.peakRssMiB,
    seconds: result.seconds,
  };
}

function abstentionLine(
  chosen: NonNullable<FineTuneResult['abstention']['chosen']>,
): NonNullable<RunSummary['abstention']> {
  return {
    threshold: chosen.threshold,
    targetAccuracy: chosen.targetAccuracy,
    valAccuracy: chosen.accuracy,
    valCoverage: chosen.coverage,
    testAccuracy: chosen.test.accuracy,
    testCoverage: chosen.test.coverage,
  };
}

function sourceName(source: FineTuneResult['settings']['val']): string | undefined {
  return source === undefined || typeof source === 'string' ? source : `${source.length} in-memory rows`;
}
