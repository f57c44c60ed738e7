import { describe, expect, it } from 'vitest';
import { fallbackNote, planDevice } from './device.js';

describe('planDevice', () => {
  it('cpu never tries a GPU and needs no note', () => {
    expect(planDevice('cpu', { cudaProvider: true, webgpuAdapter: true })).toEqual({ attempts: ['cpu'] });
  });

  it('gpu prefers CUDA, then WebGPU, then falls back to cpu', () => {
    expect(planDevice('gpu', { cudaProvider: true, webgpuAdapter: true }).attempts).toEqual(['cuda', 'webgpu', 'cpu']);
    expect(planDevice('gpu', { cudaProvider: false, webgpuAdapter: true }).attempts).toEqual(['webgpu', 'cpu']);
    // Not probed: still worth a try when asked for explicitly.
    expect(planDevice('gpu', { cudaProvider: false }).attempts).toEqual(['webgpu', 'cpu']);
  });

  it('gpu with no GPU at all falls back to cpu with a clear note, not an error', () => {
    const plan = planDevice('gpu', { cudaProvider: false, webgpuAdapter: false, webgpuDetail: 'Dawn found none' });
    expect(plan.attempts).toEqual(['cpu']);
    expect(plan.note).toMatch(/a GPU was asked for, but no GPU found.*CUDA.*WebGPU.*Dawn found none.*using cpu/);
  });

  it('auto tries a GPU only when one is plausible', () => {
    expect(planDevice('auto', { cudaProvider: true, webgpuAdapter: false }).attempts).toEqual(['cuda', 'cpu']);
    expect(planDevice('auto', { cudaProvider: false, webgpuAdapter: true }).attempts).toEqual(['webgpu', 'cpu']);
    expect(planDevice('auto', { cudaProvider: false }).attempts).toEqual(['cpu']);
    const plan = planDevice('auto', { cudaProvider: false, webgpuAdapter: false });
    expect(plan.attempts).toEqual(['cpu']);
    expect(plan.note).toMatch(/no GPU found.*using cpu/);
  });

  it('describes GPU providers that failed to start', () => {
    expect(fallbackNote([], 'cpu')).toBeUndefined();
    expect(fallbackNote([{ device: 'cuda', error: 'libcudart.so.12: cannot open\nmore' }], 'cpu')).toBe(
      'cuda failed (libcudart.so.12: cannot open); using cpu',
    );
  });
});
