import { describe, expect, it } from 'vitest';
import { estimateTokens } from './text-cost.js';

describe('estimateTokens', () => {
  it('grows with length and stops at the max length, where texts are cut (#28 item 28)', () => {
    expect(estimateTokens('', 128)).toBe(2);
    expect(estimateTokens('a good movie', 128)).toBe(5);
    expect(estimateTokens('x'.repeat(400), 128)).toBe(102);
    expect(estimateTokens('x'.repeat(10_000), 128)).toBe(128);
    expect(estimateTokens('x'.repeat(10_000), 32)).toBe(32);
  });
});
