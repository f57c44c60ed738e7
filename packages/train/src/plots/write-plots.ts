import type { FineTuneResult } from '../fine-tune/fine-tune.js';
import { writePlot, type PlotWarning } from './render-plot.js';
import { confusionMatrixSpec, tokenLengthSpec, trainingCurvesSpec } from './run-plots.js';
import { reliabilitySpec, riskCoverageSpec } from './trust-plots.js';

/**
 * Writes the run's pictures (SVG + PNG): token-length histogram, training curves, confusion matrix, reliability diagram
 * (when calibrated), risk-coverage. A picture that cannot be drawn is reported to `warn` and skipped.
 */
export async function writeRunPlots(
  result: FineTuneResult,
  runDir: string,
  warn: PlotWarning = () => {},
): Promise<void> {
  const choice = result.maxLength;
  const plots = [
    ['token-lengths', () => tokenLengthSpec(choice.bins, choice.maxLength, choice.coverage)],
    ['training-curves', () => trainingCurvesSpec(result.history, result.bestEpoch, result.stoppedEarly)],
    ['confusion-matrix', () => confusionMatrixSpec(result.confusionMatrix, result.splits.labelNames)],
    ...(result.calibration
      ? [
          [
            'calibration',
            () =>
              reliabilitySpec(
                result.calibration!.reliability.before,
                result.calibration!.reliability.after,
                result.calibration!.eceBefore,
                result.calibration!.eceAfter,
                result.calibration!.temperature,
              ),
          ] as const,
        ]
      : []),
    [
      'risk-coverage',
      () =>
        riskCoverageSpec(
          result.abstention.curve,
          result.abstention.chosen?.test && {
            ...result.abstention.chosen.test,
            threshold: result.abstention.chosen.threshold,
          },
        ),
    ],
  ] as const;
  for (const [name, spec] of plots) await writePlot(runDir, name, spec, warn);
}
