import { readFileSync } from 'node:fs';

/** A tensor as the PyTorch reference stores it (torch layout, flattened row-major). */
export interface FixtureTensor {
  shape: number[];
  values: number[];
}

/** fixtures/tiny-bert-layer-grads.json, written by tools/reference/bert-layer-grads.py. */
export interface LayerGradsFixture {
  sentences: string[];
  max_length: number;
  input_ids: number[][];
  attention_mask: number[][];
  token_type_ids: number[][];
  labels: number[];
  class_weights: number[];
  head_hidden_size: number;
  head_weights: Record<'fc1.weight' | 'fc1.bias' | 'fc2.weight' | 'fc2.bias', FixtureTensor>;
  states: number[][];
  pooled: number[];
  log_probs: number[];
  loss: number;
  gradients: Record<string, FixtureTensor>;
}

/** Reads the PyTorch layer-gradient fixture. */
export function readLayerGradsFixture(): LayerGradsFixture {
  return JSON.parse(readFileSync(new URL('../../../../fixtures/tiny-bert-layer-grads.json', import.meta.url), 'utf8')) as LayerGradsFixture;
}

/** Largest absolute difference of two equally long arrays. */
export function maxAbsDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new RangeError(`lengths differ: ${actual.length} vs ${expected.length}`);
  let max = 0;
  for (let i = 0; i < actual.length; i += 1) max = Math.max(max, Math.abs(actual[i]! - expected[i]!));
  return max;
}
