import { join } from 'node:path';
import { writeFileAtomic } from '@senti/base';
import type { FineTuneResult } from '@senti/train';
import type { TopLevelSpec } from 'vega-lite';
import { confusionMatrixSpec, renderPlot, tokenLengthSpec, trainingCurvesSpec } from './plots.js';
import { reliabilitySpec, riskCoverageSpec } from './trust-plots.js';

/** Called with one line when a picture could not be drawn (the run is saved; a picture is never worth a failed run). */
export type PlotWarning = (message: string) => void;

/**
 * Renders `spec` and writes `NAME.svg` and `NAME.png` in `dir`; a failure to draw is passed to `warn` instead of thrown.
 * Write failures (disk full, permissions) are thrown: they mean the run directory itself is in trouble.
 */
export async function writePlot(dir: string, name: string, spec: () => TopLevelSpec, warn: PlotWarning): Promise<boolean> {
  let rendered;
  try {
    rendered = await renderPlot(spec());
  } catch (error) {
    warn(`warning: could not draw ${name}.svg/.png (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); the numbers are in the run directory`);
    return false;
  }
  await writeFileAtomic(join(dir, `${name}.svg`), rendered.svg);
  await writeFileAtomic(join(dir, `${name}.png`), rendered.png);
  return true;
}

/** Writes the run's pictures (SVG + PNG): token-length histogram, training curves, confusion matrix, reliability diagram (when calibrated), risk-coverage. */
export async function writePlots(result: FineTuneResult, runDir: string, warn: PlotWarning = () => {}): Promise<void> {
  const choice = result.maxLength;
  const plots = [
    ['token-lengths', () => tokenLengthSpec(choice.bins, choice.maxLength, choice.coverage)],
    ['training-curves', () => trainingCurvesSpec(result.history, result.bestEpoch, result.stoppedEarly)],
    ['confusion-matrix', () => confusionMatrixSpec(result.confusionMatrix, result.splits.labelNames)],
    ...(result.calibration ? [['calibration', () => reliabilitySpec(result.calibration!.reliability.before, result.calibration!.reliability.after, result.calibration!.eceBefore, result.calibration!.eceAfter, result.calibration!.temperature)] as const] : []),
    ['risk-coverage', () => riskCoverageSpec(result.abstention.curve, result.abstention.chosen?.test && { ...result.abstention.chosen.test, threshold: result.abstention.chosen.threshold })],
  ] as const;
  for (const [name, spec] of plots) await writePlot(runDir, name, spec, warn);
}
