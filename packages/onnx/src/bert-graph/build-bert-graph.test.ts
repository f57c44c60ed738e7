import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AutoModel, Tensor } from '@huggingface/transformers';
import { withTransformersEnv } from '@senti/tokenize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeOnnxModel, readOnnxModel } from '../onnx-model.js';
import { quantizePerToken } from '../per-token-int8.js';
import { readBertGraphConfig, type BertGraphConfig } from './bert-graph-config.js';
import { writeBertEncoderDir } from './bert-encoder-dir.js';
import { bertWeightsFromSafetensors, type BertWeights } from './bert-weights.js';
import { BERT_GRAPH_BUILDER, buildBertGraph } from './build-bert-graph.js';
import { writeSafetensors } from './safetensors-writer.js';
import { TINY_BERT } from '@senti/fixtures';
import {
  clsRows,
  feeds,
  maskedMean,
  maxDiff,
  readReference,
  runGraph,
  TINY_CONFIG,
  TINY_SAFETENSORS,
  tinyTensors,
} from '../testing/bert-graph-fixtures.js';

const reference = readReference();
const HIDDEN = 32;
let dir: string;
let config: BertGraphConfig;
let weights: BertWeights;
let full: Uint8Array;
let fullOut: Awaited<ReturnType<typeof runGraph>>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'senti-bert-graph-'));
  config = await readBertGraphConfig(TINY_CONFIG);
  weights = await bertWeightsFromSafetensors(TINY_SAFETENSORS, config);
  full = encodeOnnxModel(buildBertGraph(weights, config, { pooler: true, clsOnlyLastLayer: false }));
  fullOut = await runGraph(full, feeds(reference));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('buildBertGraph from fixtures/tiny-bert/model.safetensors', () => {
  it('gives the pooler output, [CLS] and masked mean of Hugging Face transformers within 1e-5', () => {
    const { batch, sequence } = reference;
    expect(fullOut.last_hidden_state!.dims).toEqual([batch, sequence, HIDDEN]);
    expect(fullOut.pooler_output!.dims).toEqual([batch, HIDDEN]);
    const diffs = {
      pooler: maxDiff(fullOut.pooler_output!.data, reference.outputs.pooler_output.flat()),
      cls: maxDiff(clsRows(fullOut.last_hidden_state!.data, batch, sequence, HIDDEN), reference.outputs.cls.flat()),
      mean: maxDiff(
        maskedMean(fullOut.last_hidden_state!.data, reference.attentionMask, HIDDEN),
        reference.outputs.masked_mean.flat(),
      ),
    };
    console.info('senti graph vs transformers, max |diff|:', diffs);
    for (const diff of Object.values(diffs)) expect(diff).toBeLessThanOrEqual(1e-5);
  });

  it('agrees with the torch ONNX export of the same weights within 1e-6', async () => {
    const torch = await runGraph(await readFile(path.join(TINY_BERT, 'onnx', 'model.onnx')), feeds(reference));
    const diffs = {
      last_hidden_state: maxDiff(fullOut.last_hidden_state!.data, torch.last_hidden_state!.data),
      pooler: maxDiff(fullOut.pooler_output!.data, torch.pooler_output!.data),
    };
    console.info('senti graph vs torch ONNX export, max |diff|:', diffs);
    for (const diff of Object.values(diffs)) expect(diff).toBeLessThanOrEqual(1e-6);
  });

  it('gives the same per-token int8 bits as the torch ONNX export quantized the same way', async () => {
    const torch = await readOnnxModel(path.join(TINY_BERT, 'onnx', 'model.onnx'));
    const ours = buildBertGraph(weights, config, { pooler: true, clsOnlyLastLayer: false });
    // The same integer GEMMs; the attention scores are a FusedMatMul in ours (one per layer), a MatMul in torch's.
    const [mine, theirs] = [quantizePerToken(ours), quantizePerToken(torch)];
    expect(mine).toEqual({ ...theirs, kept: theirs.kept - config.numHiddenLayers });
    const [a, b] = await Promise.all([
      runGraph(encodeOnnxModel(ours), feeds(reference)),
      runGraph(encodeOnnxModel(torch), feeds(reference)),
    ]);
    expect(Array.from(a.pooler_output!.data)).toEqual(Array.from(b.pooler_output!.data));
    expect(Array.from(a.last_hidden_state!.data)).toEqual(Array.from(b.last_hidden_state!.data));
  });

  it("names its builder in the metadata and uses opset-17 ops plus ONNX Runtime's FusedMatMul for the scores", async () => {
    const model = await readOnnxModel(full);
    expect(model.metadata_props).toContainEqual({ key: 'senti.builder', value: BERT_GRAPH_BUILDER });
    expect(model.opset_import).toEqual([
      { domain: '', version: 17 },
      { domain: 'com.microsoft', version: 1 },
    ]);
    expect(model.doc_string).toContain(BERT_GRAPH_BUILDER);
    const contrib = model.graph.node!.filter((node) => (node.domain ?? '') !== '');
    expect(new Set(contrib.map((node) => `${node.domain}:${node.op_type}`))).toEqual(
      new Set(['com.microsoft:FusedMatMul']),
    );
    expect(contrib).toHaveLength(config.numHiddenLayers);
    expect(model.graph.output!.map((output) => output.name)).toEqual(['last_hidden_state', 'pooler_output']);
  });

  it('computes the last layer for [CLS] only when asked: the same [CLS] and pooler output, bit for bit', async () => {
    const cut = encodeOnnxModel(buildBertGraph(weights, config, { pooler: true, clsOnlyLastLayer: true }));
    const out = await runGraph(cut, feeds(reference));
    const { batch, sequence } = reference;
    expect(out.last_hidden_state!.dims).toEqual([batch, 1, HIDDEN]);
    const diffs = {
      cls: maxDiff(out.last_hidden_state!.data, clsRows(fullOut.last_hidden_state!.data, batch, sequence, HIDDEN)),
      pooler: maxDiff(out.pooler_output!.data, fullOut.pooler_output!.data),
    };
    console.info('cls-only last layer vs full graph, max |diff|:', diffs);
    expect(diffs).toEqual({ cls: 0, pooler: 0 });
  });

  it('reads the same weights spelled bert.* with LayerNorm gamma/beta, beside MLM heads, and as two shards', async () => {
    const renamed = new Map<string, { shape: number[]; values: Float32Array }>();
    for (const [name, tensor] of await tinyTensors()) {
      renamed.set(
        `bert.${name.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta')}`,
        tensor,
      );
    }
    renamed.set('cls.predictions.bias', {
      shape: [config.vocabSize],
      values: new Float32Array(config.vocabSize).fill(7),
    });
    renamed.set('cls.predictions.transform.LayerNorm.gamma', {
      shape: [HIDDEN],
      values: new Float32Array(HIDDEN).fill(7),
    });
    renamed.set('bert.embeddings.position_ids', { shape: [1, 512], values: new Float32Array(512) });
    const file = path.join(dir, 'renamed.safetensors');
    await writeSafetensors(file, renamed);
    const expectSame = async (source: string) => {
      const out = await runGraph(
        encodeOnnxModel(
          buildBertGraph(await bertWeightsFromSafetensors(source, config), config, {
            pooler: true,
            clsOnlyLastLayer: false,
          }),
        ),
        feeds(reference),
      );
      expect(Array.from(out.last_hidden_state!.data)).toEqual(Array.from(fullOut.last_hidden_state!.data));
      expect(Array.from(out.pooler_output!.data)).toEqual(Array.from(fullOut.pooler_output!.data));
    };
    await expectSame(file);

    const entries = [...renamed];
    const shards = [entries.slice(0, 20), entries.slice(20)];
    const weightMap: Record<string, string> = {};
    for (const [index, shard] of shards.entries()) {
      const name = `model-0000${index + 1}-of-00002.safetensors`;
      await writeSafetensors(path.join(dir, name), shard);
      for (const [tensor] of shard) weightMap[tensor] = name;
    }
    const index = path.join(dir, 'model.safetensors.index.json');
    await writeFile(index, JSON.stringify({ metadata: { total_size: 0 }, weight_map: weightMap }));
    await expectSame(index);
  });

  it('reads F16 and BF16 checkpoints, widened to float32, into a graph that still agrees with transformers', async () => {
    for (const [dtype, tolerance] of [
      ['F16', 5e-4],
      ['BF16', 5e-3],
    ] as const) {
      const file = path.join(dir, `tiny-${dtype}.safetensors`);
      await writeSafetensors(file, await tinyTensors(), dtype);
      const narrow = await bertWeightsFromSafetensors(file, config);
      const word = narrow.tensors.get('embeddings.word_embeddings.weight')!.values;
      const original = weights.tensors.get('embeddings.word_embeddings.weight')!.values;
      expect(maxDiff(word, original)).toBeGreaterThan(0);
      expect(maxDiff(word, original)).toBeLessThan(dtype === 'F16' ? 1e-4 : 1e-3);
      const out = await runGraph(
        encodeOnnxModel(buildBertGraph(narrow, config, { pooler: true, clsOnlyLastLayer: false })),
        feeds(reference),
      );
      const diff = maxDiff(out.pooler_output!.data, reference.outputs.pooler_output.flat());
      console.info(`${dtype} checkpoint: pooler vs transformers (fp32 weights), max |diff| ${diff}`);
      expect(diff).toBeLessThan(tolerance);
    }
  });

  it('writes a directory transformers.js AutoModel loads as bert, with the same outputs', async () => {
    const out = path.join(dir, 'encoder');
    const written = await writeBertEncoderDir(TINY_SAFETENSORS, TINY_CONFIG, out);
    expect(written).toEqual({
      dir: out,
      onnxFile: path.join(out, 'onnx', 'model.onnx'),
      pooler: true,
      clsOnlyLastLayer: false,
    });
    expect(await readFile(path.join(out, 'config.json'), 'utf8')).toBe(await readFile(TINY_CONFIG, 'utf8'));
    const model = await withTransformersEnv({ allowRemoteModels: false }, () =>
      AutoModel.from_pretrained(out, { dtype: 'fp32', device: 'cpu', local_files_only: true }),
    );
    try {
      expect(model.config.model_type).toBe('bert');
      const rows = [0, 1];
      const inputs = feeds(reference, rows);
      const asTransformers = Object.fromEntries(
        Object.entries(inputs).map(([name, tensor]) => [
          name,
          new Tensor('int64', tensor.data as BigInt64Array, [...tensor.dims]),
        ]),
      );
      const result = (await model(asTransformers)) as Record<string, Tensor>;
      const expected = await runGraph(full, inputs);
      expect(Array.from(result.pooler_output!.data as Float32Array)).toEqual(Array.from(expected.pooler_output!.data));
    } finally {
      await model.dispose();
    }
  });
});

describe('per-token int8 of the built graph', () => {
  /** The int8 graph's [CLS] and pooler rows for the target alone and inside the whole reference batch. */
  async function aloneAndBatched(clsOnlyLastLayer: boolean, target: number) {
    const model = buildBertGraph(weights, config, { pooler: true, clsOnlyLastLayer });
    const report = quantizePerToken(model);
    expect(report.rewritten).toBe(6 * config.numHiddenLayers);
    expect(report.embeddings).toBe(1);
    const bytes = encodeOnnxModel(model);
    const alone = await runGraph(bytes, feeds(reference, [target]));
    const batched = await runGraph(bytes, feeds(reference));
    const length = reference.attentionMask[target]!.reduce((a, b) => a + b, 0);
    const unpadded = await runGraph(bytes, feeds(reference, [target], length));
    const sequence = clsOnlyLastLayer ? 1 : reference.sequence;
    return {
      alone: { cls: clsRows(alone.last_hidden_state!.data, 1, sequence, HIDDEN), pooler: alone.pooler_output!.data },
      unpadded: { cls: unpadded.last_hidden_state!.data.subarray(0, HIDDEN), pooler: unpadded.pooler_output!.data },
      batched: {
        cls: clsRows(batched.last_hidden_state!.data, reference.batch, sequence, HIDDEN).subarray(
          target * HIDDEN,
          (target + 1) * HIDDEN,
        ),
        pooler: batched.pooler_output!.data.subarray(target * HIDDEN, (target + 1) * HIDDEN),
      },
    };
  }

  it('runs in ONNX Runtime and gives a text the same [CLS] and pooler bits alone as inside a batch, padded or not, cut or full', async () => {
    let padding = 0;
    const byRoute = new Map<string, number[]>();
    for (const clsOnlyLastLayer of [false, true]) {
      for (const target of [0, 4, 13]) {
        const { alone, batched, unpadded } = await aloneAndBatched(clsOnlyLastLayer, target);
        byRoute.set(`${clsOnlyLastLayer} ${target}`, [...Array.from(alone.cls), ...Array.from(alone.pooler)]);
        expect(Array.from(alone.cls)).toEqual(Array.from(batched.cls));
        expect(Array.from(alone.pooler)).toEqual(Array.from(batched.pooler));
        padding = Math.max(padding, maxDiff(unpadded.cls, alone.cls), maxDiff(unpadded.pooler, alone.pooler));
        // really quantized, and close to fp32
        const fp32 = fullOut.pooler_output!.data.subarray(target * HIDDEN, (target + 1) * HIDDEN);
        expect(maxDiff(alone.pooler, fp32)).toBeGreaterThan(0);
        expect(maxDiff(alone.pooler, fp32)).toBeLessThan(0.05);
      }
    }
    for (const target of [0, 4, 13]) expect(byRoute.get(`true ${target}`)).toEqual(byRoute.get(`false ${target}`)); // cut = full, bit for bit
    console.info('int8: unpadded vs padded to 17, max |diff| of [CLS] and pooler:', padding);
    expect(padding).toBeLessThanOrEqual(1e-6);
  });
});
