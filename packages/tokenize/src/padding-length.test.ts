import { describe, expect, it } from 'vitest';
import { choosePaddingLength } from './padding-length.js';
import { resolveModelMaxLength } from './model-max-length.js';

describe('choosePaddingLength', () => {
  it('picks the smallest length covering the requested share of texts', () => {
    const lengths = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    expect(choosePaddingLength(lengths)).toBe(95);
    expect(choosePaddingLength(lengths, { coverage: 0.5 })).toBe(50);
    expect(choosePaddingLength(lengths, { coverage: 1 })).toBe(100);
    expect(choosePaddingLength([5, 3, 9, 7], { coverage: 0.75 })).toBe(7);
  });

  it('caps at the model maximum', () => {
    expect(choosePaddingLength([10, 600, 700], { coverage: 1, cap: 512 })).toBe(512);
  });

  it('rejects bad input', () => {
    expect(() => choosePaddingLength([])).toThrow(/zero texts/);
    expect(() => choosePaddingLength([1], { coverage: 0 })).toThrow(/coverage/);
    expect(() => choosePaddingLength([1], { coverage: 1.5 })).toThrow(/coverage/);
  });
});

describe('resolveModelMaxLength', () => {
  it('caps absurd tokenizer limits to max_position_embeddings, else 512', () => {
    expect(resolveModelMaxLength({ model_max_length: 1e30 }, { max_position_embeddings: 128 })).toBe(128);
    expect(resolveModelMaxLength({ model_max_length: 1e30 }, undefined)).toBe(512);
    expect(resolveModelMaxLength({ model_max_length: 256 }, { max_position_embeddings: 512 })).toBe(256);
    expect(resolveModelMaxLength({ model_max_length: 1024 }, { max_position_embeddings: 512 })).toBe(512);
    expect(resolveModelMaxLength(undefined, undefined)).toBe(512);
  });

  it('RoBERTa-family positions start at pad_token_id + 1: 514 rows embed 512 tokens', () => {
    const roberta = { model_type: 'roberta', max_position_embeddings: 514, pad_token_id: 1 };
    expect(resolveModelMaxLength({ model_max_length: 1e30 }, roberta)).toBe(512);
    expect(resolveModelMaxLength(undefined, roberta)).toBe(512);
    expect(resolveModelMaxLength({ model_max_length: 512 }, roberta)).toBe(512);
    expect(resolveModelMaxLength({ model_max_length: 128 }, { ...roberta, model_type: 'xlm-roberta' })).toBe(128);
    expect(resolveModelMaxLength(undefined, { model_type: 'camembert', max_position_embeddings: 514 })).toBe(512);
    expect(
      resolveModelMaxLength(undefined, { model_type: 'bert', max_position_embeddings: 514, pad_token_id: 1 }),
    ).toBe(514);
  });
});
