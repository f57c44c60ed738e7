import { mixSeed } from '@senti/base';

/**
 * An inverted-dropout mask like torch's: each entry is 0 with probability `rate`, else 1 / (1 - rate).
 * Made in JS from a seed so training is reproducible on every backend.
 */
export function dropoutMask(size: number, rate: number, seed: number): Float32Array {
  return fillMask(new Float32Array(size), size, 1, rate, seed);
}

/**
 * The same mask as `dropoutMask(rows * columns, rate, seed)` for a [rows, columns] activation, stored transposed
 * ([columns, rows], row-major): entry (i, j) of the mask is at j * rows + i.
 */
export function dropoutMaskTransposed(rows: number, columns: number, rate: number, seed: number): Float32Array {
  return fillMask(new Float32Array(rows * columns), columns, rows, rate, seed);
}

/**
 * Draws the uniforms of `seededRandom(seed)` in order; draw k goes to (k % columns) * stride + floor(k / columns).
 * The generator is `@senti/base`'s mulberry32 (`createRandom(mixSeed(seed))`) inlined, because that is ~2x faster
 * than a call per value (measured: ~75 vs ~145 µs for a 32 x 512 mask). It must stay identical to `createRandom`:
 * dropout-mask.test.ts compares the masks with `seededRandom`. `u < rate` is tested exactly as `state < rate * 2^32`
 * (both sides scale by a power of two).
 */
function fillMask(mask: Float32Array, columns: number, stride: number, rate: number, seed: number): Float32Array {
  const keep = 1 / (1 - rate);
  const threshold = rate * 4294967296;
  let state = mixSeed(seed);
  const rows = mask.length / columns;
  for (let row = 0; row < rows; row += 1) {
    for (let column = 0; column < columns; column += 1) {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      mask[column * stride + row] = (t ^ (t >>> 14)) >>> 0 < threshold ? 0 : keep;
    }
  }
  return mask;
}
