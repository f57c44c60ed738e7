import type { TopLevelSpec } from 'vega-lite';
import { settingSpec } from '../fine-tune/setting-table.js';
import { SWEEP_KEYS, type SweepKey } from '../sweep/grid.js';
import type { SweepRow } from '../sweep/sweep.js';
import { CHART_BASE } from './render-plot.js';

/** Short flag-style label of a grid point, e.g. `lr=0.001 dropout=0.1`. */
export function pointLabel(row: SweepRow): string {
  // The CLI's --sweep names (`lr`, `dropout`): the flag without dashes, or the setting's own name when it has none.
  const name = (key: SweepKey) => settingSpec(key)?.flag ?? key;
  const parts = SWEEP_KEYS.filter((key) => row.point[key] !== undefined).map((key) => `${name(key)}=${row.point[key]}`);
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
  const shown =
    table.length <= MAX_PLOTTED_SETTINGS
      ? table
      : [...table]
          .sort((a, b) => a.valLoss - b.valLoss || a.index - b.index)
          .slice(0, MAX_PLOTTED_SETTINGS)
          .sort((a, b) => a.index - b.index);
  const values = shown.map((row) => ({
    setting: pointLabel(row),
    valLoss: row.valLoss,
    valAccuracy: row.valAccuracy,
    chosen: row.index === bestIndex ? 'best' : 'other',
  }));
  const order = values.map((value) => value.setting);
  const color = {
    field: 'chosen',
    type: 'nominal',
    scale: { domain: ['best', 'other'], range: ['#e45756', '#4c78a8'] },
    legend: null,
  } as const;
  const height = Math.max(120, 24 * values.length);
  const y = { field: 'setting', type: 'nominal', sort: order, title: null } as const;
  return {
    ...CHART_BASE,
    title:
      shown.length < table.length
        ? `Sweep: the ${shown.length} best of ${table.length} head settings by validation loss (all in sweep.csv; red: lowest)`
        : `Sweep: ${table.length} head settings on the same encoded features (red: lowest validation loss)`,
    data: { values },
    hconcat: [
      {
        width: 280,
        height,
        mark: { type: 'point', filled: true, size: 120 },
        encoding: {
          y: { ...y, axis: { labelLimit: 400 } },
          x: {
            field: 'valLoss',
            type: 'quantitative',
            title: 'validation loss (best epoch)',
            scale: { domain: lossAxisDomain(values.map((value) => value.valLoss)), nice: false },
          },
          color,
        },
      },
      {
        width: 220,
        height,
        mark: 'bar',
        encoding: {
          y: { ...y, axis: null },
          x: { field: 'valAccuracy', type: 'quantitative', title: 'validation accuracy', scale: { domain: [0, 1] } },
          color,
        },
      },
    ],
  } as TopLevelSpec;
}
