// Shared by the BERT graph tests: the tiny fixture's checkpoint, the reference inputs, ONNX Runtime runs.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { TINY_BERT } from '../../encoder/test-fixtures.js';
import { readSafetensors, type NamedTensor } from '../../layers/safetensors.js';
import { createRandom } from '@senti/base';

export const TINY_SAFETENSORS = path.join(TINY_BERT, 'model.safetensors');
export const TINY_CONFIG = path.join(TINY_BERT, 'config.json');

/** The reference oracle's token ids, masks and types (18 sentences x 17) and transformers' outputs for them. */
export interface Reference {
  batch: number;
  sequence: number;
  inputIds: number[][];
  attentionMask: number[][];
  tokenTypeIds: number[][];
  outputs: { pooler_output: number[][]; cls: number[][]; masked_mean: number[][] };
}

/** Reads fixtures/tiny-bert-reference.json's tokenization and `tiny_outputs`. */
export function readReference(): Reference {
  const json = JSON.parse(readFileSync(new URL('../../../../../fixtures/tiny-bert-reference.json', import.meta.url), 'utf8')) as {
    tokenization: { input_ids: number[][]; attention_mask: number[][]; token_type_ids: number[][] };
    tiny_outputs: Reference['outputs'];
  };
  const { input_ids: inputIds, attention_mask: attentionMask, token_type_ids: tokenTypeIds } = json.tokenization;
  return { batch: inputIds.length, sequence: inputIds[0]!.length, inputIds, attentionMask, tokenTypeIds, outputs: json.tiny_outputs };
}

/** ONNX Runtime feeds for the given rows of the reference, cut to their first `length` tokens (all 17 by default). */
export function feeds(reference: Reference, rows: readonly number[] = reference.inputIds.map((_, i) => i), length = reference.sequence): Record<string, ort.Tensor> {
  const tensor = (matrix: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flatMap((row) => matrix[row]!.slice(0, length).map(BigInt))), [rows.length, length]);
  return { input_ids: tensor(reference.inputIds), attention_mask: tensor(reference.attentionMask), token_type_ids: tensor(reference.tokenTypeIds) };
}

/** Runs a model's bytes once (a fresh session) and returns every output's values and dims. */
export async function runGraph(bytes: Uint8Array, inputs: Record<string, ort.Tensor>): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run(inputs);
    return Object.fromEntries(Object.entries(out).map(([name, tensor]) => [name, { data: tensor.data as Float32Array, dims: tensor.dims }]));
  } finally {
    await session.release();
  }
}

/** The position-0 ([CLS]) rows of `[batch, sequence, hidden]`, as `[batch, hidden]`. */
export function clsRows(states: Float32Array, batch: number, sequence: number, hidden: number): Float32Array {
  const out = new Float32Array(batch * hidden);
  for (let b = 0; b < batch; b++) out.set(states.subarray(b * sequence * hidden, b * sequence * hidden + hidden), b * hidden);
  return out;
}

/** The attention-masked mean of `[batch, sequence, hidden]` per text. */
export function maskedMean(states: Float32Array, mask: number[][], hidden: number): Float32Array {
  const sequence = mask[0]!.length;
  const out = new Float32Array(mask.length * hidden);
  mask.forEach((row, b) => {
    const count = row.reduce((a, v) => a + v, 0);
    for (let h = 0; h < hidden; h++) {
      let sum = 0;
      for (let t = 0; t < sequence; t++) if (row[t]) sum += states[(b * sequence + t) * hidden + h]!;
      out[b * hidden + h] = sum / count;
    }
  });
  return out;
}

/** Largest absolute difference between two equally long arrays. */
export function maxDiff(a: Float32Array, b: Float32Array | readonly number[]): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** The tiny fixture's checkpoint as read (names as stored). */
export async function tinyTensors(): Promise<Map<string, NamedTensor>> {
  return readSafetensors(TINY_SAFETENSORS);
}

/**
 * A small random BERT checkpoint (canonical names, torch layout) whose biases are not zero, unlike tiny-bert's (Hugging
 * Face initialises biases to 0): graphs built from it show what happens to biases.
 */
export function randomBertWeights(seed: number, shape = { vocab: 2000, hidden: 64, layers: 2, intermediate: 256 }): { tensors: Map<string, NamedTensor>; raw: Record<string, unknown> } {
  const random = createRandom(seed);
  const { vocab, hidden: h, layers, intermediate: m } = shape;
  const tensors = new Map<string, NamedTensor>();
  const add = (name: string, dims: number[], fill?: number) => {
    const values = new Float32Array(dims.reduce((a, b) => a * b, 1));
    if (fill === undefined) for (let i = 0; i < values.length; i++) values[i] = (random() - 0.5) * 0.1;
    else values.fill(fill);
    tensors.set(name, { shape: dims, values });
  };
  add('embeddings.word_embeddings.weight', [vocab, h]);
  add('embeddings.position_embeddings.weight', [512, h]);
  add('embeddings.token_type_embeddings.weight', [2, h]);
  add('embeddings.LayerNorm.weight', [h], 1);
  add('embeddings.LayerNorm.bias', [h], 0);
  for (let layer = 0; layer < layers; layer++) {
    const p = `encoder.layer.${layer}`;
    for (const part of ['attention.self.query', 'attention.self.key', 'attention.self.value', 'attention.output.dense']) {
      add(`${p}.${part}.weight`, [h, h]);
      add(`${p}.${part}.bias`, [h]);
    }
    add(`${p}.intermediate.dense.weight`, [m, h]);
    add(`${p}.intermediate.dense.bias`, [m]);
    add(`${p}.output.dense.weight`, [h, m]);
    add(`${p}.output.dense.bias`, [h]);
    for (const norm of ['attention.output.LayerNorm', 'output.LayerNorm']) {
      add(`${p}.${norm}.weight`, [h], 1);
      add(`${p}.${norm}.bias`, [h], 0);
    }
  }
  add('pooler.dense.weight', [h, h]);
  add('pooler.dense.bias', [h]);
  const raw = { model_type: 'bert', vocab_size: vocab, hidden_size: h, num_hidden_layers: layers, num_attention_heads: 2, intermediate_size: m, max_position_embeddings: 512, type_vocab_size: 2 };
  return { tensors, raw };
}
