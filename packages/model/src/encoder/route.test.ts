import { describe, expect, it } from 'vitest';
import { halfToFloat } from '@senti/onnx';
import { toFloat32 } from './float-output.js';
import { ONNX_FILES } from './resolve-encoder-file.js';
import { describeRoute } from './route.js';

describe('describeRoute', () => {
  it('names the provider, the adapter and what was asked for', () => {
    expect(describeRoute({ requested: 'cpu', used: 'cpu' })).toBe('cpu: ONNX Runtime CPU provider');
    expect(describeRoute({ requested: 'gpu', used: 'webgpu', adapter: 'NVIDIA H200' })).toBe(
      'webgpu: ONNX Runtime WebGPU provider (Dawn over Vulkan) on NVIDIA H200 (asked for gpu)',
    );
    expect(describeRoute({ requested: 'auto', used: 'cuda' })).toMatch(/^cuda: ONNX Runtime CUDA provider \(CUDA 12/);
  });

  it('carries the fallback note when no GPU was used', () => {
    const line = describeRoute({
      requested: 'gpu',
      used: 'cpu',
      note: 'a GPU was asked for, but no GPU found: ...; using cpu',
    });
    expect(line).toBe(
      'cpu: ONNX Runtime CPU provider (asked for gpu); a GPU was asked for, but no GPU found: ...; using cpu',
    );
  });
});

describe('fp16 weights', () => {
  it('map to onnx/model_fp16.onnx, as transformers.js model repositories name them', () => {
    expect(ONNX_FILES).toEqual({
      fp32: 'model.onnx',
      fp16: 'model_fp16.onnx',
      q8: 'model_quantized.onnx',
      int8: 'model.onnx',
    }); // int8 is built from fp32
  });

  it('decode half-precision outputs to float32', () => {
    expect([0x0000, 0x3c00, 0xc000, 0x3555, 0x7bff, 0x0001, 0x7c00].map(halfToFloat)).toEqual([
      0,
      1,
      -2,
      0.333251953125,
      65504,
      2 ** -24,
      Infinity,
    ]);
    expect(Number.isNaN(halfToFloat(0x7e00))).toBe(true);
    const bits = Uint16Array.from([0x3c00, 0xbc00]);
    expect(Array.from(toFloat32({ type: 'float16', data: bits }))).toEqual([1, -1]);
    const same = new Float32Array([1.5]);
    expect(toFloat32({ type: 'float32', data: same })).toBe(same);
    // A native Float16Array (newer Node) holds the values themselves.
    expect(Array.from(toFloat32({ type: 'float16', data: [0.5, 2] }))).toEqual([0.5, 2]);
  });
});
