import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_BERT } from '@senti/fixtures';
import {
  addGraphOutput,
  addInitializers,
  addNodes,
  DataType,
  decodeOnnxModel,
  encodeOnnxModel,
  findInitializer,
  float32Tensor,
  makeNode,
  readOnnxModel,
  tensorToFloat32,
  writeOnnxModel,
} from './index.js';

const FP32 = path.join(TINY_BERT, 'onnx', 'model.onnx');

function feeds(): Record<string, ort.Tensor> {
  const ids = [101n, 2023n, 3185n, 2001n, 2307n, 102n, 101n, 2919n, 102n, 0n, 0n, 0n];
  const mask = ids.map((id, i) => (id === 0n && i > 0 ? 0n : 1n));
  return {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids), [2, 6]),
    attention_mask: new ort.Tensor('int64', BigInt64Array.from(mask), [2, 6]),
    token_type_ids: new ort.Tensor('int64', new BigInt64Array(12), [2, 6]),
  };
}

async function run(bytes: Uint8Array): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run(feeds());
    return Object.fromEntries(Object.entries(out).map(([name, tensor]) => [name, tensor.data as Float32Array]));
  } finally {
    await session.release();
  }
}

describe('ONNX protobuf read/write', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'senti-onnx-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips the tiny BERT: same structure, same outputs in ONNX Runtime', async () => {
    const model = await readOnnxModel(FP32);
    expect(model.graph.node!.length).toBeGreaterThan(10);
    expect(model.graph.output!.map((o) => o.name)).toEqual(['last_hidden_state', 'pooler_output']);
    const file = path.join(dir, 'copy.onnx');
    await writeOnnxModel(model, file);
    const again = decodeOnnxModel(await readFile(file));
    expect(again.graph.node).toEqual(model.graph.node);
    expect(again.graph.initializer!.map((t) => t.name)).toEqual(model.graph.initializer!.map((t) => t.name));
    const original = await run(await readFile(FP32));
    const copied = await run(await readFile(file));
    expect(Object.keys(copied)).toEqual(Object.keys(original));
    for (const name of Object.keys(original)) expect(Array.from(copied[name]!)).toEqual(Array.from(original[name]!));
  });

  it('adds nodes, initializers and outputs that ONNX Runtime runs', async () => {
    const model = await readOnnxModel(FP32);
    const matmul = model.graph.node!.find(
      (node) => node.op_type === 'MatMul' && findInitializer(model.graph, node.input![1]!),
    )!;
    expect(tensorToFloat32(findInitializer(model.graph, matmul.input![1]!)!).length).toBeGreaterThan(0);
    addInitializers(model.graph, float32Tensor('two', [], [2]));
    addNodes(model.graph, makeNode('Mul', ['pooler_output', 'two'], ['pooler_twice'], 'twice'));
    addGraphOutput(model.graph, 'pooler_twice', DataType.FLOAT, ['batch', 32]);
    addGraphOutput(model.graph, matmul.output![0]!, DataType.FLOAT, ['batch', 'sequence', 'width']);
    const out = await run(encodeOnnxModel(model));
    expect(Array.from(out.pooler_twice!)).toEqual(Array.from(out.pooler_output!).map((v) => v * 2));
    expect(out[matmul.output![0]!]!.length).toBeGreaterThan(0);
  });

  it('names the file when it is not an ONNX model', async () => {
    const file = path.join(dir, 'bad.onnx');
    await writeFile(file, 'this is not protobuf at all, just text');
    await expect(readOnnxModel(file)).rejects.toMatchObject({
      code: 'MODEL_ONNX_UNREADABLE',
      message: expect.stringContaining(file),
    });
  });
});
