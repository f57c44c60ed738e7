import { env } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { withTransformersEnv } from './transformers-env.js';

describe('withTransformersEnv', () => {
  it('sets env for the duration of a load and restores it, even on failure', async () => {
    const before = env.allowRemoteModels;
    const seen = await withTransformersEnv({ allowRemoteModels: !before }, async () => env.allowRemoteModels);
    expect(seen).toBe(!before);
    expect(env.allowRemoteModels).toBe(before);
    await expect(
      withTransformersEnv({ allowRemoteModels: !before }, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(env.allowRemoteModels).toBe(before);
  });

  it("serializes concurrent loads so they never see each other's settings", async () => {
    const seen: boolean[] = [];
    const load = (value: boolean) =>
      withTransformersEnv({ allowRemoteModels: value }, async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        seen.push(env.allowRemoteModels === value);
      });
    await Promise.all([load(true), load(false), load(true)]);
    expect(seen).toEqual([true, true, true]);
  });
});
