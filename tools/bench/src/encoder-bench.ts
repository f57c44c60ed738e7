// Encoder throughput: senti's length-sorted, dynamically padded encode (fp32 and q8) against raw ONNX Runtime on
// fixed 32-token batches, with senti's and with default session options, all in the same run.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEncoder, type Dtype, sessionOptions } from '@senti/model';
import { ONNX_FILES } from '@senti/model/internals';
import { parseOptions, userPath, type BenchCommand } from './bench-command.js';
import { firstSentences } from './datasets.js';
import { formatTable } from './format-table.js';
import { rawOnnxThroughput } from './raw-onnx.js';

const defaultData = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../shared/datasets/sst2-train.csv',
);

const usage = `usage: pnpm --filter @senti/bench start -- encoder [options]
Encoder sentences/s, each row measured in this same run: senti's encode (texts sorted by token length, each batch
padded to its longest) per dtype, then a bare ONNX Runtime session on fixed 32-token batches (senti's session
options and ONNX Runtime's defaults).
  --model DIR         BERT-base-shaped model dir (../shared/tools/make-bert-base-random DIR)   [/tmp/bert-base-random]
  --data CSV          sentences to encode ("sentence" or "text" column)        [../shared/datasets/sst2-train.csv]
  --count N           first N sentences                                                                   [2000]
  --batch-size N      encoder batch size                                                                    [32]
  --max-length N      truncation length                                                                     [64]
  --raw-batches N     batches for each raw ONNX Runtime row                                                 [16]
  --dtypes LIST       fp32,q8 (or one of them)                                                         [fp32,q8]
`;

/** `encoder` subcommand. */
export const command: BenchCommand = {
  usage,
  async run(args) {
    const values = parseOptions(
      args,
      {
        model: { type: 'string', default: '/tmp/bert-base-random' },
        data: { type: 'string', default: defaultData },
        count: { type: 'string', default: '2000' },
        'batch-size': { type: 'string', default: '32' },
        'max-length': { type: 'string', default: '64' },
        'raw-batches': { type: 'string', default: '16' },
        dtypes: { type: 'string', default: 'fp32,q8' },
      },
      usage,
    );
    const model = userPath(values.model as string);
    const data = userPath(values.data as string);
    const batchSize = Number(values['batch-size']);
    const maxLength = Number(values['max-length']);
    const rawBatches = Number(values['raw-batches']);
    const texts = await firstSentences(data, Number(values.count));
    console.log(`model ${model}; ${texts.length} sentences from ${data}; batch ${batchSize}; maxLength ${maxLength}`);
    console.log('(figures are noisy on a shared machine; each row below was measured in this same run)\n');

    const rows: string[][] = [];
    for (const dtype of (values.dtypes as string).split(',') as Dtype[]) {
      const encoder = await loadEncoder({ model, dtype, device: 'cpu', offline: true });
      const lengths = encoder.tokenizer.tokenLengths(texts).map((length) => Math.min(length, maxLength));
      await encoder.encode(texts.slice(0, batchSize), { maxLength, batchSize }); // warm-up
      const start = performance.now();
      await encoder.encode(texts, { maxLength, batchSize });
      const seconds = (performance.now() - start) / 1000;
      const meanTokens = lengths.reduce((sum, length) => sum + length, 0) / lengths.length;
      rows.push([
        dtype,
        'senti encode (sorted, dynamic padding)',
        (texts.length / seconds).toFixed(1),
        seconds.toFixed(1),
        `mean ${meanTokens.toFixed(1)} tokens/sentence`,
      ]);
      await encoder.dispose();
      const file = path.join(model, 'onnx', ONNX_FILES[dtype]);
      for (const [label, options] of [
        ['raw ORT, senti session options', sessionOptions('cpu')],
        ['raw ORT, default session options', {}],
      ] as const) {
        const rate = await rawOnnxThroughput(file, {
          batchSize,
          tokens: 32,
          batches: rawBatches,
          sessionOptions: options as never,
        });
        rows.push([
          dtype,
          `${label}, fixed 32 tokens`,
          rate.toFixed(1),
          ((rawBatches * batchSize) / rate).toFixed(1),
          `${rawBatches} batches`,
        ]);
      }
    }
    console.log(formatTable(['dtype', 'route', 'sentences/s', 'seconds', 'notes'], rows));
  },
};
