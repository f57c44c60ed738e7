// Creates an untrained senti model artifact (random head) from an encoder directory, for benchmarks.
import { createHead, loadEncoder, saveModel, selectBackend, type Dtype } from '@senti/model';
import { parseOptions, userPath, type BenchCommand } from './bench-command.js';

const usage = `usage: pnpm --filter @senti/bench start -- make-model --encoder DIR --out DIR [options]
Writes an untrained model directory (random head, seeded) over the encoder in DIR, for the server benchmark.
  --encoder DIR      encoder directory (Hugging Face layout with onnx/)                                 (required)
  --out DIR          where to write the model                                                           (required)
  --dtype NAME       fp32, int8 or q8                                                                       [fp32]
  --labels LIST      label names                                                               [negative,positive]
  --max-length N     padding length recorded in the model                                                    [32]
  --seed N           head initialisation seed                                                              [2021]
`;

/** `make-model` subcommand. */
export const command: BenchCommand = {
  usage,
  async run(args) {
    const values = parseOptions(
      args,
      {
        encoder: { type: 'string' },
        out: { type: 'string' },
        dtype: { type: 'string', default: 'fp32' },
        labels: { type: 'string', default: 'negative,positive' },
        'max-length': { type: 'string', default: '32' },
        seed: { type: 'string', default: '2021' },
      },
      usage,
    );
    if (values.encoder === undefined || values.out === undefined) {
      process.stderr.write(`make-model needs --encoder DIR and --out DIR\n\n${usage}`);
      process.exit(2);
    }
    const encoderDir = userPath(values.encoder as string);
    const out = userPath(values.out as string);
    const labelNames = (values.labels as string)
      .split(',')
      .map((label) => label.trim())
      .filter((label) => label !== '');

    await selectBackend({ device: 'cpu' }); // createHead needs a tfjs backend
    const encoder = await loadEncoder({
      model: encoderDir,
      dtype: values.dtype as Dtype,
      offline: true,
      device: 'cpu',
    });
    try {
      const head = createHead(
        { inputSize: encoder.info.hiddenSize, numClasses: labelNames.length },
        { seed: Number(values.seed) },
      );
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
    console.log(
      `wrote untrained model (${encoder.info.dtype}, hidden ${encoder.info.hiddenSize}, labels ${labelNames.join(', ')}) to ${out}`,
    );
  },
};
