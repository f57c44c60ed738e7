import { describe, expect, it } from 'vitest';
import { TokenizeError } from '@senti/errors';
import { loadTokenizer } from './load-tokenizer.js';
import { readTokenizationReference, TINY_BERT } from './test-fixtures.js';

const reference = readTokenizationReference();
const rows = (flat: BigInt64Array, width: number): number[][] =>
  Array.from({ length: flat.length / width }, (_, i) => Array.from(flat.subarray(i * width, (i + 1) * width), Number));

describe('loadTokenizer on the tiny-bert fixture', async () => {
  const tokenizer = await loadTokenizer(TINY_BERT, { offline: true });

  it('matches Hugging Face ids, masks and token types at max_length 17 (accents, CJK, emoji, URLs, truncation, empty)', () => {
    const batch = tokenizer.encode(reference.sentences, { maxLength: reference.max_length, padding: 'max_length', truncation: true });
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

  it('pads to the longest text with padding "longest", same ids as max_length minus trailing pads', () => {
    const texts = reference.sentences.slice(0, 3);
    const batch = tokenizer.encode(texts, { maxLength: 17, padding: 'longest' });
    expect(batch.sequenceLength).toBe(Math.max(...reference.untruncated_lengths.slice(0, 3)));
    expect(rows(batch.inputIds, batch.sequenceLength)).toEqual(reference.input_ids.slice(0, 3).map((r) => r.slice(0, batch.sequenceLength)));
  });

  it('rejects a too-long text when truncation is off', () => {
    expect(() => tokenizer.encode([reference.sentences[13]!], { maxLength: 17, truncation: false })).toThrow(/more than maxLength 17/);
  });

  it('reads modelMaxLength from tokenizer_config.json and the source', () => {
    expect(tokenizer.modelMaxLength).toBe(512);
    expect(tokenizer.source).toMatchObject({ kind: 'dir', path: TINY_BERT, offline: true });
    expect(tokenizer.special).toEqual({ prefix: [101], suffix: [102], padId: 0 });
  });
});

describe('loadTokenizer failures', () => {
  it('names the Hub model and how to use a local directory when it cannot be loaded offline', async () => {
    const error = await loadTokenizer('Xenova/bert-base-uncased', { offline: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenizeError);
    expect((error as TokenizeError).code).toBe('TOKENIZE_MODEL_FETCH_FAILED');
    expect((error as Error).message).toMatch(/"Xenova\/bert-base-uncased".*offline/);
    expect((error as TokenizeError).hint).toMatch(/point `model` at a local directory/);
    expect(`${(error as Error).message} ${(error as TokenizeError).hint}`).not.toMatch(/--|senti /);
  });

  it('names a missing directory', async () => {
    await expect(loadTokenizer('./no/such/model-dir', { offline: true })).rejects.toMatchObject({ code: 'TOKENIZE_MODEL_NOT_FOUND', message: expect.stringContaining('"./no/such/model-dir"') });
  });
});
