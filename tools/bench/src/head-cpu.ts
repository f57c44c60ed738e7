// Head-training steps timed by this process's CPU time as well as wall time: on a machine shared with other jobs the
// wall clock measures the neighbours, CPU seconds (user + sys) measure the work. Same step as train() (StepRunner over
// a TransposedHead, AdamW with clipping), random features, 768 -> 512 -> 2.
// Usage: pnpm --filter @senti/bench start -- head-cpu [--backend wasm] [--steps 1500] [--batch 32] [--repeats 3]
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { seededRandom } from '@senti/base';
import { createHead, selectBackend } from '@senti/model';
import { AdamW } from '@senti/train';
import { StepRunner, TransposedHead } from '@senti/train/internals';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    backend: { type: 'string' },
    steps: { type: 'string', default: '1500' },
    batch: { type: 'string', default: '32' },
    repeats: { type: 'string', default: '3' },
  },
});
if (values.backend !== undefined) process.env.SENTI_TF_BACKEND = values.backend;
await selectBackend({ device: 'auto' });
const steps = Number(values.steps);
const batchSize = Number(values.batch);
const inputSize = 768;
const rows = 8192;
const random = seededRandom(1);
const features = Float32Array.from({ length: rows * inputSize }, () => random() * 2 - 1);
const labels = Array.from({ length: rows }, (_, index) => index % 2);
const head = createHead({ inputSize, numClasses: 2 }, { seed: 1 });
const transposed = new TransposedHead(head);
const optimizer = new AdamW(transposed.variables, { learningRate: 1e-3 });
const runner = new StepRunner(transposed, optimizer, { features, labels }, [1, 1], 1);
const order = Int32Array.from({ length: rows }, (_, index) => (index * 7919) % rows);
const batches = Math.floor(rows / batchSize);
const run = async (count: number) => {
  for (let step = 0; step < count; step += 1) {
    const start = (step % batches) * batchSize;
    await runner.step(order.subarray(start, start + batchSize), step, false);
  }
  await runner.readLossSum();
};
await run(100);
const results = [];
for (let repeat = 0; repeat < Number(values.repeats); repeat += 1) {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  await run(steps);
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  const wallSeconds = (performance.now() - wall) / 1000;
  results.push({
    samplesPerCpuSecond: Math.round((steps * batchSize) / cpuSeconds),
    samplesPerWallSecond: Math.round((steps * batchSize) / wallSeconds),
  });
}
console.log(JSON.stringify({ tfBackend: tf.getBackend(), batchSize, steps, results }));
runner.dispose();
optimizer.dispose();
transposed.dispose();
head.dispose();
