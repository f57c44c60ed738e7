import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadEncoder, ONNX_FILES, sessionOptions, type Dtype } from '@senti/model';
import { rawOnnxThroughput } from './raw-onnx.js';
import { readSentences } from './read-sentences.js';

// `pnpm start -- --model DIR` passes the `--` through; drop it so the options parse.
const args = process.argv.slice(2);
const { values } = parseArgs({
  args: args[0] === '--' ? args.slice(1) : args,
  options: {
    model: { type: 'string', default: '/tmp/bert-base-random' },
    data: { type: 'string', default: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/datasets/sst2-train.csv') },
    count: { type: 'string', default: '2000' },
    'batch-size': { type: 'string', default: '32' },
    'max-length': { type: 'string', default: '64' },
    'raw-batches': { type: 'string', default: '16' },
    dtypes: { type: 'string', default: 'fp32,q8' },
  },
  allowPositionals: true,
});
const model = path.resolve(values.model!);
const batchSize = Number(values['batch-size']);
const maxLength = Number(values['max-length']);
const rawBatches = Number(values['raw-batches']);
const texts = await readSentences(values.data!, Number(values.count));
console.log(`model ${model}; ${texts.length} sentences from ${values.data}; batch ${batchSize}; maxLength ${maxLength}`);
console.log('(shared 2-core machine: figures are noisy; each row below was measured in this same run)\n');

const rows: string[][] = [['dtype', 'route', 'sentences/s', 'seconds', 'notes']];
for (const dtype of values.dtypes!.split(',') as Dtype[]) {
  const encoder = await loadEncoder({ model, dtype, device: 'cpu', offline: true });
  const lengths = encoder.tokenizer.tokenLengths(texts).map((length) => Math.min(length, maxLength));
  await encoder.encode(texts.slice(0, batchSize), { maxLength, batchSize }); // warm-up
  const start = performance.now();
  await encoder.encode(texts, { maxLength, batchSize });
  const seconds = (performance.now() - start) / 1000;
  const meanTokens = lengths.reduce((sum, length) => sum + length, 0) / lengths.length;
  rows.push([dtype, 'senti encode (sorted, dynamic padding)', (texts.length / seconds).toFixed(1), seconds.toFixed(1), `mean ${meanTokens.toFixed(1)} tokens/sentence`]);
  await encoder.dispose();
  const file = path.join(model, 'onnx', ONNX_FILES[dtype]);
  for (const [label, options] of [['raw ORT, senti session options', sessionOptions('cpu')], ['raw ORT, default session options', {}]] as const) {
    const rate = await rawOnnxThroughput(file, { batchSize, tokens: 32, batches: rawBatches, sessionOptions: options as never });
    rows.push([dtype, `${label}, fixed 32 tokens`, rate.toFixed(1), ((rawBatches * batchSize) / rate).toFixed(1), `${rawBatches} batches`]);
  }
}
const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  '));
