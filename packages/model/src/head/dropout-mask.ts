import { seededRandom } from './seeded-random.js';

/**
 * An inverted-dropout mask like torch's: each entry is 0 with probability `rate`, else 1 / (1 - rate).
 * Made in JS from a seed so training is reproducible on every backend.
 */
export function dropoutMask(size: number, rate: number, seed: number): Float32Array {
  const mask = new Float32Array(size);
  const keep = 1 / (1 - rate);
  const random = seededRandom(seed);
  for (let index = 0; index < size; index += 1) mask[index] = random() < rate ? 0 : keep;
  return mask;
}
