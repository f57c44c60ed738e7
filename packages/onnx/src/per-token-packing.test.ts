import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { HUB_REPLICAS, TINY_BERT } from '@senti/fixtures';
import { cutAtLastHiddenState } from './cut-at-hidden-state.js';
import { encodeOnnxModel, readOnnxModel } from './onnx-model.js';
import { quantizePerToken } from './per-token-int8.js';
import { readEncoderReference } from '@senti/fixtures';
import { loadTokenizer } from '@senti/tokenize';

const INTEGER_GEMMS = new Set(['MatMulInteger', 'MatMulIntegerToFloat']);

/** senti's BertModel graph of a small random checkpoint (pooler included). */
async function builtGraph(clsOnlyLastLayer: boolean) {
  const { bertGraphConfig, buildBertGraph, randomBertCheckpoint } = await import('./bert-graph/index.js');
  const { tensors, config: raw } = randomBertCheckpoint(27);
  const weights = { tensors, files: new Map<string, string>(), hasPooler: true, source: 'random' };
  return buildBertGraph(weights, bertGraphConfig(raw, 'random config'), { pooler: true, clsOnlyLastLayer });
}

/** `batch` texts of up to `sequence` tokens, the last `padded` of each row masked out (the first row unpadded). */
function randomFeeds(batch: number, sequence: number, padded: number): Record<string, ort.Tensor> {
  const ids = BigInt64Array.from({ length: batch * sequence }, (_, i) =>
    BigInt(i % sequence === 0 ? 101 : 1000 + ((i * 7919) % 999)),
  );
  const mask = BigInt64Array.from({ length: batch * sequence }, (_, i) =>
    i >= sequence && i % sequence >= sequence - padded ? 0n : 1n,
  );
  return {
    input_ids: new ort.Tensor('int64', ids, [batch, sequence]),
    attention_mask: new ort.Tensor('int64', mask, [batch, sequence]),
    token_type_ids: new ort.Tensor('int64', new BigInt64Array(batch * sequence), [batch, sequence]),
  };
}

// Packing the query, key and value MatMuls (which read one activation) into one integer GEMM on one quantized copy of
// that activation must not change a single bit: the integer products and the per-row, per-column scales are the same.
async function run(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  try {
    const inputs = Object.fromEntries(session.inputNames.map((name) => [name, feeds[name]!]));
    return (await session.run(inputs)).last_hidden_state!.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('per-token int8: one integer GEMM for the MatMuls that share an activation', () => {
  it.each([
    ['tiny-bert (torch BertModel export)', path.join(TINY_BERT, 'onnx', 'model.onnx'), false],
    ['a masked-LM export, cut', path.join(HUB_REPLICAS, 'bert-fill-mask', 'onnx', 'model.onnx'), true],
  ])('%s: packed and unpacked graphs give the same bits, with a third fewer integer GEMMs', async (_, file, cut) => {
    const { sentences, maxLength } = readEncoderReference();
    const tokenizer = await loadTokenizer(TINY_BERT, { offline: true });
    const encoded = tokenizer.encode(sentences, { maxLength });
    const dims = [encoded.batchSize, encoded.sequenceLength];
    const feeds = {
      input_ids: new ort.Tensor('int64', encoded.inputIds, dims),
      attention_mask: new ort.Tensor('int64', encoded.attentionMask, dims),
      token_type_ids: new ort.Tensor('int64', encoded.tokenTypeIds, dims),
    };
    const graphs: { model: Awaited<ReturnType<typeof readOnnxModel>>; bytes: Uint8Array }[] = [];
    for (const pack of [true, false]) {
      const model = await readOnnxModel(file);
      if (cut) cutAtLastHiddenState(model, file);
      const report = quantizePerToken(model, new Map(), { pack });
      expect(report.rewritten).toBe(12);
      graphs.push({ model, bytes: encodeOnnxModel(model) });
    }
    const count = (index: number) =>
      graphs[index]!.model.graph.node!.filter((node) => INTEGER_GEMMS.has(node.op_type!)).length;
    expect([count(0), count(1)]).toEqual([8, 12]);
    const [packed, unpacked] = [await run(graphs[0]!.bytes, feeds), await run(graphs[1]!.bytes, feeds)];
    expect(Buffer.from(packed.buffer).equals(Buffer.from(unpacked.buffer))).toBe(true);
  });
});

describe("per-token int8: the rescale in ONNX Runtime's MatMulIntegerToFloat", () => {
  it.each([
    ['tiny-bert (torch BertModel export)', path.join(TINY_BERT, 'onnx', 'model.onnx')],
    ["senti's BertModel graph, [CLS]-only last layer", 'built'],
  ])(
    '%s: one kernel per integer GEMM, the same bits as MatMulInteger + Cast + column and token Muls, at any batch',
    async (_, file) => {
      const graphs: Uint8Array[] = [];
      const ops: string[][] = [];
      let fused: Awaited<ReturnType<typeof readOnnxModel>> | undefined;
      for (const fuseScales of [true, false]) {
        const model = file === 'built' ? await builtGraph(true) : await readOnnxModel(file);
        quantizePerToken(model, new Map(), { fuseScales });
        if (fuseScales) fused = model;
        ops.push(model.graph.node!.map((node) => node.op_type!));
        graphs.push(encodeOnnxModel(model));
      }
      const gemms = ops[0]!.filter((op) => op === 'MatMulIntegerToFloat').length;
      expect(gemms).toBeGreaterThanOrEqual(8);
      expect(ops[0]).not.toContain('MatMulInteger');
      expect(ops[1]!.filter((op) => op === 'MatMulInteger').length).toBe(gemms);
      expect(ops[0]!.length).toBe(ops[1]!.length - 3 * gemms); // no Cast, column Mul, token Mul per GEMM
      expect(fused!.opset_import).toContainEqual({ domain: 'com.microsoft', version: 1 });
      // Batches of 1 and 8 texts (token scales [1, L, 1] and [8, L, 1]), with padding.
      for (const feeds of [randomFeeds(1, 9, 0), randomFeeds(8, 24, 5)]) {
        const [a, b] = [await run(graphs[0]!, feeds), await run(graphs[1]!, feeds)];
        expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
      }
    },
  );
});

describe("per-token int8 under ONNX Runtime's graph optimizations", () => {
  it("means what it says: the optimized session gives the unoptimized graph's answer, biases included", async () => {
    // ONNX Runtime's MatMulIntegerToFloat fusion would scale a following bias by each token's scale; on checkpoints
    // with non-zero biases (every real one) that moved the int8 features 25x further from fp32 than int8 itself does.
    const { bertGraphConfig, buildBertGraph, randomBertCheckpoint } = await import('./bert-graph/index.js');
    const { tensors, config: raw } = randomBertCheckpoint(27);
    const config = bertGraphConfig(raw, 'random config');
    const weights = { tensors, files: new Map<string, string>(), hasPooler: true, source: 'random' };
    const [batch, sequence] = [8, 24];
    const ids = BigInt64Array.from({ length: batch * sequence }, (_, i) =>
      BigInt(i % sequence === 0 ? 101 : 1000 + ((i * 7919) % 999)),
    );
    const feeds = {
      input_ids: new ort.Tensor('int64', ids, [batch, sequence]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(batch * sequence).fill(1n), [batch, sequence]),
      token_type_ids: new ort.Tensor('int64', new BigInt64Array(batch * sequence), [batch, sequence]),
    };
    const pooled = async (bytes: Uint8Array, graphOptimizationLevel: 'disabled' | 'all') => {
      const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, graphOptimizationLevel });
      try {
        return (await session.run(feeds)).pooler_output!.data as Float32Array;
      } finally {
        await session.release();
      }
    };
    const fp32 = await pooled(
      encodeOnnxModel(buildBertGraph(weights, config, { pooler: true, clsOnlyLastLayer: false })),
      'all',
    );
    const model = buildBertGraph(weights, config, { pooler: true, clsOnlyLastLayer: false });
    quantizePerToken(model);
    const bytes = encodeOnnxModel(model);
    const [plain, optimized] = [await pooled(bytes, 'disabled'), await pooled(bytes, 'all')];
    const diff = (a: Float32Array, b: Float32Array) =>
      a.reduce((max, value, i) => Math.max(max, Math.abs(value - b[i]!)), 0);
    expect(diff(plain, optimized)).toBeLessThan(1e-5);
    expect(diff(optimized, fp32)).toBeLessThan(5e-3);
  });
});
