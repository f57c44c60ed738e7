import { afterAll, describe, expect, it } from 'vitest';
import { loadEncoder } from './load-encoder.js';
import { describeRoute } from './route.js';
import { TINY_BERT } from '../testing/encoder-fixtures.js';
import type { Encoder } from './types.js';

// What --device gpu/auto do when the probe finds no GPU (the probe is given, so this holds on any machine).
const open: Encoder[] = [];
afterAll(async () => {
  await Promise.all(open.map((encoder) => encoder.dispose()));
});

describe('GPU routes when no GPU is found', () => {
  it('auto with nothing found goes straight to cpu with one line saying so', async () => {
    const encoder = await loadEncoder({ model: TINY_BERT, offline: true, device: 'auto' }, async () => ({
      cudaProvider: false,
      webgpuAdapter: false,
      webgpuDetail: 'no Vulkan loader (libvulkan.so.1) for WebGPU',
    }));
    open.push(encoder);
    expect(describeRoute(encoder.device)).toBe(
      'cpu: ONNX Runtime CPU provider (asked for auto); no GPU found: onnxruntime-node has no CUDA provider (install with ONNXRUNTIME_NODE_INSTALL=cuda12) and no WebGPU adapter (no Vulkan loader (libvulkan.so.1) for WebGPU); using cpu',
    );
  });

  it('fp16 needs onnx/model_fp16.onnx and says so; an unknown dtype lists the known ones', async () => {
    await expect(loadEncoder({ model: TINY_BERT, offline: true, device: 'cpu', dtype: 'fp16' })).rejects.toMatchObject({
      code: 'MODEL_ENCODER_FILE_MISSING',
      message: expect.stringMatching(/dtype fp16 needs onnx\/model_fp16\.onnx/),
    });
    await expect(
      loadEncoder({ model: TINY_BERT, offline: true, device: 'cpu', dtype: 'int4' as never }),
    ).rejects.toMatchObject({
      code: 'MODEL_BAD_DTYPE',
      message: 'dtype must be auto or one of fp32, fp16, q8, int8, got "int4"',
    });
  });
});
