import sharp from 'sharp';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** A rendered chart in both formats. */
export interface RenderedPlot {
  svg: string;
  png: Buffer;
}

/** Renders a Vega-Lite spec to SVG (text kept as text) and PNG (through sharp, no native canvas needed). */
export async function renderPlot(spec: TopLevelSpec): Promise<RenderedPlot> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const png = await sharp(Buffer.from(svg), { density: 144 }).flatten({ background: '#ffffff' }).png().toBuffer();
    return { svg, png };
  } finally {
    view.finalize();
  }
}

const CHART_BASE = { background: 'white', config: { font: 'DejaVu Sans, Helvetica, Arial, sans-serif' } } as const;

/** Token-length histogram with a rule at the chosen padding length. */
export function tokenLengthSpec(bins: readonly { start: number; end: number; count: number }[], maxLength: number, coverage: number): TopLevelSpec {
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

/** Loss curves (train and validation) beside validation accuracy, with the best epoch marked. */
export function trainingCurvesSpec(history: readonly HistoryPoint[], bestEpoch: number): TopLevelSpec {
  const losses = history.flatMap((point) => [
    { epoch: point.epoch, split: 'train', loss: point.trainLoss },
    { epoch: point.epoch, split: 'validation', loss: point.valLoss },
  ]);
  return {
    ...CHART_BASE,
    title: `Training (best validation loss at epoch ${bestEpoch})`,
    hconcat: [
      {
        width: 300,
        height: 220,
        layer: [
          {
            data: { values: losses },
            mark: { type: 'line', point: true },
            encoding: {
              x: { field: 'epoch', type: 'quantitative', axis: { tickMinStep: 1 } },
              y: { field: 'loss', type: 'quantitative', scale: { zero: false } },
              color: { field: 'split', type: 'nominal' },
            },
          },
          {
            data: { values: [{ epoch: bestEpoch }] },
            mark: { type: 'rule', color: '#999', strokeDash: [4, 3] },
            encoding: { x: { field: 'epoch', type: 'quantitative' } },
          },
        ],
      },
      {
        width: 300,
        height: 220,
        data: { values: history.map((point) => ({ epoch: point.epoch, accuracy: point.valAccuracy })) },
        mark: { type: 'line', point: { color: '#54a24b' }, color: '#54a24b' },
        encoding: {
          x: { field: 'epoch', type: 'quantitative', axis: { tickMinStep: 1 } },
          y: { field: 'accuracy', type: 'quantitative', title: 'validation accuracy', scale: { domain: [0, 1] } },
        },
      },
    ],
  };
}

/** Confusion-matrix heatmap with counts. */
export function confusionMatrixSpec(matrix: readonly (readonly number[])[], labelNames: readonly string[]): TopLevelSpec {
  const cells = matrix.flatMap((row, trueIndex) =>
    row.map((count, predictedIndex) => ({ true: labelNames[trueIndex], predicted: labelNames[predictedIndex], count })),
  );
  const size = Math.max(160, 60 * labelNames.length);
  const axis = { sort: [...labelNames] };
  return {
    ...CHART_BASE,
    title: 'Confusion matrix (test split)',
    width: size,
    height: size,
    data: { values: cells },
    encoding: {
      x: { field: 'predicted', type: 'nominal', ...axis },
      y: { field: 'true', type: 'nominal', ...axis },
    },
    layer: [
      { mark: 'rect', encoding: { color: { field: 'count', type: 'quantitative', scale: { scheme: 'blues' } } } },
      {
        mark: { type: 'text', fontSize: 14 },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: { condition: { test: `datum.count > ${Math.max(...matrix.flat()) / 2}`, value: 'white' }, value: 'black' },
        },
      },
    ],
  };
}
