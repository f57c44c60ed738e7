import { describe, expect, it } from 'vitest';
import { planLengthBatches } from './batching.js';

describe('planLengthBatches', () => {
  it('sorts by length (stable), pads each batch to its longest, caps at maxLength', () => {
    const batches = planLengthBatches([5, 2, 9, 2, 40, 3], 2, 17);
    expect(batches).toEqual([
      { indices: [1, 3], sequenceLength: 2 },
      { indices: [5, 0], sequenceLength: 5 },
      { indices: [2, 4], sequenceLength: 17 },
    ]);
  });

  it('covers every index exactly once', () => {
    const lengths = Array.from({ length: 101 }, (_, i) => (i * 37) % 23);
    const indices = planLengthBatches(lengths, 32, 512).flatMap((batch) => batch.indices);
    expect([...indices].sort((a, b) => a - b)).toEqual(lengths.map((_, i) => i));
  });

  it('rejects a bad batch size', () => {
    expect(() => planLengthBatches([1], 0, 8)).toThrow(/batchSize/);
  });
});
