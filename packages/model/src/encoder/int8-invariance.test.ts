import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOnnxModel, PER_TOKEN_INT8 } from '@senti/onnx';
import { INT8_FILE } from './int8-encoder-file.js';
import { loadEncoder } from './load-encoder.js';
import { resolveEncoderFile } from './resolve-encoder-file.js';
import { readEncoderReference, TINY_BERT } from '../testing/encoder-fixtures.js';
import type { Dtype, Encoder, Pooling } from './types.js';

const noGpu = async () => ({ cudaProvider: false, webgpuAdapter: false, webgpuDetail: 'test' });
const reference = readEncoderReference();
const TARGET = 'what a great film';
const SHORT = 'ok';
const LONG =
  'the plot wanders for two long hours, the acting is wooden, the score is loud and nothing about it is memorable at all';
const HIDDEN = 32;

let cacheDir: string;
const open: Encoder[] = [];
async function load(dtype: Dtype | 'auto', pooling?: Pooling): Promise<Encoder> {
  const encoder = await loadEncoder(
    { model: TINY_BERT, offline: true, device: 'cpu', dtype, pooling, cacheDir },
    noGpu,
  );
  open.push(encoder);
  return encoder;
}
beforeAll(async () => {
  cacheDir = await mkdtemp(path.join(os.tmpdir(), 'senti-int8-'));
});
afterAll(async () => {
  await Promise.all(open.map((encoder) => encoder.dispose()));
  await rm(cacheDir, { recursive: true, force: true });
});

function row(features: Float32Array, index: number): Float32Array {
  return features.subarray(index * HIDDEN, (index + 1) * HIDDEN);
}
function maxDiff(a: Float32Array, b: Float32Array): number {
  return a.reduce((max, value, i) => Math.max(max, Math.abs(value - b[i]!)), 0);
}
function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0,
    na = 0,
    nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return dot / Math.sqrt(na * nb);
}

/** The target's vector alone, and beside short / long / many neighbours at several batch sizes. */
async function targetVectors(encoder: Encoder): Promise<{ alone: Float32Array; others: Float32Array[] }> {
  const alone = await encoder.encode([TARGET], { maxLength: 64 });
  const others: Float32Array[] = [];
  const mixes = [
    [SHORT, TARGET],
    [TARGET, LONG],
    [SHORT, LONG, TARGET, ...reference.sentences],
  ];
  for (const texts of mixes) {
    for (const batchSize of [1, 2, 3, 8, 32]) {
      const features = await encoder.encode(texts, { maxLength: 64, batchSize });
      others.push(row(features, texts.indexOf(TARGET)).slice());
    }
  }
  return { alone, others };
}

describe('per-token int8 encoder', () => {
  it('gives a text the same vector alone and beside any neighbours, at any batch size (pooler and mean)', async () => {
    for (const pooling of ['pooler', 'mean'] as const) {
      const { alone, others } = await targetVectors(await load('int8', pooling));
      for (const other of others) expect(maxDiff(alone, other)).toBeLessThanOrEqual(1e-6);
    }
  });

  it('unlike dynamic per-tensor q8, whose vectors move with their neighbours', async () => {
    const { alone, others } = await targetVectors(await load('q8', 'mean'));
    expect(Math.max(...others.map((other) => maxDiff(alone, other)))).toBeGreaterThan(1e-6);
  });

  it('fp32 is batch-invariant too', async () => {
    const { alone, others } = await targetVectors(await load('fp32', 'mean'));
    for (const other of others) expect(maxDiff(alone, other)).toBeLessThanOrEqual(1e-6);
  });

  it('stays within cosine 0.999 of fp32 on every reference sentence', async () => {
    const fp32 = await (await load('fp32')).encode(reference.sentences, { maxLength: 17 });
    const int8 = await (await load('int8')).encode(reference.sentences, { maxLength: 17 });
    for (let i = 0; i < reference.sentences.length; i++)
      expect(cosine(row(fp32, i), row(int8, i))).toBeGreaterThanOrEqual(0.999);
    expect(maxDiff(fp32, int8)).toBeGreaterThan(0); // really quantized, not the fp32 graph
  });

  it('is what auto picks on the CPU, built once into the cache and identified by its own hash', async () => {
    const first = await load('int8');
    const [scheme] = await readdir(path.join(cacheDir, 'int8-encoders'));
    expect(scheme).toBe(PER_TOKEN_INT8.replace('/', '-'));
    // The build of this encoder's graph (other tests here build others, e.g. the whole graph for mean pooling).
    const { file } = await resolveEncoderFile(
      { kind: 'dir', id: TINY_BERT, path: TINY_BERT, offline: true },
      'int8',
      'cpu',
      { cacheDir, pooling: first.info.pooling },
    );
    expect(
      path
        .relative(path.join(cacheDir, 'int8-encoders', scheme!), file)
        .split(path.sep)
        .slice(1),
    ).toEqual(['onnx', INT8_FILE]);
    const before = (await stat(file)).mtimeMs;
    const auto = await load('auto');
    expect(auto.info.dtype).toBe('int8');
    expect(auto.info.fileHash).toBe(first.info.fileHash);
    expect((await stat(file)).mtimeMs).toBe(before);
    const graph = await readOnnxModel(file);
    expect(graph.metadata_props).toContainEqual({ key: 'senti.quantization', value: PER_TOKEN_INT8 });
    // Query, key and value as one integer GEMM (they read one activation), then attention output, intermediate and
    // output dense: 4 in the first layer; 5 in the last, whose query reads the [CLS] row alone (pooler pooling), so
    // only key and value share a GEMM. The pooler is a Gemm, kept in fp32.
    // Each as ONNX Runtime's MatMulIntegerToFloat (the rescale inside the GEMM kernel).
    expect(graph.graph.node!.filter((node) => node.op_type === 'MatMulIntegerToFloat')).toHaveLength(9);
    expect(graph.graph.node!.filter((node) => node.op_type === 'MatMulInteger')).toHaveLength(0);
    expect(
      graph.graph.initializer!.filter((tensor) => tensor.data_type === 3 /* INT8 */).map((tensor) => tensor.dims),
    ).toContainEqual([30522, 32]); // word embeddings
    expect((await load('q8')).info.dtype).toBe('q8');
  });
});
