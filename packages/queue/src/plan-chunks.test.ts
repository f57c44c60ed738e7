import { describe, expect, it } from 'vitest';
import { planLengthBatches, textKey } from '@senti/model';
import { planChunks } from './plan-chunks.js';

const identity = { fileHash: 'ab'.repeat(32), dtype: 'q8', pooling: 'pooler', maxLength: 32, hiddenSize: 8 };
const texts = Array.from({ length: 100 }, (_, index) => `text ${index} ${'word '.repeat(index % 7)}`);
const lengths = texts.map((text) => text.split(' ').length);

describe('planChunks', () => {
  it("cuts the encoder's own length-sorted order on batch boundaries", () => {
    const chunks = planChunks(texts, { identity, chunkSize: 30, batchSize: 8, lengths });
    expect(chunks.map((chunk) => chunk.texts.length)).toEqual([32, 32, 32, 4]); // 30 rounded up to 4 batches of 8
    const order = planLengthBatches(lengths, 8, 1000).flatMap((batch) => batch.indices.map((index) => texts[index]));
    expect(chunks.flatMap((chunk) => chunk.texts)).toEqual(order);
    expect(chunks[0]!.keys).toEqual(Buffer.concat(chunks[0]!.texts.map((text) => textKey(text))));
  });

  it('names chunks by content: same texts and identity, same id; anything else, another id', () => {
    const ids = (options: Partial<Parameters<typeof planChunks>[1]>, input = texts) =>
      planChunks(input, { identity, chunkSize: 32, batchSize: 8, lengths, ...options }).map((chunk) => chunk.chunkId);
    const first = ids({});
    expect(ids({})).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
    expect(first.every((id) => /^[0-9a-f]{32}$/.test(id))).toBe(true);
    expect(ids({ identity: { ...identity, maxLength: 64 } })).not.toContain(first[0]);
    expect(ids({ identity: { ...identity, fileHash: 'cd'.repeat(32) } })).not.toContain(first[0]);
    expect(ids({ batchSize: 16 })).not.toContain(first[0]);
    expect(
      ids(
        {},
        texts.map((text) => `${text}!`),
      ),
    ).not.toContain(first[0]);
  });

  it('refuses a chunk size that is not a positive integer', () => {
    expect(() => planChunks(texts, { identity, chunkSize: 0, batchSize: 8, lengths })).toThrow(
      /chunkSize must be a positive integer/,
    );
  });
});
