import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelError } from '@senti/errors';
import { resolvePooling } from './choose-pooling.js';
import { loadEncoder } from './load-encoder.js';
import type { Encoder } from './types.js';
import { maxAbsDiff, readEncoderReference, TINY_BERT } from '../testing/encoder-fixtures.js';

const reference = readEncoderReference();
const noGpu = async () => ({ cudaProvider: false, webgpuAdapter: false, webgpuDetail: 'test' });
const open: Encoder[] = [];
const load = async (options: Parameters<typeof loadEncoder>[0]) => {
  const encoder = await loadEncoder({ model: TINY_BERT, offline: true, device: 'cpu', ...options }, noGpu);
  open.push(encoder);
  return encoder;
};
afterAll(async () => {
  await Promise.all(open.map((encoder) => encoder.dispose()));
});

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

describe('loadEncoder on tiny-bert (fp32)', () => {
  it('matches the PyTorch pooler_output, cls and masked mean within 1e-4', async () => {
    for (const [pooling, expected] of [
      ['pooler', reference.outputs.pooler_output],
      ['cls', reference.outputs.cls],
      ['mean', reference.outputs.masked_mean],
    ] as const) {
      const encoder = await load({ pooling });
      const features = await encoder.encode(reference.sentences, { maxLength: reference.maxLength, batchSize: 5 });
      expect(features.length).toBe(18 * 32);
      expect(maxAbsDiff(features, expected)).toBeLessThan(1e-4);
    }
  });

  it('reports identity and defaults to pooler', async () => {
    const encoder = await load({});
    expect(encoder.info).toMatchObject({ model: TINY_BERT, dtype: 'fp32', pooling: 'pooler', hiddenSize: 32 });
    expect(encoder.info.fileHash).toMatch(/^[0-9a-f]{64}$/);
    expect(encoder.device).toEqual({ requested: 'cpu', used: 'cpu' });
  });

  it('dynamic padding by sorted length equals fixed max_length padding to 1e-5, in input order', async () => {
    const encoder = await load({ pooling: 'mean' });
    const texts = [...reference.sentences, ...reference.sentences.slice().reverse()];
    const dynamic = await encoder.encode(texts, { maxLength: 17, batchSize: 4 });
    // One text per batch padded to 17 tokens: the fixed-length result for every text.
    const fixed = new Float32Array(dynamic.length);
    for (let i = 0; i < texts.length; i++) {
      const tokenizer = encoder.tokenizer;
      expect(tokenizer.encode([texts[i]!], { maxLength: 17 }).sequenceLength).toBe(17);
    }
    fixed.set(await encoder.encode(reference.sentences, { maxLength: 17, batchSize: 18 }), 0);
    fixed.set(await encoder.encode(reference.sentences.slice().reverse(), { maxLength: 17, batchSize: 18 }), 18 * 32);
    let max = 0;
    for (let i = 0; i < fixed.length; i++) max = Math.max(max, Math.abs(fixed[i]! - dynamic[i]!));
    expect(max).toBeLessThan(1e-5);
    expect(maxAbsDiff(dynamic.subarray(0, 18 * 32), reference.outputs.masked_mean)).toBeLessThan(1e-4);
  });

  it('reports progress per batch and handles no texts', async () => {
    const encoder = await load({});
    const seen: [number, number][] = [];
    await encoder.encode(reference.sentences, {
      maxLength: 17,
      batchSize: 8,
      onProgress: (done, total) => seen.push([done, total]),
    });
    expect(seen).toEqual([
      [8, 18],
      [16, 18],
      [18, 18],
    ]);
    expect((await encoder.encode([], { maxLength: 17 })).length).toBe(0);
    await expect(encoder.encode(['x'], { maxLength: 1000 })).rejects.toThrow(
      /maxLength must be an integer from 3 to 512/,
    );
  });
});

describe('loadEncoder q8 and devices', () => {
  it('q8 stays close to fp32 (cosine > 0.99 per sentence, max abs diff < 0.05)', async () => {
    const fp32 = await (await load({ dtype: 'fp32' })).encode(reference.sentences, { maxLength: 17 });
    const q8Encoder = await load({ dtype: 'q8' });
    const q8 = await q8Encoder.encode(reference.sentences, { maxLength: 17 });
    expect(q8Encoder.info.fileHash).not.toBe(open[0]!.info.fileHash);
    for (let i = 0; i < 18; i++)
      expect(cosine(fp32.subarray(i * 32, (i + 1) * 32), q8.subarray(i * 32, (i + 1) * 32))).toBeGreaterThan(0.99);
    let max = 0;
    for (let i = 0; i < fp32.length; i++) max = Math.max(max, Math.abs(fp32[i]! - q8[i]!));
    expect(max).toBeLessThan(0.05);
  });

  it('--device gpu where no GPU is found falls back to cpu with a note', async () => {
    const encoder = await loadEncoder({ model: TINY_BERT, offline: true, device: 'gpu' }, async () => ({
      cudaProvider: false,
      webgpuAdapter: false,
      webgpuDetail: 'no adapter',
    }));
    open.push(encoder);
    expect(encoder.device.used).toBe('cpu');
    expect(encoder.device.requested).toBe('gpu');
    expect(encoder.device.note).toMatch(/a GPU was asked for.*using cpu/);
  });

  it('refuses pooler pooling on a model without pooler_output; defaults to cls there', () => {
    const encoder = { weights: 'onnx-encoder', hasPooler: false } as const;
    expect(resolvePooling(undefined, { ...encoder, hasPooler: true }, 'm')).toBe('pooler');
    expect(resolvePooling(undefined, encoder, 'm')).toBe('cls');
    expect(
      resolvePooling(
        undefined,
        { ...encoder, configuredPooling: { pooling: 'mean', from: '1_Pooling/config.json' } },
        'm',
      ),
    ).toBe('mean');
    expect(resolvePooling('mean', encoder, 'm')).toBe('mean');
    expect(() => resolvePooling('pooler', encoder, 'm')).toThrow(
      expect.objectContaining({ code: 'MODEL_NO_POOLER', message: expect.stringMatching(/"m" has no pooler/) }),
    );
  });

  it('names a missing encoder file and a bad dtype', async () => {
    await expect(
      loadEncoder({ model: `${TINY_BERT}/onnx`, offline: true, device: 'cpu' }, noGpu),
    ).rejects.toBeInstanceOf(Error);
    await expect(
      loadEncoder({ model: TINY_BERT, offline: true, dtype: 'fp16' as never }, noGpu),
    ).rejects.toBeInstanceOf(ModelError);
  });
});

describe('loadEncoder with a tokenizer that does not belong to the model (#23 item 10)', () => {
  it('a tokenizer with ids past the embedding rows is one line at load, not a runtime dump mid-encoding', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'senti-vocab-'));
    try {
      await cp(TINY_BERT, dir, { recursive: true });
      const file = join(dir, 'tokenizer.json');
      const tokenizer = JSON.parse(await readFile(file, 'utf8')) as { added_tokens: Record<string, unknown>[] };
      tokenizer.added_tokens.push({
        id: 31000,
        content: '[EXTRA]',
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      });
      await writeFile(file, JSON.stringify(tokenizer));
      const error = await loadEncoder({ model: dir, offline: true, device: 'cpu' }, noGpu).then(
        () => undefined,
        (caught: unknown) => caught as ModelError,
      );
      expect(error?.code).toBe('MODEL_VOCAB_MISMATCH');
      expect(error?.message).toContain('has token ids up to 31000 but its encoder has only 30522 embedding rows');
      expect(error?.message.split('\n')).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
