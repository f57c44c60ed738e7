// Seconds per training step (forward, autograd backward, AdamW) of k BERT-base-shaped layers + head on random
// states (SENTI_TF_BACKEND forces a tfjs backend). CPU seconds are reported too: on a shared machine they say more than wall time.
import * as tf from '@tensorflow/tfjs-core';
import { createHead, selectBackend } from '@senti/model';
import { BertTopLayers, topLayerNames, expectedShape, type BertConfig } from '@senti/model/layers';
import { loadGradients, unfrozenLossAndGradients } from '@senti/train/internals';
import { AdamW } from '@senti/train';
import { parseOptions, type BenchCommand } from './bench-command.js';

const USAGE = `Usage: pnpm --filter @senti/bench start -- unfreeze-step [--layers 1] [--batch 32] [--sequence 20] [--steps 5]

Seconds (wall and CPU) per training step of the top k unfrozen BERT-base-shaped layers plus the head, on random
layer states: forward, autograd backward, grouped AdamW. Prints one JSON line.
  --layers N     unfrozen layers (default 1)
  --batch N      texts per step (default 32)
  --sequence N   tokens per text (default 20)
  --steps N      timed steps after one warm-up step (default 5)`;

export const command: BenchCommand = {
  usage: USAGE,
  async run(args) {
    const values = parseOptions(
      args,
      {
        layers: { type: 'string', default: '1' },
        batch: { type: 'string', default: '32' },
        sequence: { type: 'string', default: '20' },
        steps: { type: 'string', default: '5' },
      },
      USAGE,
    );
    const count = Number(values.layers);
    const batch = Number(values.batch);
    const sequence = Number(values.sequence);
    const config: BertConfig = {
      hiddenSize: 768,
      numAttentionHeads: 12,
      intermediateSize: 3072,
      numHiddenLayers: 12,
      layerNormEps: 1e-12,
    };
    const choice = await selectBackend({ device: 'auto' });
    await loadGradients();
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.04;
    const parameters = topLayerNames(config, count, false).map((name) => {
      const shape = expectedShape(name, config)!;
      const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () =>
        name.includes('LayerNorm.weight') ? 1 : random(),
      );
      return { name, shape, values };
    });
    const layers = new BertTopLayers(config, { firstLayer: 12 - count, count, parameters }, 'cls');
    const head = createHead({ inputSize: 768, numClasses: 2 });
    const optimizer = new AdamW([
      { variables: [...layers.variables, ...head.variables], learningRate: 2e-5, weightDecay: 0.01 },
    ]);
    const states = tf.randomNormal([batch * sequence, 768]) as tf.Tensor2D;
    const mask = tf.ones([batch, sequence], 'int32') as tf.Tensor2D;
    const targets = tf.tensor2d(
      Float32Array.from({ length: batch * 2 }, (_, i) => (i % 2 === Math.floor(i / 2) % 2 ? 1 : 0)),
      [batch, 2],
    );
    const times: number[] = [];
    const cpuTimes: number[] = [];
    for (let step = 0; step < Number(values.steps) + 1; step += 1) {
      const started = performance.now();
      const cpuStarted = process.cpuUsage();
      const loss = tf.tidy(() => {
        const { loss, gradients } = unfrozenLossAndGradients(layers, head, states, mask, targets, step + 1);
        optimizer.apply(gradients, 1);
        return loss;
      });
      await loss.data();
      loss.dispose();
      if (step > 0) {
        times.push((performance.now() - started) / 1000);
        const cpu = process.cpuUsage(cpuStarted);
        cpuTimes.push((cpu.user + cpu.system) / 1e6);
      }
    }
    times.sort((a, b) => a - b);
    cpuTimes.sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        backend: tf.getBackend(),
        tried: choice.tried.length,
        layers: count,
        batch,
        sequence,
        stepSeconds: { median: times[Math.floor(times.length / 2)], min: times[0] },
        stepCpuSeconds: { median: cpuTimes[Math.floor(cpuTimes.length / 2)], min: cpuTimes[0] },
      }),
    );
  },
};
