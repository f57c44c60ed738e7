import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderPlot } from './render-plot.js';
import { confusionMatrixSpec, MAX_PLOTTED_CLASSES, trainingCurvesSpec } from './run-plots.js';
import { sweepSpec } from './sweep-plot.js';
import { reliabilitySpec, riskCoverageSpec } from './trust-plots.js';

/** The texts of an SVG's `<text>` elements inside groups of `role` (e.g. 'axis-label'), in order, one array per group. */
function svgTexts(svg: string, role: string): string[][] {
  const groups = svg
    .split(`role-${role}"`)
    .slice(1)
    .map((rest) => rest.slice(0, rest.indexOf('</g>')));
  return groups.map((group) => [...group.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1]!));
}

/** Every `<text>` of an SVG. */
function allTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1]!);
}

/** 15 reliability bins with the given counts (accuracy and confidence from the middle of the bin). */
function bins(counts: readonly number[]) {
  return counts.map((count, index) => {
    const lower = index / 15;
    const upper = (index + 1) / 15;
    return {
      lower,
      upper,
      count,
      confidence: count === 0 ? null : (lower + upper) / 2,
      accuracy: count === 0 ? null : Math.min(1, (lower + upper) / 2 + 0.05),
    };
  });
}

const history = [1, 2, 3, 4].map((epoch) => ({
  epoch,
  trainLoss: 0.7 - epoch * 0.05,
  valLoss: 0.6 + (epoch === 2 ? -0.1 : 0),
  valAccuracy: 0.5 + epoch * 0.05,
}));

describe('plots', () => {
  it('training curves: one legend naming all three lines, the title over both panels, best epoch and early stop marked', async () => {
    const { svg } = await renderPlot(trainingCurvesSpec(history, 2, true));
    for (const text of [
      'train loss',
      'validation loss',
      'validation accuracy',
      'best: epoch 2',
      'early stop after epoch 4',
    ])
      expect(svg).toContain(text);
    const spec = trainingCurvesSpec(history, 2, false) as { title: { anchor: string }; hconcat: unknown[] };
    expect(spec.title.anchor).toBe('middle');
    expect(spec.hconcat).toHaveLength(2);
    expect(JSON.stringify(spec)).not.toContain('early stop');
  });

  it('confusion matrix: counts and row shares, short labels horizontal, long ones slanted, a high-resolution PNG', async () => {
    const spec = confusionMatrixSpec(
      [
        [8, 2],
        [1, 9],
      ],
      ['negative', 'positive'],
    );
    const { svg, png } = await renderPlot(spec);
    expect(svg).toContain('80%');
    expect(svg).toContain('90%');
    expect(JSON.stringify(spec)).toContain('"labelAngle":0');
    expect(
      JSON.stringify(
        confusionMatrixSpec(
          [
            [1, 0],
            [0, 1],
          ],
          ['a rather long label name', 'b'],
        ),
      ),
    ).toContain('"labelAngle":-40');
    const { width, height } = await sharp(png).metadata();
    expect(width).toBeGreaterThanOrEqual(1600);
    expect(height).toBeGreaterThanOrEqual(600);
  });

  it('500 classes: draws the largest by support and says so (the numbers stay in the CSV)', async () => {
    const names = Array.from({ length: 500 }, (_, i) => `label-${i}`);
    const matrix = names.map((_, row) => names.map((__, column) => (row === column ? 1 + (row % 97) : 0)));
    const spec = confusionMatrixSpec(matrix, names);
    const { svg } = await renderPlot(spec);
    expect(svg).toContain(`the ${MAX_PLOTTED_CLASSES} largest of 500 classes`);
    expect(svg).toContain('label-96');
    expect(svg).not.toContain('label-0<');
  });

  it('a 1000-setting sweep: draws the 40 best by validation loss', async () => {
    const table = Array.from({ length: 1000 }, (_, index) => ({
      index,
      point: { learningRate: index },
      settings: { learningRate: index, dropout: 0.1, weightDecay: 0, batchSize: 32, epochs: 1 },
      valLoss: 1 + ((index * 37) % 1000) / 1000,
      valAccuracy: 0.5,
      bestEpoch: 1,
      seconds: 1,
      history: [],
    }));
    const { svg } = await renderPlot(sweepSpec(table as never, 0));
    expect(svg).toContain('the 40 best of 1000 head settings');
  });

  it('reliability diagram: texts per bin written under each panel, a legend naming the diagonal (#28 item 22)', async () => {
    const before = bins([0, 0, 0, 0, 0, 0, 0, 1, 3, 7, 12, 19, 28, 60, 141]);
    const after = bins([0, 0, 0, 0, 0, 0, 2, 5, 9, 14, 23, 37, 52, 70, 59]);
    const { svg } = await renderPlot(reliabilitySpec(before, after, 0.08, 0.02, 1.7));
    const texts = allTexts(svg);
    for (const count of ['1', '141', '28', '59', '52']) expect(texts).toContain(count);
    expect(texts).toContain('perfect calibration (accuracy = confidence)');
    expect(texts).toContain('accuracy in bin');
    expect(svgTexts(svg, 'legend-label').flat()).toEqual(
      expect.arrayContaining(['perfect calibration (accuracy = confidence)', 'accuracy in bin']),
    );
    // Each accuracy bar stands on 0 and is as tall as its accuracy (x and x2 without `binned` drew thin floating ticks).
    const panel = svg.slice(svg.indexOf('concat_0_concat_0_layer_0_marks'));
    const bars = [
      ...panel
        .slice(0, panel.indexOf('</g>'))
        .matchAll(/accuracy in bin: ([\d.]+)[^"]*"[^>]*d="M[\d.]+,([\d.]+)h[\d.]+v([\d.]+)h/g),
    ];
    expect(bars).toHaveLength(before.filter((bin) => bin.count > 0).length);
    for (const [, accuracy, top, height] of bars) {
      expect(Number(top) + Number(height)).toBeCloseTo(240, 6);
      expect(Number(height) / 240).toBeCloseTo(Number(accuracy), 6);
    }
  });

  it('risk-coverage: probability thresholds marked along the curve, and the chosen one (#28 item 22)', async () => {
    // 100 texts with top probabilities 0.5..0.99; the most confident are right more often.
    const curve = Array.from({ length: 100 }, (_, index) => {
      const answered = index + 1;
      return { threshold: 0.995 - index * 0.005, coverage: answered / 100, accuracy: 1 - index / 400 };
    });
    const { svg } = await renderPlot(riskCoverageSpec(curve));
    const texts = allTexts(svg);
    for (const label of ['p≥0.9', 'p≥0.8', 'p≥0.7', 'p≥0.6']) expect(texts).toContain(label);
    const chosen = curve[39]!;
    expect(allTexts((await renderPlot(riskCoverageSpec(curve, chosen))).svg)).toContain(
      `abstain below ${chosen.threshold.toFixed(3)}`,
    );
  });

  it('sweep: the validation-loss axis spans a sensible range, not the 0.0016 between close losses (#28 item 22)', async () => {
    const table = [0.4512, 0.452, 0.4528].map((valLoss, index) => ({
      index,
      point: { learningRate: index },
      settings: { learningRate: index, dropout: 0.1, weightDecay: 0, batchSize: 32, epochs: 1 },
      valLoss,
      valAccuracy: 0.8,
      bestEpoch: 1,
      seconds: 1,
      history: [],
    }));
    const { svg } = await renderPlot(sweepSpec(table as never, 0));
    const ticks = svgTexts(svg, 'axis-label')[0]!.map(Number);
    expect(ticks.every(Number.isFinite)).toBe(true);
    const span = Math.max(...ticks) - Math.min(...ticks);
    expect(span).toBeGreaterThanOrEqual(0.04);
    expect(Math.min(...ticks)).toBeLessThanOrEqual(0.4512);
    expect(Math.max(...ticks)).toBeGreaterThanOrEqual(0.4528);
    // Round ends: no more decimals than the step needs.
    for (const tick of ticks) expect(String(tick).length).toBeLessThanOrEqual(4);
  });
});
