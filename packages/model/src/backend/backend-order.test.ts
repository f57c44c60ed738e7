import { describe, expect, it } from 'vitest';
import type { BackendName } from './backend-choice.js';
import { backendOrder, decideBackend } from './backend-order.js';

/** A fake probe: the named backends work, the rest fail with a reason. */
function fakeProbe(working: readonly BackendName[]) {
  const calls: BackendName[] = [];
  const probe = async (name: BackendName) => {
    calls.push(name);
    return working.includes(name) ? undefined : `${name} unavailable`;
  };
  return { probe, calls };
}

describe('backendOrder', () => {
  it('tries CUDA, tensorflow, WebGPU, wasm, cpu for auto', () => {
    expect(backendOrder('auto')).toEqual(['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu']);
  });
  it('never lists a GPU backend for device cpu', () => {
    expect(backendOrder('cpu')).toEqual(['tensorflow', 'wasm', 'cpu']);
  });
  it('puts GPU backends first for device gpu', () => {
    expect(backendOrder('gpu')).toEqual(['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu']);
  });
  it('honours a forced backend and rejects unknown or contradictory ones', () => {
    expect(backendOrder('auto', 'wasm')).toEqual(['wasm']);
    expect(() => backendOrder('auto', 'tpu')).toThrow(/SENTI_TF_BACKEND="tpu" is not a tfjs backend/);
    expect(() => backendOrder('cpu', 'webgpu')).toThrow(/GPU backend but the device is "cpu"/);
  });
});

describe('decideBackend', () => {
  it('picks the first working backend and records why earlier ones failed', async () => {
    const { probe, calls } = fakeProbe(['webgpu', 'wasm', 'cpu']);
    const choice = await decideBackend(backendOrder('auto'), probe);
    expect(choice).toEqual({
      name: 'webgpu',
      gpu: true,
      tried: [
        { name: 'tensorflow-gpu', error: 'tensorflow-gpu unavailable' },
        { name: 'tensorflow', error: 'tensorflow unavailable' },
        { name: 'webgpu' },
      ],
    });
    expect(calls).toEqual(['tensorflow-gpu', 'tensorflow', 'webgpu']);
  });
  it('falls back to wasm without a GPU, and to cpu when wasm fails', async () => {
    expect((await decideBackend(backendOrder('auto'), fakeProbe(['wasm', 'cpu']).probe)).name).toBe('wasm');
    const cpu = await decideBackend(backendOrder('cpu'), fakeProbe(['cpu', 'webgpu']).probe);
    expect(cpu).toMatchObject({ name: 'cpu', gpu: false });
    expect(cpu.tried.map((entry) => entry.name)).toEqual(['tensorflow', 'wasm', 'cpu']);
  });
  it('prefers tensorflow (CPU) over WebGPU for auto but not for gpu', async () => {
    expect((await decideBackend(backendOrder('auto'), fakeProbe(['tensorflow', 'webgpu']).probe)).name).toBe(
      'tensorflow',
    );
    expect((await decideBackend(backendOrder('gpu'), fakeProbe(['tensorflow', 'webgpu']).probe)).name).toBe('webgpu');
  });
  it('turns a throwing probe into a reason and fails when nothing works', async () => {
    const probe = async (name: BackendName): Promise<string | undefined> => {
      throw new Error(`${name} exploded\nstack`);
    };
    await expect(decideBackend(['wasm', 'cpu'], probe)).rejects.toThrow(
      /no TensorFlow.js backend could be started \(wasm: wasm exploded; cpu: cpu exploded\)/,
    );
  });
});
