import { describe, expect, it } from 'vitest';
import type { Prediction } from '../artifact/predictions.js';
import { Predictor, type PredictorModel } from './predictor.js';
import { publicEncoderName } from './served-model-info.js';

/** A small deterministic model (positive probability grows with text length) that records every batch it sees. */
function lengthModel() {
  const batches: string[][] = [];
  let disposed = false;
  const model: PredictorModel = {
    info: {
      id: 'length000001',
      source: 'senti',
      createdAt: '2024-01-01T00:00:00.000Z',
      encoder: { model: 'length-encoder', fileHash: 'abc', dtype: 'fp32', pooling: 'cls', hiddenSize: 4 },
      maxLength: 16,
      labels: ['negative', 'positive'],
      versions: {},
    },
    async predict(texts) {
      batches.push([...texts]);
      return texts.map((text): Prediction => {
        const positive = Math.min(0.99, text.length / 100);
        const labelIndex = positive > 0.5 ? 1 : 0;
        return {
          label: labelIndex === 1 ? 'positive' : 'negative',
          labelIndex,
          score: Math.max(positive, 1 - positive),
          probabilities: { negative: 1 - positive, positive },
        };
      });
    },
    async dispose() {
      disposed = true;
    },
  };
  return { model, batches, isDisposed: () => disposed };
}

describe('Predictor', () => {
  it('names encoders without local paths', () => {
    expect(publicEncoderName('Xenova/bert-base-uncased')).toBe('Xenova/bert-base-uncased');
    expect(publicEncoderName('/home/me/models/tiny-bert/')).toBe('tiny-bert');
    expect(publicEncoderName('./models/tiny-bert')).toBe('tiny-bert');
  });

  it('warms up before reporting ready, and refuses work after close', async () => {
    const fake = lengthModel();
    const host = new Predictor({ loadModel: async () => fake.model, maxBatchSize: 4, maxWaitMs: 0 });
    expect(host.state).toBe('loading');
    await host.ready;
    expect(host.state).toBe('ready');
    expect(fake.batches).toEqual([['warm-up']]);
    await expect(host.predict(['a', 'b'])).resolves.toMatchObject([{ label: 'negative' }, { label: 'negative' }]);
    await host.close();
    expect(host.state).toBe('closed');
    expect(fake.isDisposed()).toBe(true);
    await expect(host.predict(['a'])).rejects.toMatchObject({ code: 'MODEL_CLOSING' });
  });

  it('disposes a model that finishes loading after close', async () => {
    const fake = lengthModel();
    let release!: () => void;
    const host = new Predictor({
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
