// Where a head-training step's time goes: batch assembly, forward + backward, clipping + AdamW, loss sum, timed
// phase by phase on the same calls StepRunner.step makes (wasm and cpu run synchronously, so wall time per phase
// is exact), then per tfjs kernel with tf.profile (which adds overhead to every kernel: read that table for shares,
// not absolute times).
import * as tf from '@tensorflow/tfjs-core';
import { seededRandom } from '@senti/base';
import { createHead, selectBackend } from '@senti/model';
import { AdamW } from '@senti/train';
import { gradientNormCoefficient, lossAndGradients, TransposedHead, weightedOneHot } from '@senti/train/internals';
import { parseOptions, type BenchCommand } from './bench-command.js';

const usage = `usage: pnpm --filter @senti/bench start -- head-profile [options]
Per-phase wall time of head-training steps (768 -> 512 -> 2) and a per-kernel table under tf.profile (shares, not
absolute times); prints JSON. On WebGPU in Node kernels are asynchronous: use the head subcommand there.
  --backend NAME     tfjs backend (wasm, cpu, ...)                                [best available, as senti picks]
  --steps N          timed steps                                                                             [300]
  --batch N          batch size                                                                               [32]
  --layout NAME      transposed (what training uses) or head (the plain layer layout)               [transposed]
`;

/** `head-profile` subcommand. */
export const command: BenchCommand = {
  usage,
  async run(args) {
    const values = parseOptions(
      args,
      {
        backend: { type: 'string' },
        steps: { type: 'string', default: '300' },
        batch: { type: 'string', default: '32' },
        layout: { type: 'string', default: 'transposed' },
      },
      usage,
    );
    await profile(values as { backend?: string; steps: string; batch: string; layout: string });
  },
};

async function profile(values: { backend?: string; steps: string; batch: string; layout: string }): Promise<void> {
  if (values.backend !== undefined) process.env.SENTI_TF_BACKEND = values.backend;
  await selectBackend({ device: 'auto' });
  const steps = Number(values.steps);
  const batchSize = Number(values.batch);
  const inputSize = 768;
  const rows = 4096;
  const random = seededRandom(1);
  const features = Float32Array.from({ length: rows * inputSize }, () => random() * 2 - 1);
  const targets = weightedOneHot(
    Array.from({ length: rows }, (_, index) => index % 2),
    [1, 1],
  );
  const head = createHead({ inputSize, numClasses: 2 }, { seed: 1 });
  const transposed = values.layout === 'transposed' ? new TransposedHead(head) : undefined;
  const optimizer = new AdamW(transposed?.variables ?? head.variables, { learningRate: 1e-3 });
  const lossSum = tf.variable(tf.scalar(0), false);
  const x = new Float32Array(batchSize * inputSize);
  const t = new Float32Array(batchSize * 2);

  const CLIP_ALONE = 'of which clipping (squares, norm, coefficient; timed apart)';

  /** One training step; `lap(name)` is called after each phase (and, when `measureClip`, the clip part is timed apart). */
  function step(index: number, lap: (phase: string) => void, measureClip = false): void {
    tf.tidy(() => {
      for (let row = 0; row < batchSize; row += 1) {
        const source = (index * 31 + row * 97) % rows;
        x.set(features.subarray(source * inputSize, (source + 1) * inputSize), row * inputSize);
        t.set(targets.subarray(source * 2, source * 2 + 2), row * 2);
      }
      const xs = tf.tensor2d(x, [batchSize, inputSize]);
      const ts = tf.tensor2d(t, [batchSize, 2]);
      lap('batch assembly');
      const { loss, gradients } = transposed?.lossAndGradients(xs, ts, index) ?? lossAndGradients(head, xs, ts, index);
      lap('forward + backward');
      if (measureClip) {
        lap('clipping + AdamW');
        tf.tidy(() => {
          // Synchronous on purpose: this profiler times phases on wasm/cpu, whose kernels run synchronously; the read
          // only makes sure the clip is computed inside its lap. (On WebGPU in Node dataSync throws: use the head subcommand.)
          gradientNormCoefficient(
            gradients.map((gradient) => tf.square(gradient)),
            1,
          ).dataSync();
        });
        lap(CLIP_ALONE);
      }
      optimizer.apply(gradients, 1);
      lap('clipping + AdamW');
      lossSum.assign(tf.add(lossSum, loss));
      lap('loss sum');
    });
  }

  for (let index = 0; index < 30; index += 1) step(index, () => {});
  const phases = new Map<string, number>();
  let stepMs = 0;
  for (let index = 0; index < steps; index += 1) {
    let now = performance.now();
    step(
      index,
      (phase) => {
        const time = performance.now();
        phases.set(phase, (phases.get(phase) ?? 0) + time - now);
        if (phase !== CLIP_ALONE) stepMs += time - now;
        now = time;
      },
      index % 2 === 1,
    );
  }
  const kernels = new Map<string, { ms: number; calls: number }>();
  const profiled = Math.min(50, steps);
  for (let index = 0; index < profiled; index += 1) {
    const info = await tf.profile(() => step(index, () => {}));
    for (const kernel of info.kernels) {
      const entry = kernels.get(kernel.name) ?? { ms: 0, calls: 0 };
      entry.ms += kernel.kernelTimeMs as number;
      entry.calls += 1;
      kernels.set(kernel.name, entry);
    }
  }
  const perStep = (ms: number, count = steps) => Math.round((ms / count) * 1000);
  console.log(
    JSON.stringify(
      {
        tfBackend: tf.getBackend(),
        layout: values.layout,
        batchSize,
        steps,
        samplesPerSecond: Math.round((batchSize * steps) / (stepMs / 1000)),
        microsecondsPerStep: {
          total: perStep(stepMs),
          ...Object.fromEntries(
            [...phases].map(([phase, ms]) => [phase, perStep(ms, phase === CLIP_ALONE ? steps / 2 : steps)]),
          ),
        },
        kernelMicrosecondsPerStepUnderTfProfile: Object.fromEntries(
          [...kernels]
            .sort((a, b) => b[1].ms - a[1].ms)
            .map(([name, { ms, calls }]) => [`${name} x${calls / profiled}`, perStep(ms, profiled)]),
        ),
      },
      null,
      1,
    ),
  );
}
