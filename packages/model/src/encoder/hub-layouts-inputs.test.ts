import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { HUB_REPLICAS } from '@senti/fixtures';
import { loadEncoder } from './load-encoder.js';

// What senti hands the model per batch, recorded between loadEncoder and transformers.js (whose encoder forward would
// silently drop an input the graph lacks, so only this seam shows whether senti feeds by the graph's input names).
const fed: string[][] = [];
vi.mock('./run-encoder.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./run-encoder.js')>();
  return {
    ...actual,
    runEncoder: (
      model: Parameters<typeof actual.runEncoder>[0],
      ...rest: Parameters<typeof actual.runEncoder> extends [unknown, ...infer R] ? R : never
    ) => {
      const recording = (feeds: Record<string, unknown>) => {
        fed.push(Object.keys(feeds));
        return (model as unknown as (feeds: Record<string, unknown>) => Promise<unknown>)(feeds);
      };
      return actual.runEncoder(recording as unknown as typeof model, ...rest);
    },
  };
});

const cacheDir = await mkdtemp(path.join(tmpdir(), 'senti-hub-inputs-'));
afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

describe("the encoder feeds exactly the ONNX graph's inputs", () => {
  it.each([
    ['roberta', 'fp32', ['input_ids', 'attention_mask']],
    ['roberta', 'int8', ['input_ids', 'attention_mask']],
    ['distilbert', 'int8', ['input_ids', 'attention_mask']],
    ['sentence-transformers-mean', 'fp32', ['input_ids', 'attention_mask', 'token_type_ids']],
  ] as const)('%s (%s): %j', async (replica, dtype, inputs) => {
    fed.length = 0;
    const encoder = await loadEncoder(
      { model: path.join(HUB_REPLICAS, replica), offline: true, device: 'cpu', cacheDir, dtype, pooling: 'mean' },
      async () => ({ cudaProvider: false }),
    );
    try {
      await encoder.encode(['a good film', 'the worst movie, not good at all'], { maxLength: 16, batchSize: 1 });
    } finally {
      await encoder.dispose();
    }
    expect(fed).toEqual([inputs, inputs]);
  });
});
