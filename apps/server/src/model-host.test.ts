import { describe, expect, it } from 'vitest';
import { ModelHost, publicEncoderName } from './model-host.js';
import { fakeModel } from './test-support/fake-model.js';

describe('ModelHost', () => {
  it('names encoders without local paths', () => {
    expect(publicEncoderName('Xenova/bert-base-uncased')).toBe('Xenova/bert-base-uncased');
    expect(publicEncoderName('/home/me/models/tiny-bert/')).toBe('tiny-bert');
    expect(publicEncoderName('./models/tiny-bert')).toBe('tiny-bert');
  });

  it('warms up before reporting ready, and refuses work after close', async () => {
    const fake = fakeModel();
    const host = new ModelHost({ loadModel: async () => fake.model, maxBatchSize: 4, maxWaitMs: 0 });
    expect(host.state).toBe('loading');
    await host.ready;
    expect(host.state).toBe('ready');
    expect(fake.batches).toEqual([['warm-up']]);
    await expect(host.predict(['a', 'b'])).resolves.toMatchObject({ predictions: [{ label: 'negative' }, { label: 'negative' }] });
    await host.close();
    expect(host.state).toBe('closed');
    expect(fake.isDisposed()).toBe(true);
    await expect(host.predict(['a'])).rejects.toMatchObject({ code: 'SERVER_SHUTTING_DOWN' });
  });

  it('disposes a model that finishes loading after close', async () => {
    const fake = fakeModel();
    let release!: () => void;
    const host = new ModelHost({
      loadModel: () => new Promise((resolve) => (release = () => resolve(fake.model))),
      maxBatchSize: 4,
      maxWaitMs: 0,
    });
    const closed = host.close();
    expect(host.state).toBe('closing');
    release();
    await closed;
    expect(fake.isDisposed()).toBe(true);
  });
});
