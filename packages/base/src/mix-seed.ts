import { createRandom, type RandomSource } from './seeded-random.js';

/** Mix any number of integers into one 32-bit seed (so derived streams such as (seed, epoch, step) are independent). */
export function mixSeed(...parts: readonly number[]): number {
  let hash = 0x811c9dc5;
  for (const part of parts) {
    const low = part >>> 0;
    const high = Math.floor(part / 2 ** 32) >>> 0;
    for (const word of [low, high]) {
      for (let byte = 0; byte < 4; byte += 1) {
        hash ^= (word >>> (byte * 8)) & 0xff;
        hash = Math.imul(hash, 0x01000193) >>> 0;
      }
    }
  }
  return hash >>> 0;
}

/** A small, fast, seeded PRNG: mulberry32 `createRandom`, started from `mixSeed(seed)`. */
export function seededRandom(seed: number): RandomSource {
  return createRandom(mixSeed(seed));
}
