import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TokenizeError } from '@senti/errors';
import { startHubServer } from '@senti/fixtures';
import type { DownloadEvent } from './hub/download-events.js';
import { loadTokenizer } from './load-tokenizer.js';
import { readTokenizationReference, TINY_BERT } from './testing/tokenizer-fixtures.js';

const reference = readTokenizationReference();
const rows = (flat: BigInt64Array, width: number): number[][] =>
  Array.from({ length: flat.length / width }, (_, i) => Array.from(flat.subarray(i * width, (i + 1) * width), Number));

describe('loadTokenizer on the tiny-bert fixture', async () => {
  const tokenizer = await loadTokenizer(TINY_BERT, { offline: true });

  it('matches Hugging Face ids, masks and token types at max_length 17 (accents, CJK, emoji, URLs, truncation, empty)', () => {
    const batch = tokenizer.encode(reference.sentences, {
      maxLength: reference.max_length,
      padding: 'max_length',
      truncation: true,
    });
    expect(batch.batchSize).toBe(18);
    expect(batch.sequenceLength).toBe(17);
    expect(rows(batch.inputIds, 17)).toEqual(reference.input_ids);
    expect(rows(batch.attentionMask, 17)).toEqual(reference.attention_mask);
    expect(rows(batch.tokenTypeIds, 17)).toEqual(reference.token_type_ids);
  });

  it('matches untruncated lengths and tokens', () => {
    expect(tokenizer.tokenLengths(reference.sentences)).toEqual(reference.untruncated_lengths);
    expect(reference.sentences.map((text) => tokenizer.tokenize(text))).toEqual(reference.tokens);
  });

  it('gives the lengths a window keeps with maxLength (what the encoder and the chunk planners sort by)', () => {
    for (const maxLength of [3, 8, 17]) {
      expect(tokenizer.tokenLengths(reference.sentences, maxLength)).toEqual(
        reference.untruncated_lengths.map((length: number) => Math.min(length, maxLength)),
      );
    }
  });

  it('pads to the longest text with padding "longest", same ids as max_length minus trailing pads', () => {
    const texts = reference.sentences.slice(0, 3);
    const batch = tokenizer.encode(texts, { maxLength: 17, padding: 'longest' });
    expect(batch.sequenceLength).toBe(Math.max(...reference.untruncated_lengths.slice(0, 3)));
    expect(rows(batch.inputIds, batch.sequenceLength)).toEqual(
      reference.input_ids.slice(0, 3).map((r) => r.slice(0, batch.sequenceLength)),
    );
  });

  it('rejects a too-long text when truncation is off', () => {
    expect(() => tokenizer.encode([reference.sentences[13]!], { maxLength: 17, truncation: false })).toThrow(
      /more than maxLength 17/,
    );
  });

  it('reads modelMaxLength from tokenizer_config.json and the source', () => {
    expect(tokenizer.modelMaxLength).toBe(512);
    expect(tokenizer.source).toMatchObject({ kind: 'dir', path: TINY_BERT, offline: true });
    expect(tokenizer.special).toEqual({ prefix: [101], suffix: [102], padId: 0 });
  });
});

describe('loadTokenizer failures', () => {
  it('names the Hub model, the cache and how to use a local directory when offline and not cached', async () => {
    const cache = mkdtempSync(path.join(tmpdir(), 'senti-empty-cache-'));
    process.env.HF_HUB_CACHE = cache;
    try {
      const error = await loadTokenizer('Xenova/bert-base-uncased', { offline: true }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TokenizeError);
      expect((error as TokenizeError).code).toBe('TOKENIZE_HUB_NOT_CACHED');
      expect((error as Error).message).toMatch(/offline.*"Xenova\/bert-base-uncased".*not in the Hugging Face cache/);
      expect((error as Error).message).toContain(cache);
      expect((error as TokenizeError).hint).toMatch(/point `model` at a local directory/);
      expect(`${(error as Error).message} ${(error as TokenizeError).hint}`).not.toMatch(/--|senti /);
    } finally {
      delete process.env.HF_HUB_CACHE;
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('names a missing directory', async () => {
    await expect(loadTokenizer('./no/such/model-dir', { offline: true })).rejects.toMatchObject({
      code: 'TOKENIZE_MODEL_NOT_FOUND',
      message: expect.stringContaining('"./no/such/model-dir"'),
    });
  });
});

describe('loadTokenizer of a Hub id through HF_ENDPOINT', () => {
  it('downloads into HF_HUB_CACHE, encodes like the local directory, and loads again with no request', async () => {
    const server = await startHubServer({ repos: { 'org/tiny': { dir: TINY_BERT } } });
    const cache = mkdtempSync(path.join(tmpdir(), 'senti-hub-cache-'));
    Object.assign(process.env, { HF_ENDPOINT: server.url, HF_HUB_CACHE: cache });
    try {
      const events: DownloadEvent[] = [];
      const hub = await loadTokenizer('org/tiny@main', { offline: false, onDownload: (event) => events.push(event) });
      const local = await loadTokenizer(TINY_BERT, { offline: true });
      const commit = server.repos.get('org/tiny')!.commit;
      expect(hub.source).toMatchObject({
        kind: 'dir',
        id: 'org/tiny@main',
        repo: 'org/tiny',
        revision: 'main',
        commit,
        path: path.join(cache, 'models--org--tiny', 'snapshots', commit),
      });
      const options = { maxLength: reference.max_length, padding: 'max_length', truncation: true } as const;
      expect(rows(hub.encode(reference.sentences, options).inputIds, 17)).toEqual(
        rows(local.encode(reference.sentences, options).inputIds, 17),
      );
      expect(hub.modelMaxLength).toBe(local.modelMaxLength);
      expect(events.filter((event) => event.type === 'download-done').map((event) => event.file)).toEqual([
        'config.json',
        'tokenizer.json',
        'tokenizer_config.json',
      ]);
      expect(server.requests.some((request) => request.path.includes('onnx'))).toBe(false);
      server.requests.length = 0;
      await loadTokenizer('org/tiny@main', { offline: false });
      expect(server.requests).toEqual([]);
    } finally {
      delete process.env.HF_ENDPOINT;
      delete process.env.HF_HUB_CACHE;
      await server.close();
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
