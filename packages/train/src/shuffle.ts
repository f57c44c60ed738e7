import { mixSeed, seededRandom } from '@senti/base';

/** The order of the training rows in an epoch: a pure function of (seed, epoch), so resumed runs shuffle alike. */
export function epochPermutation(n: number, seed: number, epoch: number): Int32Array {
  const order = new Int32Array(n);
  for (let index = 0; index < n; index += 1) order[index] = index;
  const random = seededRandom(mixSeed(seed, 0x5eed, epoch));
  for (let index = n - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    const value = order[index]!;
    order[index] = order[other]!;
    order[other] = value;
  }
  return order;
}

/** The dropout seed of one training step: a pure function of (seed, epoch, step). */
export function stepSeed(seed: number, epoch: number, step: number): number {
  return mixSeed(seed, 0xd50f, epoch, step);
}
