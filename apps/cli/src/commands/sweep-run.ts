import { relative } from 'node:path';
import { UsageError } from '@senti/errors';
import {
  createRun,
  describePoint,
  gridPoints,
  runSummary,
  saveSweep,
  sweep,
  SWEEP_KEYS,
  type FineTuneInput,
  type RunSummary,
  type Run,
  type SweepEvent,
  type SweepGrid,
  type SweepKey,
  type SweepResult,
  type SweepRow,
} from '@senti/train';
import { parseSetting, settingExpectation } from '@senti/train/settings';
import { flagOf } from '../options/setting-options.js';
import type { ConsoleOutput } from '../output/console-output.js';
import { fineTuneRenderer } from '../output/fine-tune-renderer.js';
import { printTestReport } from '../output/print-summaries.js';
import { textTable } from '../output/text-table.js';

/** The `--sweep` name of a head setting: its flag without dashes (`lr`), or its own name when it has no flag (`dropout`). */
function sweepName(key: SweepKey): string {
  return flagOf(key).replace(/^--/, '');
}

/** `--sweep` names and the head settings they vary. */
const SWEEP_FLAG_KEYS: Record<string, SweepKey> = Object.fromEntries(SWEEP_KEYS.map((key) => [sweepName(key), key]));

/** Commander collector for the repeatable `--sweep key=v1,v2,...`: adds one key's values to the grid. */
export function collectSweep(value: string, grid: SweepGrid = {}): SweepGrid {
  const match = /^([a-z-]+)=(.+)$/.exec(value.trim());
  const key = match ? SWEEP_FLAG_KEYS[match[1]!] : undefined;
  if (!match || key === undefined) {
    throw new UsageError(
      'CLI_BAD_OPTION',
      `--sweep expects key=v1,v2,... with key one of ${Object.keys(SWEEP_FLAG_KEYS).join(', ')}, got "${value}"`,
    );
  }
  if (grid[key] !== undefined)
    throw new UsageError(
      'CLI_BAD_OPTION',
      `--sweep ${match[1]} is given twice; list all its values once (${match[1]}=a,b,c)`,
    );
  const values = match[2]!.split(',').map((text) => {
    const number = parseSetting(key, text);
    if (typeof number !== 'number')
      throw new UsageError('CLI_BAD_OPTION', `--sweep ${match[1]}: "${text}" is not ${settingExpectation(key)}`);
    return number;
  });
  return { ...grid, [key]: values };
}

/** What `senti train --sweep` reports with `--json`: the best run's summary plus the table. */
export interface SweepRunSummary extends RunSummary {
  sweep: { best: number; rows: Omit<SweepRow, 'history'>[] };
}

/** How a sweep is run: where, and with which given flags. */
interface SweepRunOptions {
  out?: string;
  overwrite: boolean;
  resume?: string;
  bundleEncoder?: boolean;
  given: Partial<FineTuneInput>;
  signal?: AbortSignal;
}

/**
 * `senti train --sweep ...`: encodes once, trains every grid point, prints the table, and saves the best point as a full
 * run directory (as `senti train` would) plus `sweep.csv` and `sweep.{svg,png}`.
 */
export async function runSweep(
  input: FineTuneInput,
  grid: SweepGrid,
  output: ConsoleOutput,
  options: SweepRunOptions,
): Promise<SweepRunSummary> {
  if (options.resume)
    throw new UsageError(
      'CLI_BAD_OPTION',
      '--sweep cannot be combined with --resume; run the sweep again (the feature cache makes it cheap)',
    );
  if (input.kfold !== undefined) {
    throw new UsageError(
      'CLI_BAD_OPTION',
      '--sweep cannot be combined with --kfold: cross-validate the setting the sweep picks in a run of its own',
    );
  }
  if ((input.unfreeze ?? 0) > 0) {
    throw new UsageError(
      'CLI_BAD_OPTION',
      '--sweep cannot be combined with --unfreeze: a sweep trains heads on frozen features encoded once; train --unfreeze settings one run at a time',
    );
  }
  const both = SWEEP_KEYS.find((key) => grid[key] !== undefined && options.given[key] !== undefined);
  if (both !== undefined) {
    throw new UsageError(
      'CLI_BAD_OPTION',
      `${flagOf(both)} ${String(options.given[both])} and --sweep ${sweepName(both)}=... both set ${both}; drop ${flagOf(both)} or add its value to the sweep`,
    );
  }
  gridPoints(grid); // checks every value before anything is created: a bad grid leaves no run directory behind
  // config.json records the grid: a sweep's directory is refused by --resume, which would train one default model.
  const run = await createRun(input, {
    ...(options.out !== undefined ? { dir: options.out } : {}),
    overwrite: options.overwrite,
    command: process.argv.slice(2),
    config: { sweep: grid },
  });
  try {
    return await sweepIn(run, input, grid, output, options);
  } finally {
    await run.release();
  }
}

/** {@link runSweep} in its locked run directory. */
async function sweepIn(
  run: Run,
  input: FineTuneInput,
  grid: SweepGrid,
  output: ConsoleOutput,
  options: SweepRunOptions,
): Promise<SweepRunSummary> {
  const render = fineTuneRenderer(output, { data: input.data });
  let result: SweepResult;
  try {
    result = await sweep({
      ...input,
      grid,
      signal: options.signal,
      onEvent: (event: SweepEvent) => renderSweepEvent(event, output, render),
    });
  } catch (error) {
    // A sweep keeps nothing until it has its best point: a failed or cancelled one leaves no directory behind.
    await run.discard();
    throw error;
  }
  const { best } = result;
  try {
    output.section(
      `Sweep: ${result.table.length} settings on features encoded once (${result.seconds.prepare.toFixed(1)} s to prepare, ${result.seconds.train.toFixed(1)} s training)`,
      sweepTable(result.table, result.bestIndex).replace(/^/gm, '  '),
    );
    output.line(`  best: ${describePoint(result.table[result.bestIndex]!.point)} (lowest validation loss)`);
    printTestReport(output, best.report, best.confusionMatrix, best.rocAuc);
    const { runDir, modelDir } = await saveSweep(result, run.path, {
      config: { command: run.config.command, sweep: grid, createdAt: run.config.createdAt },
      onWarning: (message) => output.line(message),
      ...(options.bundleEncoder ? { bundleEncoder: true } : {}),
    });
    const shown = relative(process.cwd(), run.path);
    output.section(`Best model saved to ${shown.startsWith('..') || shown === '' ? run.path : shown}`);
    output.line(
      '  model, config.json, metrics.json, history.csv, report.txt, test-predictions.csv, misclassified.csv, plots, sweep.csv, sweep.{svg,png}',
    );
    return {
      ...runSummary(best, runDir, modelDir),
      sweep: { best: result.bestIndex, rows: result.table.map(({ history: _history, ...row }) => row) },
    };
  } finally {
    await best.model.dispose();
  }
}

/** Renders sweep events: a header per setting, then fineTune's own rendering of the preparation and each training run. */
function renderSweepEvent(event: SweepEvent, output: ConsoleOutput, render: (event: never) => void): void {
  switch (event.type) {
    case 'sweep-start':
      output.section(`Sweep over ${event.points.length} head settings (features are encoded once)`);
      return;
    case 'sweep-setting':
      output.section(`Setting ${event.index + 1}/${event.total}: ${describePoint(event.point)}`);
      return;
    case 'sweep-best':
      output.section(
        `Best: setting ${event.index + 1}, ${describePoint(event.point)} (lowest validation loss), evaluated on the test split`,
      );
      return;
    case 'sweep-row':
      output.line(
        `  -> val loss ${event.row.valLoss.toFixed(4)}, val acc ${event.row.valAccuracy.toFixed(4)} at epoch ${event.row.bestEpoch}, ${event.row.seconds.toFixed(1)} s${event.bestSoFar ? '  *best so far' : ''}`,
      );
      return;
    default:
      render(event as never);
  }
}

/** The sweep as a text table, best row marked. */
export function sweepTable(table: readonly SweepRow[], bestIndex: number): string {
  return textTable(
    ['lr', 'dropout', 'weight decay', 'batch', 'epochs', 'val loss', 'val acc', 'best epoch', 'seconds', ''],
    table.map((row) => [
      row.settings.learningRate,
      row.settings.dropout,
      row.settings.weightDecay,
      row.settings.batchSize,
      row.settings.epochs,
      row.valLoss.toFixed(4),
      row.valAccuracy.toFixed(4),
      row.bestEpoch,
      row.seconds.toFixed(1),
      row.index === bestIndex ? '<- best' : '',
    ]),
  );
}
