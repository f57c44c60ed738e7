import { SentiError } from '@senti/errors';

/** Thresholds a pipeline can set on the test scores. */
export interface QualityGates {
  /** Minimum accuracy in [0, 1]. */
  minAccuracy?: number;
  /** Minimum macro-averaged F1 in [0, 1]. */
  minF1?: number;
}

/** Throws CLI_QUALITY_GATE (exit 3) when a score is below its gate; called after every file is written. */
export function checkQualityGates(scores: { accuracy: number; macroF1: number }, gates: QualityGates): void {
  const failures: string[] = [];
  if (gates.minAccuracy !== undefined && scores.accuracy < gates.minAccuracy) {
    failures.push(`accuracy ${scores.accuracy.toFixed(4)} < --min-accuracy ${gates.minAccuracy}`);
  }
  if (gates.minF1 !== undefined && scores.macroF1 < gates.minF1) {
    failures.push(`macro F1 ${scores.macroF1.toFixed(4)} < --min-f1 ${gates.minF1}`);
  }
  if (failures.length > 0) {
    throw new SentiError('CLI_QUALITY_GATE', `quality gate failed: ${failures.join('; ')}`, 'runtime');
  }
}
