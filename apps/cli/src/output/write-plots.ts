import { join } from 'node:path';
import { writeFileAtomic } from '@senti/base';
import type { FineTuneResult } from '@senti/train';
import { confusionMatrixSpec, renderPlot, tokenLengthSpec, trainingCurvesSpec } from './plots.js';

/** Writes the run's pictures (SVG + PNG): token-length histogram, training curves, confusion matrix. */
export async function writePlots(result: FineTuneResult, runDir: string): Promise<void> {
  const choice = result.maxLength;
  const plots = [
    ['token-lengths', tokenLengthSpec(choice.bins, choice.maxLength, choice.coverage)],
    ['training-curves', trainingCurvesSpec(result.history, result.bestEpoch, result.stoppedEarly)],
    ['confusion-matrix', confusionMatrixSpec(result.confusionMatrix, result.splits.labelNames)],
  ] as const;
  for (const [name, spec] of plots) {
    const rendered = await renderPlot(spec);
    await writeFileAtomic(join(runDir, `${name}.svg`), rendered.svg);
    await writeFileAtomic(join(runDir, `${name}.png`), rendered.png);
  }
}
