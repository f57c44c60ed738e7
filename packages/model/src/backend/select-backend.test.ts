import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { selectBackend } from './select-backend.js';

describe('selectBackend (real backends on this machine)', () => {
  const saved = process.env.SENTI_TF_BACKEND;
  afterEach(() => {
    if (saved === undefined) delete process.env.SENTI_TF_BACKEND;
    else process.env.SENTI_TF_BACKEND = saved;
  });

  it('falls back to wasm on device cpu, reporting why tfjs-node was skipped', async () => {
    delete process.env.SENTI_TF_BACKEND;
    const choice = await selectBackend({ device: 'cpu' });
    expect(choice.name).toBe('wasm');
    expect(choice.gpu).toBe(false);
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.tried[0]).toMatchObject({ name: 'tensorflow' });
    expect(choice.tried[0]!.error).toMatch(/tfjs-node/);
    expect(Array.from(tf.add(tf.scalar(1), tf.scalar(2)).dataSync())).toEqual([3]);
    expect(await selectBackend({ device: 'cpu' })).toBe(choice);
  });

  it('can be forced to the cpu backend with SENTI_TF_BACKEND', async () => {
    process.env.SENTI_TF_BACKEND = 'cpu';
    const choice = await selectBackend({ device: 'cpu' });
    expect(choice).toEqual({ name: 'cpu', gpu: false, tried: [{ name: 'cpu' }] });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('on auto, reports CUDA, tfjs-node and WebGPU as unavailable here and lands on wasm', async () => {
    delete process.env.SENTI_TF_BACKEND;
    const choice = await selectBackend({ device: 'auto' });
    expect(choice.name).toBe('wasm');
    expect(choice.tried.map((entry) => entry.name)).toEqual(['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm']);
    expect(choice.tried[2]!.error).toMatch(/WebGPU|webgpu/);
  });
});
