// Shared by the BERT graph tests: the tiny fixture's checkpoint, the reference inputs, ONNX Runtime runs.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { TINY_BERT, TINY_BERT_REFERENCE } from '@senti/fixtures';
import { readSafetensors, type NamedTensor } from '../safetensors.js';

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
  const json = JSON.parse(readFileSync(TINY_BERT_REFERENCE, 'utf8')) as {
    tokenization: { input_ids: number[][]; attention_mask: number[][]; token_type_ids: number[][] };
    tiny_outputs: Reference['outputs'];
  };
  const { input_ids: inputIds, attention_mask: attentionMask, token_type_ids: tokenTypeIds } = json.tokenization;
  return {
    batch: inputIds.length,
    sequence: inputIds[0]!.length,
    inputIds,
    attentionMask,
    tokenTypeIds,
    outputs: json.tiny_outputs,
  };
}

/** ONNX Runtime feeds for the given rows of the reference, cut to their first `length` tokens (all 17 by default). */
export function feeds(
  reference: Reference,
  rows: readonly number[] = reference.inputIds.map((_, i) => i),
  length = reference.sequence,
): Record<string, ort.Tensor> {
  const tensor = (matrix: number[][]) =>
    new ort.Tensor('int64', BigInt64Array.from(rows.flatMap((row) => matrix[row]!.slice(0, length).map(BigInt))), [
      rows.length,
      length,
    ]);
  return {
    input_ids: tensor(reference.inputIds),
    attention_mask: tensor(reference.attentionMask),
    token_type_ids: tensor(reference.tokenTypeIds),
  };
}

/** Runs a model's bytes once (a fresh session) and returns every output's values and dims. */
export async function runGraph(
  bytes: Uint8Array,
  inputs: Record<string, ort.Tensor>,
): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run(inputs);
    return Object.fromEntries(
      Object.entries(out).map(([name, tensor]) => [name, { data: tensor.data as Float32Array, dims: tensor.dims }]),
    );
  } finally {
    await session.release();
  }
}

/** The position-0 ([CLS]) rows of `[batch, sequence, hidden]`, as `[batch, hidden]`. */
export function clsRows(states: Float32Array, batch: number, sequence: number, hidden: number): Float32Array {
  const out = new Float32Array(batch * hidden);
  for (let b = 0; b < batch; b++)
    out.set(states.subarray(b * sequence * hidden, b * sequence * hidden + hidden), b * hidden);
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
