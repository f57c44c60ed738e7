/** How the learning rates change over the steps: constant, or linear warm-up then linear decay to 0 (Hugging Face's default). */
export type LearningRateSchedule = 'constant' | 'linear';

/**
 * The factor every learning rate is multiplied by at optimizer step `step` (0-based) of `totalSteps`: 1 for
 * `constant`; for `linear`, transformers' get_linear_schedule_with_warmup: step/warmup during warm-up, then
 * (total − step)/(total − warmup), never below 0.
 */
export function learningRateFactor(
  schedule: LearningRateSchedule,
  step: number,
  totalSteps: number,
  warmupSteps: number,
): number {
  if (schedule === 'constant') return 1;
  if (step < warmupSteps) return step / Math.max(1, warmupSteps);
  return Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
}
