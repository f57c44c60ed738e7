import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { confusionMatrixSpec, renderPlot, trainingCurvesSpec } from './plots.js';

const history = [1, 2, 3, 4].map((epoch) => ({ epoch, trainLoss: 0.7 - epoch * 0.05, valLoss: 0.6 + (epoch === 2 ? -0.1 : 0), valAccuracy: 0.5 + epoch * 0.05 }));

describe('plots', () => {
  it('training curves: one legend naming all three lines, the title over both panels, best epoch and early stop marked', async () => {
    const { svg } = await renderPlot(trainingCurvesSpec(history, 2, true));
    for (const text of ['train loss', 'validation loss', 'validation accuracy', 'best: epoch 2', 'early stop after epoch 4']) expect(svg).toContain(text);
    const spec = trainingCurvesSpec(history, 2, false) as { title: { anchor: string }; hconcat: unknown[] };
    expect(spec.title.anchor).toBe('middle');
    expect(spec.hconcat).toHaveLength(2);
    expect(JSON.stringify(spec)).not.toContain('early stop');
  });

  it('confusion matrix: counts and row shares, short labels horizontal, long ones slanted, a high-resolution PNG', async () => {
    const spec = confusionMatrixSpec([[8, 2], [1, 9]], ['negative', 'positive']);
    const { svg, png } = await renderPlot(spec);
    expect(svg).toContain('80%');
    expect(svg).toContain('90%');
    expect(JSON.stringify(spec)).toContain('"labelAngle":0');
    expect(JSON.stringify(confusionMatrixSpec([[1, 0], [0, 1]], ['a rather long label name', 'b']))).toContain('"labelAngle":-40');
    const { width, height } = await sharp(png).metadata();
    expect(width).toBeGreaterThanOrEqual(1600);
    expect(height).toBeGreaterThanOrEqual(600);
  });
});
