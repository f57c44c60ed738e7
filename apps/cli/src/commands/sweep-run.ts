import { relative } from 'node:path';
import { UsageError } from '@senti/errors';
import { writeFileAtomic } from '@senti/base';
import {
  describePoint, gridPoints, parseSetting, runSummary, saveRun, settingExpectation, sweep, sweepCsv, SWEEP_KEYS, type FineTuneInput, type RunSummary,
  type SweepEvent, type SweepGrid, type SweepKey, type SweepResult, type SweepRow,
} from '@senti/train';
import { flagOf } from '../options/setting-options.js';
import type { TopLevelSpec } from 'vega-lite';
import type { ConsoleOutput } from '../output/console-output.js';
import { fineTuneRenderer } from '../output/fine-tune-renderer.js';
import { printTestReport } from '../output/print-summaries.js';
import { createRunDirectory, type RunDirectory } from '../output/run-directory.js';
import { textTable } from '../output/text-table.js';
import { writePlot, writePlots } from '../output/write-plots.js';

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
    throw new UsageError('CLI_BAD_OPTION', `--sweep expects key=v1,v2,... with key one of ${Object.keys(SWEEP_FLAG_KEYS).join(', ')}, got "${value}"`);
  }
  if (grid[key] !== undefined) throw new UsageError('CLI_BAD_OPTION', `--sweep ${match[1]} is given twice; list all its values once (${match[1]}=a,b,c)`);
  const values = match[2]!.split(',').map((text) => {
    const number = parseSetting(key, text);
    if (typeof number !== 'number') throw new UsageError('CLI_BAD_OPTION', `--sweep ${match[1]}: "${text}" is not ${settingExpectation(key)}`);
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
  if (options.resume) throw new UsageError('CLI_BAD_OPTION', '--sweep cannot be combined with --resume; run the sweep again (the feature cache makes it cheap)');
  if (input.kfold !== undefined) {
    throw new UsageError('CLI_BAD_OPTION', '--sweep cannot be combined with --kfold: cross-validate the setting the sweep picks in a run of its own');
  }
  if ((input.unfreeze ?? 0) > 0) {
    throw new UsageError('CLI_BAD_OPTION', '--sweep cannot be combined with --unfreeze: a sweep trains heads on frozen features encoded once; train --unfreeze settings one run at a time');
  }
  const both = SWEEP_KEYS.find((key) => grid[key] !== undefined && options.given[key] !== undefined);
  if (both !== undefined) {
    throw new UsageError('CLI_BAD_OPTION', `${flagOf(both)} ${String(options.given[both])} and --sweep ${sweepName(both)}=... both set ${both}; drop ${flagOf(both)} or add its value to the sweep`);
  }
  gridPoints(grid); // checks every value before anything is created: a bad grid leaves no run directory behind
  const run = await createRunDirectory(options.out, { overwrite: options.overwrite });
  try {
    return await sweepIn(run, input, grid, output, options);
  } finally {
    await run.release();
  }
}

/** {@link runSweep} in its locked run directory. */
async function sweepIn(run: RunDirectory, input: FineTuneInput, grid: SweepGrid, output: ConsoleOutput, options: SweepRunOptions): Promise<SweepRunSummary> {
  const command = process.argv.slice(2);
  const settings = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
  const render = fineTuneRenderer(output, { data: input.data, seed: input.seed ?? 2021, dtype: input.dtype ?? 'auto' });
  let result: SweepResult;
  try {
    await run.writeJson('config.json', { settings, sweep: grid, command, createdAt: new Date().toISOString() });
    result = await sweep({ ...input, grid, signal: options.signal, onEvent: (event: SweepEvent) => renderSweepEvent(event, output, render) });
  } catch (error) {
    // A sweep keeps nothing until it has its best point: a failed or cancelled one leaves no directory behind.
    await run.discard();
    throw error;
  }
  const { best } = result;
  try {
    output.section(`Sweep: ${result.table.length} settings on features encoded once (${result.seconds.prepare.toFixed(1)} s to prepare, ${result.seconds.train.toFixed(1)} s training)`,
      sweepTable(result.table, result.bestIndex).replace(/^/gm, '  '));
    output.line(`  best: ${describePoint(result.table[result.bestIndex]!.point)} (lowest validation loss)`);
    printTestReport(output, best.report, best.confusionMatrix, best.rocAuc);
    const { runDir, modelDir } = await saveRun(best, run.path, { config: { command, sweep: grid, createdAt: new Date().toISOString() }, ...(options.bundleEncoder ? { bundleEncoder: true } : {}) });
    const warn = (message: string) => output.line(message);
    await writePlots(best, runDir, warn);
    await writeFileAtomic(`${runDir}/sweep.csv`, sweepCsv(result.table, result.bestIndex));
    await writePlot(runDir, 'sweep', () => sweepSpec(result.table, result.bestIndex), warn);
    const shown = relative(process.cwd(), run.path);
    output.section(`Best model saved to ${shown.startsWith('..') || shown === '' ? run.path : shown}`);
    output.line('  model, config.json, metrics.json, history.csv, report.txt, test-predictions.csv, misclassified.csv, plots, sweep.csv, sweep.{svg,png}');
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
      output.section(`Best: setting ${event.index + 1}, ${describePoint(event.point)} (lowest validation loss), evaluated on the test split`);
      return;
    case 'sweep-row':
      output.line(`  -> val loss ${event.row.valLoss.toFixed(4)}, val acc ${event.row.valAccuracy.toFixed(4)} at epoch ${event.row.bestEpoch}, ${event.row.seconds.toFixed(1)} s${event.bestSoFar ? '  *best so far' : ''}`);
      return;
    default:
      render(event as never);
  }
}

/** The sweep as a text table, best row marked. */
export function sweepTable(table: readonly SweepRow[], bestIndex: number): string {
  return textTable(
    ['lr', 'dropout', 'weight decay', 'batch', 'epochs', 'val loss', 'val acc', 'best epoch', 'seconds', ''],
    table.map((row) => [row.settings.learningRate, row.settings.dropout, row.settings.weightDecay, row.settings.batchSize, row.settings.epochs,
      row.valLoss.toFixed(4), row.valAccuracy.toFixed(4), row.bestEpoch, row.seconds.toFixed(1), row.index === bestIndex ? '<- best' : '']),
  );
}

/** Short flag-style label of a grid point, e.g. `lr=0.001 dropout=0.1`. */
export function pointLabel(row: SweepRow): string {
  const parts = SWEEP_KEYS.filter((key) => row.point[key] !== undefined).map((key) => `${sweepName(key)}=${row.point[key]}`);
  return `${row.index + 1}: ${parts.join(' ') || 'base settings'}`;
}

/**
 * The validation-loss axis: at least 10% of the largest loss wide (and 0.01), from and to round numbers, never below 0.
 * Zoomed to the data alone, losses 0.4512 to 0.4528 filled the whole axis and looked far apart.
 */
export function lossAxisDomain(losses: readonly number[]): [number, number] {
  const finite = losses.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  const low = finite.reduce((least, loss) => Math.min(least, loss));
  const high = finite.reduce((most, loss) => Math.max(most, loss));
  const span = Math.max(high - low, 0.1 * Math.abs(high), 0.01);
  const middle = (low + high) / 2;
  // A round step: 1, 2 or 5 times a power of ten, about a fifth of the span.
  const power = 10 ** Math.floor(Math.log10(span / 5));
  const step = [1, 2, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= span / 5) ?? 10 * power;
  const from = Math.max(0, Math.floor((middle - span / 2) / step) * step);
  const to = Math.ceil((middle + span / 2) / step) * step;
  return [Number(from.toPrecision(12)), Number(to.toPrecision(12))];
}

/** The most settings the sweep picture draws (the best by validation loss); sweep.csv always has them all. */
export const MAX_PLOTTED_SETTINGS = 40;

/**
 * Validation loss (points, zoomed) and accuracy (bars) per setting, the chosen one highlighted; past
 * {@link MAX_PLOTTED_SETTINGS} settings, the best ones by validation loss (the title says so).
 */
export function sweepSpec(table: readonly SweepRow[], bestIndex: number): TopLevelSpec {
  const shown = table.length <= MAX_PLOTTED_SETTINGS
    ? table
    : [...table].sort((a, b) => a.valLoss - b.valLoss || a.index - b.index).slice(0, MAX_PLOTTED_SETTINGS).sort((a, b) => a.index - b.index);
  const values = shown.map((row) => ({
    setting: pointLabel(row), valLoss: row.valLoss, valAccuracy: row.valAccuracy, chosen: row.index === bestIndex ? 'best' : 'other',
  }));
  const order = values.map((value) => value.setting);
  const color = { field: 'chosen', type: 'nominal', scale: { domain: ['best', 'other'], range: ['#e45756', '#4c78a8'] }, legend: null } as const;
  const height = Math.max(120, 24 * values.length);
  const y = { field: 'setting', type: 'nominal', sort: order, title: null } as const;
  return {
    background: 'white',
    config: { font: 'DejaVu Sans, Helvetica, Arial, sans-serif' },
    title: shown.length < table.length
      ? `Sweep: the ${shown.length} best of ${table.length} head settings by validation loss (all in sweep.csv; red: lowest)`
      : `Sweep: ${table.length} head settings on the same encoded features (red: lowest validation loss)`,
    data: { values },
    hconcat: [
      {
        width: 280, height,
        mark: { type: 'point', filled: true, size: 120 },
        encoding: { y: { ...y, axis: { labelLimit: 400 } }, x: { field: 'valLoss', type: 'quantitative', title: 'validation loss (best epoch)', scale: { domain: lossAxisDomain(values.map((value) => value.valLoss)), nice: false } }, color },
      },
      {
        width: 220, height,
        mark: 'bar',
        encoding: { y: { ...y, axis: null }, x: { field: 'valAccuracy', type: 'quantitative', title: 'validation accuracy', scale: { domain: [0, 1] } }, color },
      },
    ],
  } as TopLevelSpec;
}
