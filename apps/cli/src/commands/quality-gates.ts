import { SentiError } from '@senti/errors';
import type { GateOutcome } from '../cli-context.js';

/** Thresholds a pipeline can set on the test scores. */
export interface QualityGates {
  /** Minimum accuracy in [0, 1]. */
  minAccuracy?: number;
  /** Minimum macro-averaged F1 in [0, 1]. */
  minF1?: number;
}

/** The outcome of every gate that was set (none when no gate was given). */
export function evaluateGates(scores: { accuracy: number; macroF1: number }, gates: QualityGates): GateOutcome[] {
  const outcomes: GateOutcome[] = [];
  if (gates.minAccuracy !== undefined) {
    outcomes.push({
      metric: 'accuracy',
      threshold: gates.minAccuracy,
      value: scores.accuracy,
      passed: scores.accuracy >= gates.minAccuracy,
    });
  }
  if (gates.minF1 !== undefined) {
    outcomes.push({
      metric: 'macroF1',
      threshold: gates.minF1,
      value: scores.macroF1,
      passed: scores.macroF1 >= gates.minF1,
    });
  }
  return outcomes;
}

/** Throws CLI_QUALITY_GATE (exit 3) when a gate failed; called after every file is written. */
export function assertGatesPassed(outcomes: readonly GateOutcome[]): void {
  const failures = outcomes
    .filter((outcome) => !outcome.passed)
    .map((outcome) =>
      outcome.metric === 'accuracy'
        ? `accuracy ${outcome.value.toFixed(4)} < --min-accuracy ${outcome.threshold}`
        : `macro F1 ${outcome.value.toFixed(4)} < --min-f1 ${outcome.threshold}`,
    );
  if (failures.length > 0) {
    throw new SentiError('CLI_QUALITY_GATE', `quality gate failed: ${failures.join('; ')}`, 'runtime');
  }
}
