import { describe, expect, it } from 'vitest';
import { transpose } from './transpose.js';

function naive(values: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(rows * columns);
  for (let r = 0; r < rows; r += 1) for (let c = 0; c < columns; c += 1) out[c * rows + r] = values[r * columns + c]!;
  return out;
}

describe('transpose', () => {
  it('transposes matrices whose sides are not multiples of the tile, element for element', () => {
    for (const [rows, columns] of [
      [1, 1],
      [3, 130],
      [129, 65],
      [200, 7],
    ] as const) {
      const values = Float32Array.from({ length: rows * columns }, (_, index) => index * 0.5 - 3);
      const result = transpose({ shape: [rows, columns], values });
      expect(result.shape).toEqual([columns, rows]);
      expect(Array.from(result.values)).toEqual(Array.from(naive(values, rows, columns)));
    }
  });
});
