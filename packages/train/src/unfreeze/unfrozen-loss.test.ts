import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { ClassificationHead, selectBackend } from '@senti/model';
import { BertTopLayers, isDenseWeight, loadTopLayerWeights, readBertConfig, transpose } from '@senti/model/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { weightedOneHot } from '../weighted-nll.js';
import { loadGradients } from './load-gradients.js';
import { unfrozenLossAndGradients } from './unfrozen-loss.js';
import { maxAbsDifference, readLayerGradsFixture, type FixtureTensor } from '../testing/unfreeze-fixtures.js';

const TINY_BERT = fileURLToPath(new URL('../../../../fixtures/tiny-bert', import.meta.url));
const fixture = readLayerGradsFixture();
const batch = fixture.input_ids.length;
const sequence = fixture.max_length;

beforeAll(async () => {
  await selectBackend({ device: 'cpu' });
  await loadGradients();
});

/** The fixture's initial head weights in senti's layout (w1 [in, hidden], b1, w2 [hidden, classes], b2). */
function fixtureHead(inputSize: number): ClassificationHead {
  const w = fixture.head_weights;
  const asSenti = (tensor: FixtureTensor) =>
    transpose({ shape: tensor.shape, values: Float32Array.from(tensor.values) }).values;
  const numClasses = fixture.class_weights.length;
  return new ClassificationHead({ inputSize, hiddenSize: fixture.head_hidden_size, numClasses, dropout: 0 }, [
    asSenti(w['fc1.weight']),
    Float32Array.from(w['fc1.bias'].values),
    asSenti(w['fc2.weight']),
    Float32Array.from(w['fc2.bias'].values),
  ]);
}

describe('unfrozenLossAndGradients against PyTorch autograd (float64 reference, dropout off)', () => {
  for (const count of [1, 2]) {
    it(`unfreeze ${count}: loss and the gradient of every trained tensor within 1e-4`, async () => {
      const config = await readBertConfig(TINY_BERT);
      const layers = new BertTopLayers(config, await loadTopLayerWeights(TINY_BERT, config, count, true), 'pooler');
      const head = fixtureHead(config.hiddenSize);
      const before = tf.memory().numTensors;
      const [loss, ...gradients] = tf.tidy(() => {
        const result = unfrozenLossAndGradients(
          layers,
          head,
          tf.tensor2d(fixture.states[config.numHiddenLayers - count]!, [batch * sequence, config.hiddenSize]),
          tf.tensor2d(fixture.attention_mask.flat(), [batch, sequence], 'int32'),
          tf.tensor2d(weightedOneHot(fixture.labels, fixture.class_weights), [batch, fixture.class_weights.length]),
        );
        return [result.loss, ...result.gradients];
      }) as [tf.Scalar, ...tf.Tensor[]];
      expect(Math.abs((await loss.data())[0]! - fixture.loss)).toBeLessThan(1e-4);
      const headNames = ['head.fc1.weight', 'head.fc1.bias', 'head.fc2.weight', 'head.fc2.bias'];
      const names = [...layers.names, ...headNames];
      expect(names.length).toBe(count * 16 + 2 + 4);
      let worst = 0;
      for (const [index, name] of names.entries()) {
        const expected = fixture.gradients[name]!;
        const values = (await gradients[index]!.data()) as Float32Array;
        const torchLayout = isDenseWeight(name)
          ? transpose({ shape: [...gradients[index]!.shape], values }).values
          : values;
        const difference = maxAbsDifference(torchLayout, expected.values);
        expect(difference, name).toBeLessThan(1e-4);
        worst = Math.max(worst, difference);
      }
      // Sanity: the gradients are not all tiny (a zero gradient would pass a loose tolerance trivially).
      expect(
        Math.max(...Object.values(fixture.gradients).map((g) => Math.max(...g.values.map(Math.abs)))),
      ).toBeGreaterThan(1e-2);
      tf.dispose([loss, ...gradients]);
      expect(tf.memory().numTensors).toBe(before);
      layers.dispose();
      head.dispose();
    });
  }
});
