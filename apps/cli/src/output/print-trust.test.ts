import { describe, expect, it } from 'vitest';
import { calibrationLine } from './print-trust.js';

describe('calibrationLine', () => {
  it("names the Brier score it prints: sklearn's brier_score_loss for two classes, the sum over classes for more (#28 item 23)", () => {
    expect(calibrationLine(2, undefined, { ece: 0.1, brier: 0.15 })).toMatch(
      /Brier \(sklearn brier_score_loss, 0-1\): 0\.1500 {2}\(not calibrated\)/,
    );
    expect(
      calibrationLine(2, { temperature: 1.5, eceBefore: 0.1, eceAfter: 0.05, brierBefore: 0.15, brierAfter: 0.125 }),
    ).toMatch(/Brier \(sklearn brier_score_loss, 0-1\): 0\.1500 -> 0\.1250/);
    expect(calibrationLine(3, undefined, { ece: 0.1, brier: 0.3, temperature: 1.2 })).toMatch(
      /Brier \(sum over classes, 0-2\): 0\.3000 {2}\(temperature 1\.2000\)/,
    );
  });
});
