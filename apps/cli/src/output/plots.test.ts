import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { sweepSpec } from '../commands/sweep-run.js';
import { confusionMatrixSpec, MAX_PLOTTED_CLASSES, renderPlot, trainingCurvesSpec } from './plots.js';

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
      index, point: { learningRate: index }, settings: { learningRate: index, dropout: 0.1, weightDecay: 0, batchSize: 32, epochs: 1 },
      valLoss: 1 + ((index * 37) % 1000) / 1000, valAccuracy: 0.5, bestEpoch: 1, seconds: 1, history: [],
    }));
    const { svg } = await renderPlot(sweepSpec(table as never, 0));
    expect(svg).toContain('the 40 best of 1000 head settings');
  });
});
