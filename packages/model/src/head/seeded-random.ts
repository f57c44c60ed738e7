/** A seeded generator of uniform floats in [0, 1); the same seed always gives the same sequence. */
export type RandomSource = () => number;

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

/** A small, fast, seeded PRNG (mulberry32). */
export function seededRandom(seed: number): RandomSource {
  let state = mixSeed(seed);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
