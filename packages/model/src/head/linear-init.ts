import type { RandomSource } from '@senti/base';

/**
 * Values like torch's nn.Linear default init (kaiming-uniform with a = sqrt(5)), which for both the weight and the
 * bias comes down to U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
 */
export function linearInit(size: number, fanIn: number, random: RandomSource): Float32Array {
  const bound = 1 / Math.sqrt(fanIn);
  const values = new Float32Array(size);
  for (let index = 0; index < size; index += 1) values[index] = (random() * 2 - 1) * bound;
  return values;
}
