import type { ReliabilityBin } from '@senti/metrics';
import type { TopLevelSpec } from 'vega-lite';
import { CHART_BASE } from './render-plot.js';

type Bin = Pick<ReliabilityBin, 'lower' | 'upper' | 'count' | 'confidence' | 'accuracy'>;

/** The two layers' legend entries: the bars and the dashed diagonal. */
const RELIABILITY_SERIES = ['accuracy in bin', 'perfect calibration (accuracy = confidence)'] as const;

/**
 * Reliability diagram before and after temperature scaling: accuracy per confidence bin (15 equal-width bins) as
 * bars over the diagonal of perfect calibration (named in a legend), one panel each, ECE in the panel titles. Under
 * each panel the number of texts per bin, drawn and written: a 1-text bin is then seen to weigh less than a 141-text one.
 */
export function reliabilitySpec(
  before: readonly Bin[],
  after: readonly Bin[],
  eceBefore: number,
  eceAfter: number,
  temperature: number,
): TopLevelSpec {
  const color = {
    scale: { domain: [...RELIABILITY_SERIES], range: ['#4c78a8', '#888'] },
    legend: { orient: 'bottom', direction: 'horizontal', title: null, labelLimit: 400 },
  } as const;
  // `binned`: bars from 0 up to the value over [lower, upper]; without it x/x2 make a horizontal range and the bars float.
  const x = { field: 'lower', type: 'quantitative', bin: { binned: true }, scale: { domain: [0, 1] } } as const;
  const column = (bins: readonly Bin[], title: string) => {
    const filled = bins.filter((bin) => bin.count > 0).map((bin) => ({ ...bin, middle: (bin.lower + bin.upper) / 2 }));
    return {
      vconcat: [
        {
          width: 260,
          height: 240,
          title,
          layer: [
            {
              data: { values: filled },
              mark: { type: 'bar', opacity: 0.85 },
              encoding: {
                x: { ...x, axis: { labels: false, title: null } },
                x2: { field: 'upper' },
                y: { field: 'accuracy', type: 'quantitative', scale: { domain: [0, 1] }, title: 'accuracy in bin' },
                color: { datum: RELIABILITY_SERIES[0], ...color },
                tooltip: [
                  { field: 'count', type: 'quantitative' },
                  { field: 'confidence', type: 'quantitative', format: '.3f' },
                ],
              },
            },
            {
              data: {
                values: [
                  { x: 0, y: 0 },
                  { x: 1, y: 1 },
                ],
              },
              mark: { type: 'line', strokeDash: [4, 3] },
              encoding: {
                x: { field: 'x', type: 'quantitative' },
                y: { field: 'y', type: 'quantitative' },
                color: { datum: RELIABILITY_SERIES[1], ...color },
              },
            },
          ],
        },
        {
          width: 260,
          height: 70,
          data: { values: filled },
          layer: [
            {
              mark: { type: 'bar', color: '#9ecae9' },
              encoding: {
                x: { ...x, title: 'confidence (top probability)' },
                x2: { field: 'upper' },
                y: { field: 'count', type: 'quantitative', title: 'texts', axis: { tickCount: 2 } },
              },
            },
            {
              mark: { type: 'text', baseline: 'bottom', dy: -1, fontSize: 9, color: '#333' },
              encoding: {
                x: { field: 'middle', type: 'quantitative' },
                y: { field: 'count', type: 'quantitative' },
                text: { field: 'count', type: 'quantitative', format: 'd' },
              },
            },
          ],
        },
      ],
    };
  };
  return {
    ...CHART_BASE,
    title: {
      text: `Reliability on the test split (15 bins); temperature ${temperature.toFixed(3)} fitted on validation`,
      anchor: 'middle',
    },
    hconcat: [
      column(before, `before: ECE ${eceBefore.toFixed(4)}`),
      column(after, `after: ECE ${eceAfter.toFixed(4)}`),
    ],
    resolve: { scale: { color: 'shared' } },
  } as TopLevelSpec;
}

/** A point of the risk-coverage curve as @senti/metrics gives it. */
interface CurvePoint {
  coverage: number;
  accuracy: number | null;
  threshold: number;
}

/** The probability thresholds marked along the risk-coverage curve (where they fall apart on it). */
export const MARKED_THRESHOLDS: readonly number[] = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99];

/**
 * Where abstaining below each of `thresholds` lands on the curve: the point answering exactly the texts whose top
 * probability is at least the threshold (the lowest curve threshold still >= it). Marks closer than 4% coverage to the
 * previous one kept are dropped, so their labels never overlap.
 */
export function thresholdMarks(
  curve: readonly CurvePoint[],
  thresholds: readonly number[] = MARKED_THRESHOLDS,
): (CurvePoint & { mark: number })[] {
  const marks: (CurvePoint & { mark: number })[] = [];
  for (const mark of [...thresholds].sort((a, b) => b - a)) {
    let at: CurvePoint | undefined;
    for (const point of curve)
      if (point.threshold >= mark && point.accuracy !== null && (at === undefined || point.coverage > at.coverage))
        at = point;
    if (at === undefined) continue;
    const last = marks.at(-1);
    if (last !== undefined && at.coverage - last.coverage < 0.04) continue;
    marks.push({ ...at, mark });
  }
  return marks;
}

/**
 * Risk-coverage curve: accuracy of the texts answered against the share answered, with probability thresholds marked
 * along it (grey ticks labelled "p≥0.9") and the chosen abstention threshold in red.
 */
export function riskCoverageSpec(curve: readonly CurvePoint[], chosen?: CurvePoint): TopLevelSpec {
  const points = curve.filter((point) => point.accuracy !== null);
  const marks = thresholdMarks(points).map((point) => ({ ...point, label: `p≥${point.mark}` }));
  const position = {
    x: { field: 'coverage', type: 'quantitative' },
    y: { field: 'accuracy', type: 'quantitative' },
  } as const;
  return {
    ...CHART_BASE,
    title: {
      text: 'Coverage vs accuracy on the test split (abstaining below a top probability)',
      subtitle: 'grey: answering only texts whose top probability is at least p; red: the chosen threshold',
    },
    width: 480,
    height: 260,
    layer: [
      {
        data: { values: [...points] },
        mark: { type: 'line', point: points.length <= 60, color: '#4c78a8' },
        encoding: {
          x: {
            field: 'coverage',
            type: 'quantitative',
            scale: { domain: [0, 1] },
            title: 'coverage (share of texts answered)',
          },
          y: {
            field: 'accuracy',
            type: 'quantitative',
            scale: { zero: false },
            title: 'accuracy on the texts answered',
          },
          tooltip: [{ field: 'threshold', type: 'quantitative', format: '.3f' }],
        },
      },
      {
        data: { values: marks },
        layer: [
          { mark: { type: 'point', shape: 'diamond', filled: true, size: 50, color: '#555' } },
          {
            mark: { type: 'text', align: 'center', dy: 12, fontSize: 10, color: '#555' },
            encoding: { text: { field: 'label' } },
          },
        ],
        encoding: position,
      },
      ...(chosen && chosen.accuracy !== null
        ? [
            {
              data: { values: [{ ...chosen, label: `abstain below ${chosen.threshold.toFixed(3)}` }] },
              layer: [
                { mark: { type: 'point', filled: true, size: 80, color: '#e45756' } },
                {
                  mark: { type: 'text', align: 'left', dx: 6, dy: -8, color: '#e45756' },
                  encoding: { text: { field: 'label' } },
                },
              ],
              encoding: position,
            },
          ]
        : []),
    ],
  } as TopLevelSpec;
}
