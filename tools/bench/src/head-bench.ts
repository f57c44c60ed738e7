// Head-training throughput: random features, the tutorial's head (768 -> 512 -> 2), batch 32, AdamW + clipping.
import * as tf from '@tensorflow/tfjs-core';
import { seededRandom } from '@senti/base';
import { selectBackend } from '@senti/model';
import { train } from '@senti/train';
import { parseOptions, type BenchCommand } from './bench-command.js';

const usage = `usage: pnpm --filter @senti/bench start -- head [options]
Head-training samples/s of @senti/train's loop on random features (the tutorial's head, AdamW, clipping, a
1,000-row validation pass per epoch); prints one JSON line.
  --backend NAME   tfjs backend: tensorflow-gpu, tensorflow, webgpu, wasm, cpu      [best available, as senti picks]
  --samples N      training rows                                                                          [20000]
  --epochs N       epochs                                                                                      [2]
  --input N        feature size                                                                              [768]
  --classes N      classes                                                                                     [2]
  --batch N        batch size                                                                                 [32]
`;

/** `head` subcommand. */
export const command: BenchCommand = {
  usage,
  async run(args) {
    const values = parseOptions(
      args,
      {
        backend: { type: 'string' },
        samples: { type: 'string', default: '20000' },
        epochs: { type: 'string', default: '2' },
        input: { type: 'string', default: '768' },
        classes: { type: 'string', default: '2' },
        batch: { type: 'string', default: '32' },
      },
      usage,
    );
    if (values.backend !== undefined) process.env.SENTI_TF_BACKEND = values.backend as string;
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
    const val = { features: features.subarray(0, valRows * inputSize), labels: labels.slice(0, valRows) };

    const result = await train({ train: { features, labels }, val, inputSize, numClasses, epochs, batchSize, seed: 1 });
    const perEpoch = result.history.map((record) => record.seconds);
    const best = perEpoch.reduce((least, value) => Math.min(least, value), Infinity);
    console.log(
      JSON.stringify({
        backend: backend.name,
        tfBackend: tf.getBackend(),
        samples,
        epochs,
        inputSize,
        hidden: 512,
        numClasses,
        batchSize,
        epochSeconds: perEpoch.map((seconds) => Number(seconds.toFixed(3))),
        samplesPerSecondBestEpoch: Math.round(samples / best),
        samplesPerSecondOverall: Math.round((samples * epochs) / perEpoch.reduce((a, b) => a + b, 0)),
      }),
    );
    result.head.dispose();
  },
};
