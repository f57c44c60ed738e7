// Creates an untrained senti model artifact (random head) from an encoder directory, for benchmarks.
// Usage: pnpm --filter @senti/bench-server make-model --encoder DIR --out DIR [--dtype fp32|q8] [--labels a,b] [--max-length 32]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createHead, loadEncoder, selectBackend, saveModel, type Dtype } from '@senti/model';

const { values } = parseArgs({
  options: {
    encoder: { type: 'string' },
    out: { type: 'string' },
    dtype: { type: 'string', default: 'fp32' },
    labels: { type: 'string', default: 'negative,positive' },
    'max-length': { type: 'string', default: '32' },
    seed: { type: 'string', default: '2021' },
  },
});
if (values.encoder === undefined || values.out === undefined) {
  process.stderr.write('usage: make-model --encoder DIR --out DIR [--dtype fp32|q8] [--labels a,b] [--max-length 32]\n');
  process.exit(2);
}
const cwd = process.env.INIT_CWD || process.cwd();
const encoderDir = resolve(cwd, values.encoder);
const out = resolve(cwd, values.out);
const labelNames = values.labels.split(',').map((label) => label.trim()).filter((label) => label !== '');

await selectBackend({ device: 'cpu' }); // createHead needs a tfjs backend
const encoder = await loadEncoder({ model: encoderDir, dtype: values.dtype as Dtype, offline: true, device: 'cpu' });
try {
  const head = createHead({ inputSize: encoder.info.hiddenSize, numClasses: labelNames.length }, { seed: Number(values.seed) });
  await saveModel(out, {
    head,
    encoder: { ...encoder.info, path: encoderDir },
    maxLength: Number(values['max-length']),
    labelNames,
    metrics: { note: 'untrained head, for benchmarks only' },
  });
  head.dispose();
} finally {
  await encoder.dispose();
}
process.stdout.write(`wrote untrained model (${encoder.info.dtype}, hidden ${encoder.info.hiddenSize}, labels ${labelNames.join(', ')}) to ${out}\n`);
