import type { TopLevelSpec } from 'vega-lite';
import { CHART_BASE } from './render-plot.js';

/** Token-length histogram with a rule at the chosen padding length. */
export function tokenLengthSpec(
  bins: readonly { start: number; end: number; count: number }[],
  maxLength: number,
  coverage: number,
): TopLevelSpec {
  return {
    ...CHART_BASE,
    title: `Token lengths (training texts); padding length ${maxLength} covers ${(coverage * 100).toFixed(1)}%`,
    width: 560,
    height: 260,
    layer: [
      {
        data: { values: bins.map((bin) => ({ ...bin })) },
        mark: { type: 'bar', color: '#4c78a8' },
        encoding: {
          x: { field: 'start', type: 'quantitative', bin: { binned: true }, title: 'tokens (with [CLS] and [SEP])' },
          x2: { field: 'end' },
          y: { field: 'count', type: 'quantitative', title: 'texts' },
        },
      },
      {
        data: { values: [{ cut: maxLength + 0.5 }] },
        mark: { type: 'rule', color: '#e45756', strokeWidth: 2, strokeDash: [6, 3] },
        encoding: { x: { field: 'cut', type: 'quantitative' } },
      },
    ],
  };
}

/** One epoch of training history. */
export interface HistoryPoint {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  valAccuracy: number;
}

const SERIES = ['train loss', 'validation loss', 'validation accuracy'] as const;
const SERIES_COLORS = ['#4c78a8', '#f58518', '#54a24b'];

/**
 * Loss curves (train and validation) beside validation accuracy, one legend below both panels for all three lines,
 * the title over both, the best epoch marked in each panel and an early stop noted.
 */
export function trainingCurvesSpec(
  history: readonly HistoryPoint[],
  bestEpoch: number,
  stoppedEarly = false,
): TopLevelSpec {
  const lastEpoch = history.at(-1)?.epoch ?? 0;
  const losses = history.flatMap((point) => [
    { epoch: point.epoch, series: SERIES[0], value: point.trainLoss },
    { epoch: point.epoch, series: SERIES[1], value: point.valLoss },
  ]);
  const accuracy = history.map((point) => ({ epoch: point.epoch, series: SERIES[2], value: point.valAccuracy }));
  const color = {
    field: 'series',
    type: 'nominal',
    scale: { domain: [...SERIES], range: SERIES_COLORS },
    legend: { orient: 'bottom', direction: 'horizontal', title: null },
  } as const;
  const x = {
    field: 'epoch',
    type: 'quantitative',
    axis: { tickMinStep: 1, format: 'd' },
    scale: { domain: [1, Math.max(2, lastEpoch)] },
  } as const;
  const markers = [
    { epoch: bestEpoch, text: `best: epoch ${bestEpoch}` },
    ...(stoppedEarly ? [{ epoch: lastEpoch, text: `early stop after epoch ${lastEpoch}` }] : []),
  ].filter((marker) => marker.epoch > 0);
  // Labels sit left of a marker in the right half of the panel and right of it otherwise, so they stay inside.
  const labelled = markers.map((marker, index) => ({
    ...marker,
    y: 4 + 14 * index,
    right: marker.epoch > (1 + lastEpoch) / 2,
  }));
  const markerText = (right: boolean) => ({
    data: { values: labelled.filter((marker) => marker.right === right) },
    mark: {
      type: 'text',
      align: right ? 'right' : 'left',
      dx: right ? -4 : 4,
      baseline: 'top',
      color: '#555',
      fontSize: 11,
    },
    encoding: {
      x: { field: 'epoch', type: 'quantitative' },
      y: { field: 'y', type: 'quantitative', scale: null },
      text: { field: 'text' },
    },
  });
  const markerLayers = [
    {
      data: { values: markers },
      mark: { type: 'rule', color: '#888', strokeDash: [4, 3] },
      encoding: { x: { field: 'epoch', type: 'quantitative' } },
    },
    markerText(false),
    markerText(true),
  ];
  const panel = (values: readonly object[], title: string, y: object) => ({
    width: 320,
    height: 220,
    layer: [
      {
        data: { values: [...values] },
        mark: { type: 'line', point: true },
        encoding: { x, y: { field: 'value', type: 'quantitative', title, ...y }, color },
      },
      ...markerLayers,
    ],
  });
  return {
    ...CHART_BASE,
    title: {
      text: `Training: loss and validation accuracy per epoch (best validation loss at epoch ${bestEpoch}${stoppedEarly ? `, stopped early after ${lastEpoch}` : ''})`,
      anchor: 'middle',
    },
    hconcat: [
      panel(losses, 'loss (class-weighted NLL)', { scale: { zero: false } }),
      panel(accuracy, 'validation accuracy', { scale: { domain: [0, 1] } }),
    ],
    resolve: { scale: { color: 'shared' } },
  } as TopLevelSpec;
}

/** The most classes a confusion-matrix picture draws (the largest by test support); the CSV always has them all. */
export const MAX_PLOTTED_CLASSES = 30;

/** Indices of the classes a confusion-matrix picture shows: all of them, or the {@link MAX_PLOTTED_CLASSES} largest by support. */
function plottedClasses(matrix: readonly (readonly number[])[]): number[] {
  const all = matrix.map((_, index) => index);
  if (all.length <= MAX_PLOTTED_CLASSES) return all;
  const support = matrix.map((row) => row.reduce((sum, count) => sum + count, 0));
  return all
    .sort((a, b) => support[b]! - support[a]! || a - b)
    .slice(0, MAX_PLOTTED_CLASSES)
    .sort((a, b) => a - b);
}

/**
 * Confusion matrix as counts beside the row-normalised view (share of each true class), with unrotated short labels.
 * Past {@link MAX_PLOTTED_CLASSES} classes it draws the largest ones (by test support) and says so in the title.
 */
export function confusionMatrixSpec(
  matrix: readonly (readonly number[])[],
  allLabelNames: readonly string[],
): TopLevelSpec {
  const shown = plottedClasses(matrix);
  const labelNames = shown.map((index) => allLabelNames[index] ?? String(index));
  let maximum = 1;
  const cells = shown.flatMap((trueIndex) => {
    const row = matrix[trueIndex]!;
    const total = row.reduce((sum, count) => sum + count, 0);
    return shown.map((predictedIndex) => {
      const count = row[predictedIndex] ?? 0;
      maximum = Math.max(maximum, count);
      return {
        true: allLabelNames[trueIndex] ?? String(trueIndex),
        predicted: allLabelNames[predictedIndex] ?? String(predictedIndex),
        count,
        share: total === 0 ? 0 : count / total,
      };
    });
  });
  const size = Math.max(180, Math.min(60 * labelNames.length, 900));
  const longest = labelNames.reduce((most, name) => Math.max(most, name.length), 0);
  const labelAngle = longest <= 12 ? 0 : -40;
  const axis = { sort: [...labelNames] };
  const panel = (field: 'count' | 'share', title: string, format: string, maximum: number) => ({
    title,
    width: size,
    height: size,
    data: { values: cells },
    encoding: {
      x: {
        field: 'predicted',
        type: 'nominal',
        ...axis,
        axis: { labelAngle, ...(labelAngle === 0 ? {} : { labelAlign: 'right' }) },
      },
      y: { field: 'true', type: 'nominal', ...axis },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: {
            field,
            type: 'quantitative',
            scale: {
              scheme: field === 'count' ? 'blues' : 'greens',
              ...(field === 'share' ? { domain: [0, 1] } : { zero: true }),
            },
            legend: { title: field === 'count' ? 'count' : 'share of row', format },
          },
        },
      },
      // Numbers in the cells only while a cell is big enough to hold them.
      ...(labelNames.length > 15
        ? []
        : [
            {
              mark: { type: 'text', fontSize: 14 },
              encoding: {
                text: { field, type: 'quantitative', format },
                color: { condition: { test: `datum.${field} > ${maximum / 2}`, value: 'white' }, value: 'black' },
              },
            },
          ]),
    ],
  });
  return {
    ...CHART_BASE,
    title: {
      text:
        shown.length < matrix.length
          ? `Confusion matrix, the ${shown.length} largest of ${matrix.length} classes (test split; all in confusion-matrix.csv)`
          : 'Confusion matrix (test split; rows: true class, columns: predicted)',
      anchor: 'middle',
    },
    hconcat: [
      panel('count', 'counts', 'd', maximum),
      panel('share', 'share of each true class (row-normalised)', '.0%', 1),
    ],
    resolve: { scale: { color: 'independent' } },
  } as TopLevelSpec;
}
