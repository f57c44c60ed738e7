import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HUB_REPLICAS, HUB_REPLICAS_REFERENCE } from '@senti/fixtures';
import { bundleEncoder } from '../artifact/bundle-encoder.js';
import { onnxOutputNames } from '@senti/onnx';
import { loadEncoder } from './load-encoder.js';
import { readModelLayout } from './model-layout.js';
import { resolveEncoderFile } from './resolve-encoder-file.js';
import { maxAbsDiff, readEncoderReference } from '../testing/encoder-fixtures.js';
import type { Encoder, LoadEncoderOptions } from './types.js';

// The layouts users download from the Hub, as tiny replicas exported with torch the way optimum does, and their
// PyTorch outputs (fixtures/hub, made by tools/reference/make-hub-replicas.py).
interface ReplicaReference {
  cls: number[][];
  masked_mean: number[][];
  pooler_output?: number[][];
  /** RoBERTa: its own sentences, ids (Hugging Face tokenizers semantics) and mask, padded to max_length. */
  sentences?: string[];
  max_length?: number;
  input_ids?: number[][];
  attention_mask?: number[][];
  onnx?: { inputs: string[]; outputs: string[] };
}
const replicas = (
  JSON.parse(readFileSync(HUB_REPLICAS_REFERENCE, 'utf8')) as { replicas: Record<string, ReplicaReference> }
).replicas;
const { sentences, maxLength } = readEncoderReference();
const noGpu = async () => ({ cudaProvider: false });
const cacheDir = await mkdtemp(path.join(tmpdir(), 'senti-hub-layouts-'));
const open: Encoder[] = [];
const load = async (replica: string, options: LoadEncoderOptions = {}): Promise<Encoder> => {
  const encoder = await loadEncoder(
    { model: path.join(HUB_REPLICAS, replica), offline: true, device: 'cpu', cacheDir, ...options },
    noGpu,
  );
  open.push(encoder);
  return encoder;
};
function minCosine(flat: Float32Array, rows: readonly (readonly number[])[]): number {
  return Math.min(
    ...rows.map((row, r) => {
      let dot = 0,
        a = 0,
        b = 0;
      row.forEach((value, h) => {
        const x = flat[r * row.length + h]!;
        dot += x * value;
        a += x * x;
        b += value * value;
      });
      return dot / Math.sqrt(a * b);
    }),
  );
}
const encode = (encoder: Encoder) => encoder.encode(sentences, { maxLength, batchSize: 5 });
afterAll(async () => {
  await Promise.all(open.map((encoder) => encoder.dispose()));
  await rm(cacheDir, { recursive: true, force: true });
});

describe('a masked-LM (fill-mask) export, as Xenova/bert-base-uncased ships', () => {
  it('is read as such, and cut at the last hidden state: CLS and mean equal PyTorch within 1e-5', async () => {
    expect((await readModelLayout(path.join(HUB_REPLICAS, 'bert-fill-mask'))).weights).toBe('onnx-fill-mask');
    const cls = await load('bert-fill-mask');
    expect(cls.info.pooling).toBe('cls');
    expect(cls.layout).toMatchObject({
      weights: 'onnx-fill-mask',
      architecture: 'BertForMaskedLM',
      poolingFrom: 'default',
    });
    expect(maxAbsDiff(await encode(cls), replicas['bert-fill-mask']!.cls)).toBeLessThan(1e-5);
    const mean = await load('bert-fill-mask', { pooling: 'mean' });
    expect(maxAbsDiff(await encode(mean), replicas['bert-fill-mask']!.masked_mean)).toBeLessThan(1e-5);
  });

  it('the cut graph outputs only last_hidden_state: the vocabulary-sized head is gone', async () => {
    const { file } = await resolveEncoderFile(
      { kind: 'dir', id: 'fill-mask', path: path.join(HUB_REPLICAS, 'bert-fill-mask'), offline: true },
      'fp32',
      'cpu',
      { cacheDir },
    );
    expect(await onnxOutputNames(file)).toEqual(['last_hidden_state']);
  });

  it("senti int8 and the export's own q8 run on the cut graph and stay close to fp32", async () => {
    for (const dtype of ['int8', 'q8'] as const) {
      const encoder = await load('bert-fill-mask', { dtype, pooling: 'mean' });
      expect(encoder.info.dtype).toBe(dtype);
      const features = await encode(encoder);
      expect(maxAbsDiff(features, replicas['bert-fill-mask']!.masked_mean)).toBeLessThan(0.05);
    }
  });

  it('pooler pooling is one line that says why and names what works', async () => {
    const error = await load('bert-fill-mask', { pooling: 'pooler' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'MODEL_NO_POOLER' });
    expect((error as Error).message).toMatch(/masked-LM .* has no pooler; use pooling "cls" or "mean"/);
  });
});

describe('sentence-transformers exports (last_hidden_state only, pooling in 1_Pooling/config.json)', () => {
  for (const [replica, pooling, reference] of [
    ['sentence-transformers-mean', 'mean', 'masked_mean'],
    ['sentence-transformers-cls', 'cls', 'cls'],
  ] as const) {
    it(`${replica}: pools as the model configures it (${pooling}) and says so`, async () => {
      const encoder = await load(replica);
      expect(encoder.info.pooling).toBe(pooling);
      expect(encoder.layout?.poolingFrom).toBe(path.join('1_Pooling', 'config.json'));
      expect(maxAbsDiff(await encode(encoder), replicas[replica]![reference])).toBeLessThan(1e-5);
    });
  }

  it('an explicit pooling wins over the model config', async () => {
    const encoder = await load('sentence-transformers-mean', { pooling: 'cls' });
    expect(encoder.info.pooling).toBe('cls');
    expect(encoder.layout?.poolingFrom).toBe('requested');
    expect(maxAbsDiff(await encode(encoder), replicas['sentence-transformers-mean']!.cls)).toBeLessThan(1e-5);
  });
});

describe('DistilBERT (no token_type_ids input, hidden size spelled dim)', () => {
  it("feeds only the graph's inputs and reads the hidden size from dim: equals PyTorch within 1e-5", async () => {
    const encoder = await load('distilbert', { pooling: 'mean' });
    expect(encoder.info.hiddenSize).toBe(32);
    expect(encoder.layout).toMatchObject({ modelType: 'distilbert', architecture: 'DistilBertModel' });
    expect(maxAbsDiff(await encode(encoder), replicas.distilbert!.masked_mean)).toBeLessThan(1e-5);
  });

  it("int8 runs: near fp32 (the replica's random weights give large activations), and a text alone equals it in a batch bit for bit", async () => {
    const encoder = await load('distilbert', { dtype: 'int8', pooling: 'cls' });
    const batched = await encode(encoder);
    expect(minCosine(batched, replicas.distilbert!.cls)).toBeGreaterThan(0.95);
    for (const index of [0, 7, 17]) {
      const alone = await encoder.encode([sentences[index]!], { maxLength });
      expect(Buffer.from(alone.buffer).equals(Buffer.from(batched.slice(index * 32, (index + 1) * 32).buffer))).toBe(
        true,
      );
    }
  });
});

describe('safetensors only, as google-bert/bert-base-uncased ships (bert. prefix, LayerNorm gamma/beta, MLM heads)', () => {
  it('senti writes the BertModel graph: pooler, CLS and mean equal PyTorch within 1e-5', async () => {
    expect(await readModelLayout(path.join(HUB_REPLICAS, 'bert-safetensors'))).toMatchObject({
      weights: 'safetensors',
      hasPooler: true,
      architecture: 'BertForMaskedLM',
    });
    const pooler = await load('bert-safetensors');
    expect(pooler.info.pooling).toBe('pooler');
    expect(pooler.layout).toMatchObject({ weights: 'safetensors', poolingFrom: 'default' });
    const reference = replicas['bert-safetensors']!;
    expect(maxAbsDiff(await encode(pooler), reference.pooler_output!)).toBeLessThan(1e-5);
    expect(maxAbsDiff(await encode(await load('bert-safetensors', { pooling: 'cls' })), reference.cls)).toBeLessThan(
      1e-5,
    );
    expect(
      maxAbsDiff(await encode(await load('bert-safetensors', { pooling: 'mean' })), reference.masked_mean),
    ).toBeLessThan(1e-5);
  });

  it('gives the features of the same weights through their ONNX export, bit for bit where the graph is the same', async () => {
    // fixtures/tiny-bert holds these very weights as a torch ONNX export: both routes build senti's graph from them.
    const { TINY_BERT } = await import('@senti/fixtures');
    for (const pooling of ['pooler', 'cls'] as const) {
      const fromSafetensors = await encode(await load('bert-safetensors', { pooling }));
      const fromOnnx = await encode(
        await loadEncoder({ model: TINY_BERT, offline: true, device: 'cpu', cacheDir, pooling }, noGpu).then(
          (encoder) => (open.push(encoder), encoder),
        ),
      );
      expect(Buffer.from(fromSafetensors.buffer).equals(Buffer.from(fromOnnx.buffer))).toBe(true);
    }
  });

  it('q8 and fp16 are refused in one line: there is no such file to read', async () => {
    const error = await load('bert-safetensors', { dtype: 'q8' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'MODEL_ENCODER_FILE_MISSING' });
    expect((error as Error).message).toMatch(/q8 needs onnx\/model_quantized.onnx/);
  });
});

describe('[CLS]-only last layer (cls and pooler pooling)', () => {
  it('equals the whole graph within 1e-6 for every BERT layout, and int8 stays batch-invariant', async () => {
    for (const replica of ['bert-fill-mask', 'bert-safetensors', 'sentence-transformers-cls']) {
      const dir = path.join(HUB_REPLICAS, replica);
      const layout = await readModelLayout(dir);
      const source = { kind: 'dir' as const, id: replica, path: dir, offline: true };
      const { file } = await resolveEncoderFile(source, 'fp32', 'cpu', { cacheDir, pooling: 'cls' });
      expect(await onnxOutputNames(file)).toContain('last_hidden_state');
      const cls = await encode(await load(replica, { pooling: 'cls' }));
      expect(maxAbsDiff(cls, replicas[replica]!.cls)).toBeLessThan(
        layout.weights === 'safetensors' ? 1e-5 : 1e-6 + 1e-6,
      );
    }
    const int8 = await load('bert-fill-mask', { pooling: 'cls', dtype: 'int8' });
    const batched = await encode(int8);
    const alone = await int8.encode([sentences[3]!], { maxLength });
    expect(Buffer.from(alone.buffer).equals(Buffer.from(batched.slice(3 * 32, 4 * 32).buffer))).toBe(true);
  });
});

describe('RoBERTa, as Xenova/roberta-base / FacebookAI/roberta-base ship it (byte-level BPE, <s> </s>, no token_type_ids)', () => {
  const reference = replicas.roberta!;
  const texts = reference.sentences!;
  const maxLength = reference.max_length!;
  const encodeRoberta = (encoder: Encoder) => encoder.encode(texts, { maxLength, batchSize: 4 });

  it('is read as an encoder export: CLS and mean equal PyTorch within 1e-5', async () => {
    expect(await readModelLayout(path.join(HUB_REPLICAS, 'roberta'))).toMatchObject({
      weights: 'onnx-encoder',
      architecture: 'RobertaModel',
      modelType: 'roberta',
    });
    const cls = await load('roberta', { pooling: 'cls' });
    expect(cls.info.hiddenSize).toBe(32);
    expect(cls.layout).toMatchObject({ weights: 'onnx-encoder', architecture: 'RobertaModel', modelType: 'roberta' });
    expect(maxAbsDiff(await encodeRoberta(cls), reference.cls)).toBeLessThan(1e-5);
    const mean = await load('roberta', { pooling: 'mean' });
    expect(maxAbsDiff(await encodeRoberta(mean), reference.masked_mean)).toBeLessThan(1e-5);
    expect((await load('roberta')).info.pooling).toBe('cls');
  });

  it('pooler pooling is one line: the feature-extraction export has no pooler_output', async () => {
    const error = await load('roberta', { pooling: 'pooler' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'MODEL_NO_POOLER' });
    expect((error as Error).message).toMatch(/has no pooler .*use pooling "cls" or "mean"/);
    expect((error as Error).message).not.toContain('\n');
  });

  it('takes its special tokens and ids from the tokenizer: <s> text </s>, <pad> = 1, truncation keeps </s>', async () => {
    const { tokenizer } = await load('roberta', { pooling: 'cls' });
    expect(tokenizer.special).toEqual({ prefix: [0], suffix: [2], padId: 1 });
    expect(tokenizer.modelMaxLength).toBe(512);
    const tokens = tokenizer.tokenize(texts[0]!);
    expect([tokens[0], tokens.at(-1)]).toEqual(['<s>', '</s>']);
    const batch = tokenizer.encode(texts, { maxLength, padding: 'max_length', truncation: true });
    const rows = (values: BigInt64Array) =>
      texts.map((_, r) => Array.from(values.subarray(r * maxLength, (r + 1) * maxLength), Number));
    expect(rows(batch.inputIds)).toEqual(reference.input_ids);
    expect(rows(batch.attentionMask)).toEqual(reference.attention_mask);
  });

  it('its graph takes input_ids and attention_mask only (what senti feeds it: hub-layouts-inputs.test.ts)', () => {
    expect(reference.onnx!.inputs).toEqual(['input_ids', 'attention_mask']);
  });

  it('the longest input is 512 tokens, not max_position_embeddings (514): positions start at 2', async () => {
    // Many RoBERTa repos state no real limit (model_max_length int(1e30)): 514 would index past the position table.
    const dir = path.join(cacheDir, 'roberta-no-limit');
    await cp(path.join(HUB_REPLICAS, 'roberta'), dir, { recursive: true });
    const config = JSON.parse(await readFile(path.join(dir, 'tokenizer_config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    await writeFile(path.join(dir, 'tokenizer_config.json'), JSON.stringify({ ...config, model_max_length: 1e30 }));
    const encoder = await loadEncoder({ model: dir, offline: true, device: 'cpu', cacheDir, pooling: 'mean' }, noGpu);
    open.push(encoder);
    expect(encoder.tokenizer.modelMaxLength).toBe(512);
    const features = await encoder.encode(['good '.repeat(600)], { maxLength: encoder.tokenizer.modelMaxLength });
    expect(features.every(Number.isFinite)).toBe(true);
    await expect(encoder.encode(['good'], { maxLength: 514 })).rejects.toMatchObject({ code: 'MODEL_BAD_MAX_LENGTH' });
  });

  it('a bundled int8 encoder carries the byte-level BPE files and gives the same features', async () => {
    const target = path.join(cacheDir, 'roberta-bundled');
    await bundleEncoder(path.join(HUB_REPLICAS, 'roberta'), 'int8', 'cls', target, cacheDir);
    for (const name of ['tokenizer.json', 'vocab.json', 'merges.txt']) {
      expect(await readFile(path.join(target, name), 'utf8')).toBe(
        await readFile(path.join(HUB_REPLICAS, 'roberta', name), 'utf8'),
      );
    }
    const fromSource = await encodeRoberta(await load('roberta', { dtype: 'int8', pooling: 'cls' }));
    const bundled = await loadEncoder(
      { model: target, offline: true, device: 'cpu', cacheDir, dtype: 'int8', pooling: 'cls' },
      noGpu,
    );
    open.push(bundled);
    expect(Buffer.from((await encodeRoberta(bundled)).buffer).equals(Buffer.from(fromSource.buffer))).toBe(true);
  });

  it('int8 runs: near fp32, and a text alone equals it in a batch bit for bit', async () => {
    for (const pooling of ['cls', 'mean'] as const) {
      const encoder = await load('roberta', { dtype: 'int8', pooling });
      expect(encoder.info.dtype).toBe('int8');
      const batched = await encodeRoberta(encoder);
      expect(minCosine(batched, pooling === 'cls' ? reference.cls : reference.masked_mean)).toBeGreaterThan(0.95);
      for (let index = 0; index < texts.length; index++) {
        const alone = await encoder.encode([texts[index]!], { maxLength });
        expect(Buffer.from(alone.buffer).equals(Buffer.from(batched.slice(index * 32, (index + 1) * 32).buffer))).toBe(
          true,
        );
      }
    }
  });
});
