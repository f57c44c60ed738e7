import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEncoder } from './load-encoder.js';
import { readEncoderReference, TINY_BERT } from '../testing/encoder-fixtures.js';
import type { Encoder } from './types.js';

// The tolerances the package README states for GPU routes. Only a machine with a usable GPU route can check them;
// elsewhere `device: 'gpu'` falls back to the CPU (tested in gpu-route.test.ts) and these tests are skipped.
const reference = readEncoderReference();
const HIDDEN = 32;
let cpu: Encoder;
let gpu: Encoder;
beforeAll(async () => {
  cpu = await loadEncoder({ model: TINY_BERT, offline: true, device: 'cpu', dtype: 'fp32', pooling: 'mean' });
  gpu = await loadEncoder({ model: TINY_BERT, offline: true, device: 'gpu', dtype: 'fp32', pooling: 'mean' });
});
afterAll(async () => {
  await Promise.all([cpu?.dispose(), gpu?.dispose()]);
});

function maxDiff(a: Float32Array, b: Float32Array): number {
  return a.reduce((max, value, i) => Math.max(max, Math.abs(value - b[i]!)), 0);
}

describe('GPU tolerances (fp32)', () => {
  it("features within 1e-3 of the CPU's", async (context) => {
    if (gpu.device.used === 'cpu') context.skip();
    const onCpu = await cpu.encode(reference.sentences, { maxLength: 17 });
    const onGpu = await gpu.encode(reference.sentences, { maxLength: 17 });
    expect(maxDiff(onCpu, onGpu)).toBeLessThanOrEqual(1e-3);
  });

  it('a text alone and in a mixed batch within 1e-4', async (context) => {
    if (gpu.device.used === 'cpu') context.skip();
    const alone = await gpu.encode([reference.sentences[0]!], { maxLength: 17 });
    const mixed = await gpu.encode(reference.sentences, { maxLength: 17, batchSize: 18 });
    expect(maxDiff(alone, mixed.subarray(0, HIDDEN))).toBeLessThanOrEqual(1e-4);
  });
});
