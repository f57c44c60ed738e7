import { describe, expect, it } from 'vitest';
import { calibrationLine } from './print-trust.js';

describe('calibrationLine', () => {
  it('names the Brier score it prints: the multi-class sum over classes (0-2), not sklearn\'s binary brier_score_loss (#28 item 23)', () => {
    expect(calibrationLine(undefined, { ece: 0.1, brier: 0.3 })).toMatch(/Brier \(sum over classes, 0-2\): 0\.3000/);
    expect(calibrationLine({ temperature: 1.5, eceBefore: 0.1, eceAfter: 0.05, brierBefore: 0.3, brierAfter: 0.25 })).toMatch(/Brier \(sum over classes, 0-2\): 0\.3000 -> 0\.2500/);
  });
});
