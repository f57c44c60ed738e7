import type { TopLevelSpec } from 'vega-lite';

const CHART_BASE = { background: 'white', config: { font: 'DejaVu Sans, Helvetica, Arial, sans-serif' } } as const;

/** A reliability bin as @senti/metrics gives it. */
interface Bin {
  lower: number;
  upper: number;
  count: number;
  confidence: number | null;
  accuracy: number | null;
}

/**
 * Reliability diagram before and after temperature scaling: accuracy per confidence bin (15 equal-width bins) as
 * bars over the diagonal of perfect calibration, one panel each, ECE in the panel titles.
 */
export function reliabilitySpec(before: readonly Bin[], after: readonly Bin[], eceBefore: number, eceAfter: number, temperature: number): TopLevelSpec {
  const panel = (bins: readonly Bin[], title: string) => ({
    width: 260,
    height: 240,
    title,
    layer: [
      {
        data: { values: bins.filter((bin) => bin.count > 0).map((bin) => ({ ...bin, middle: (bin.lower + bin.upper) / 2 })) },
        mark: { type: 'bar', color: '#4c78a8', opacity: 0.85 },
        encoding: {
          x: { field: 'lower', type: 'quantitative', scale: { domain: [0, 1] }, title: 'confidence (top probability)' },
          x2: { field: 'upper' },
          y: { field: 'accuracy', type: 'quantitative', scale: { domain: [0, 1] }, title: 'accuracy in bin' },
          tooltip: [{ field: 'count', type: 'quantitative' }, { field: 'confidence', type: 'quantitative', format: '.3f' }],
        },
      },
      { data: { values: [{ x: 0, y: 0 }, { x: 1, y: 1 }] }, mark: { type: 'line', color: '#888', strokeDash: [4, 3] }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } },
    ],
  });
  return {
    ...CHART_BASE,
    title: { text: `Reliability on the test split (15 bins); temperature ${temperature.toFixed(3)} fitted on validation`, anchor: 'middle' },
    hconcat: [panel(before, `before: ECE ${eceBefore.toFixed(4)}`), panel(after, `after: ECE ${eceAfter.toFixed(4)}`)],
  } as TopLevelSpec;
}

/** Risk-coverage curve: accuracy of the texts answered against the share answered, with the chosen threshold marked. */
export function riskCoverageSpec(curve: readonly { coverage: number; accuracy: number | null; threshold: number }[], chosen?: { coverage: number; accuracy: number | null; threshold: number }): TopLevelSpec {
  const points = curve.filter((point) => point.accuracy !== null);
  return {
    ...CHART_BASE,
    title: 'Coverage vs accuracy on the test split (abstaining below a top probability)',
    width: 480,
    height: 260,
    layer: [
      {
        data: { values: [...points] },
        mark: { type: 'line', point: points.length <= 60, color: '#4c78a8' },
        encoding: {
          x: { field: 'coverage', type: 'quantitative', scale: { domain: [0, 1] }, title: 'coverage (share of texts answered)' },
          y: { field: 'accuracy', type: 'quantitative', scale: { zero: false }, title: 'accuracy on the texts answered' },
          tooltip: [{ field: 'threshold', type: 'quantitative', format: '.3f' }],
        },
      },
      ...(chosen && chosen.accuracy !== null ? [{
        data: { values: [{ ...chosen, label: `abstain below ${chosen.threshold.toFixed(3)}` }] },
        layer: [
          { mark: { type: 'point', filled: true, size: 80, color: '#e45756' } },
          { mark: { type: 'text', align: 'left', dx: 6, dy: -8, color: '#e45756' }, encoding: { text: { field: 'label' } } },
        ],
        encoding: { x: { field: 'coverage', type: 'quantitative' }, y: { field: 'accuracy', type: 'quantitative' } },
      }] : []),
    ],
  } as TopLevelSpec;
}
