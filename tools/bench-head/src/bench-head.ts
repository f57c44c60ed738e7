// Head-training throughput: random features, the tutorial's head (768 -> 512 -> 2), batch 32, AdamW + clipping.
// Usage: pnpm --filter @senti/bench-head start -- [--backend wasm|cpu|...] [--samples 20000] [--epochs 2]
//        [--input 768] [--classes 2] [--batch 32]
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { seededRandom, selectBackend } from '@senti/model';
import { train } from '@senti/train';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    backend: { type: 'string' },
    samples: { type: 'string', default: '20000' },
    epochs: { type: 'string', default: '2' },
    input: { type: 'string', default: '768' },
    classes: { type: 'string', default: '2' },
    batch: { type: 'string', default: '32' },
  },
});
if (values.backend !== undefined) process.env.SENTI_TF_BACKEND = values.backend;
const samples = Number(values.samples);
const epochs = Number(values.epochs);
const inputSize = Number(values.input);
const numClasses = Number(values.classes);
const batchSize = Number(values.batch);

const backend = await selectBackend({ device: 'auto' });
const random = seededRandom(1);
const features = Float32Array.from({ length: samples * inputSize }, () => random() * 2 - 1);
const labels = Array.from({ length: samples }, (_, index) => index % numClasses);
const valRows = Math.min(1000, samples);
const split = { features, labels };
const val = { features: features.subarray(0, valRows * inputSize), labels: labels.slice(0, valRows) };

const epochSeconds: number[] = [];
const result = await train({
  train: split, val, inputSize, numClasses, epochs, batchSize, seed: 1,
  onEvent: (event) => {
    if (event.type === 'epoch') epochSeconds.push(event.elapsedMs);
  },
});
const perEpoch = result.history.map((record) => record.seconds);
const best = Math.min(...perEpoch);
const report = {
  backend: backend.name,
  tfBackend: tf.getBackend(),
  samples, epochs, inputSize, hidden: 512, numClasses, batchSize,
  epochSeconds: perEpoch.map((seconds) => Number(seconds.toFixed(3))),
  samplesPerSecondBestEpoch: Math.round(samples / best),
  samplesPerSecondOverall: Math.round((samples * epochs) / perEpoch.reduce((a, b) => a + b, 0)),
};
console.log(JSON.stringify(report));
result.head.dispose();
