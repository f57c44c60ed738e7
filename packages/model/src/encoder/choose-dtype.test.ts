import { describe, expect, it } from 'vitest';
import { chooseDtype } from './choose-dtype.js';

describe('chooseDtype', () => {
  it('keeps an explicit dtype', () => {
    expect(chooseDtype('fp32', 'cpu', () => true)).toBe('fp32');
    expect(chooseDtype('fp16', 'webgpu', () => true)).toBe('fp16');
  });

  it('auto: per-token int8 on the CPU when the model has its fp32 source, fp32 otherwise and on GPUs', () => {
    expect(chooseDtype('auto', 'cpu', () => true)).toBe('int8');
    expect(chooseDtype('auto', 'cpu', (dtype) => dtype !== 'int8')).toBe('fp32');
    expect(chooseDtype('q8', 'cpu', () => true)).toBe('q8');
    expect(chooseDtype('auto', 'cuda', () => true)).toBe('fp32');
    expect(chooseDtype('auto', 'webgpu', () => true)).toBe('fp32');
  });
});
