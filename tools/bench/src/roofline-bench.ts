// The encoder against this machine's int8 roofline: the best MatMulInteger throughput ONNX Runtime reaches here on
// BERT-base's weight shapes (same process, same session options and threads as the encoder), and senti's int8
// `encode` on UCI and SST-2 expressed as effective GOP/s counted from the real token shapes.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEncoder, planLengthBatches, sessionOptions, type LengthBatch } from '@senti/model';
import { resolveEncoderFile } from '@senti/model/internals';
import { encodeOnnxModel, quantizePerTokenParallel, readOnnxModel } from '@senti/onnx';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { chooseMaxLength } from '@senti/train';
import { parseOptions, userPath, type BenchCommand } from './bench-command.js';
import { firstSentences } from './datasets.js';
import { formatTable } from './format-table.js';
import { measureMatMulInteger, type MatMulRate } from './int8-matmul-roofline.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..', '..');
const sharedDatasets = path.resolve(repoRoot, '..', 'shared', 'datasets');

const usage = `usage: pnpm --filter @senti/bench start -- roofline [options]
1. Roofline: the best int8 MatMul throughput ONNX Runtime reaches on this machine, in this process, with the
   encoder's session options and thread count: MatMulInteger(uint8 [tokens, k], int8 [k, n]) for BERT-base's weight
   shapes (768x768, 768x3072, 3072x768), each at several token counts; GOP/s = 2·tokens·k·n / best time.
2. senti's int8 encode (texts sorted by length, padded per batch) on each data set, as effective GOP/s: operations
   counted from the real token shapes (per text: its own tokens through every weight MatMul, plus attention over its
   own length, plus the pooler), and as executed GOP/s (the padded batch shapes ONNX Runtime actually ran).
Each is timed in wall-clock and in process CPU time; with --threads 1 the CPU-time figures are what a quiet core
gives, so compare those on a busy machine (the roofline's CPU figure is the least CPU time of its runs).
  --model DIR         BERT-base-shaped model dir (../shared/tools/make-bert-base-random DIR)   [/tmp/bert-base-random]
  --datasets LIST     uci, sst2 (SST-2 train), or a CSV path; comma-separated                          [uci,sst2]
  --count N           at most N sentences per data set (0: all)                                   [uci all; sst2 8000]
  --max-length N|auto padding length (auto: covers 95% of the texts, as senti train picks it)              [auto]
  --batch-sizes LIST  encode batch sizes to measure, e.g. 32,64,128                                          [32]
  --tokens LIST       token counts for the MatMul roofline                                         [256,1024,4096]
  --threads N         ONNX Runtime intra-op threads for both (default: the encoder's default, all cores)
  --repeats N         time each data set's encode N times (one row each)                                          [1]
  --levers            also run the first data set's real padded batches through a bare ONNX Runtime session on the
                      same int8 graph with other settings, one at a time: spinning off, graph optimization
                      "extended" and "basic", 1 intra-op thread, token-budget batches (about 2,048 and 4,096
                      tokens each instead of 32 texts), and the graph with each GEMM's rescale as separate
                      MatMulInteger + Cast + Mul + Mul nodes (int8 scheme v3's form, same bits); each as effective
                      GOP/s, same run
  --json FILE         also write the results as JSON
`;

/** BERT-style encoder dimensions, from config.json. */
interface Dimensions {
  hidden: number;
  intermediate: number;
  layers: number;
}

/** Multiply-adds x 2 of one text of `length` tokens through a BERT encoder + pooler. */
export function textOperations(length: number, d: Dimensions): number {
  const perTokenLinear = 2 * (4 * d.hidden * d.hidden + 2 * d.hidden * d.intermediate);
  const attention = 2 * 2 * length * length * d.hidden; // Q·Kᵀ and softmax·V, all heads together
  return d.layers * (length * perTokenLinear + attention) + 2 * d.hidden * d.hidden;
}

/** `roofline` subcommand. */
export const command: BenchCommand = {
  usage,
  async run(args) {
    const values = parseOptions(
      args,
      {
        model: { type: 'string', default: '/tmp/bert-base-random' },
        datasets: { type: 'string', default: 'uci,sst2' },
        count: { type: 'string' },
        'max-length': { type: 'string', default: 'auto' },
        'batch-sizes': { type: 'string', default: '32' },
        tokens: { type: 'string', default: '256,1024,4096' },
        threads: { type: 'string' },
        repeats: { type: 'string', default: '1' },
        levers: { type: 'boolean', default: false },
        json: { type: 'string' },
      },
      usage,
    );
    const model = userPath(values.model as string);
    const threads = values.threads === undefined ? undefined : Number(values.threads);
    const config = JSON.parse(await readFile(path.join(model, 'config.json'), 'utf8')) as Record<string, number>;
    const dims: Dimensions = {
      hidden: config.hidden_size!,
      intermediate: config.intermediate_size!,
      layers: config.num_hidden_layers!,
    };
    const intraOp = (sessionOptions('cpu', threads) as { intraOpNumThreads: number }).intraOpNumThreads;
    console.log(
      `model ${model} (hidden ${dims.hidden}, intermediate ${dims.intermediate}, ${dims.layers} layers); ONNX Runtime intra-op threads ${intraOp}`,
    );
    console.log(`(one process; rows measured one after another in this run)\n`);

    const rates: MatMulRate[] = [];
    for (const tokens of (values.tokens as string).split(',').map(Number)) {
      for (const [k, n] of [
        [dims.hidden, dims.hidden],
        [dims.hidden, dims.intermediate],
        [dims.intermediate, dims.hidden],
      ] as const) {
        rates.push(await measureMatMulInteger(tokens, k, n, { threads }));
      }
    }
    const roofline = rates.reduce((most, rate) => Math.max(most, rate.gops), -Infinity);
    const cpuRoofline = rates.reduce((most, rate) => Math.max(most, rate.cpuGops), -Infinity);
    console.log(
      formatTable(
        ['MatMulInteger', 'shape', 'best ms', 'GOP/s', 'best CPU ms', 'GOP/CPU-s'],
        rates.map((rate) => [
          `${rate.tokens} tokens`,
          `[${rate.tokens},${rate.k}]x[${rate.k},${rate.n}]`,
          (rate.seconds * 1000).toFixed(2),
          rate.gops.toFixed(0),
          (rate.cpuSeconds * 1000).toFixed(2),
          rate.cpuGops.toFixed(0),
        ]),
      ),
    );
    console.log(
      `roofline (best of the above): ${roofline.toFixed(0)} GOP/s wall-clock, ${cpuRoofline.toFixed(0)} GOP per CPU-second\n`,
    );

    const cacheDir = await mkdtemp(path.join(tmpdir(), 'senti-roofline-'));
    const rows: string[][] = [];
    const leverRows: string[][] = [];
    const results: Record<string, unknown>[] = [];
    try {
      const encoder = await loadEncoder({
        model,
        dtype: 'int8',
        device: 'cpu',
        offline: true,
        cacheDir,
        ...(threads !== undefined ? { threads } : {}),
      });
      for (const name of (values.datasets as string).split(',')) {
        const csv =
          name === 'uci'
            ? path.join(repoRoot, 'fixtures', 'uci-sentences.csv')
            : name === 'sst2'
              ? path.join(sharedDatasets, 'sst2-train.csv')
              : userPath(name);
        const count = values.count !== undefined ? Number(values.count) : name === 'sst2' ? 8000 : 0;
        const texts = await firstSentences(csv, count > 0 ? count : Number.MAX_SAFE_INTEGER);
        const lengths = encoder.tokenizer.tokenLengths(texts);
        const maxLength =
          values['max-length'] === 'auto'
            ? chooseMaxLength(lengths, 'auto', 0.95, encoder.tokenizer.modelMaxLength).maxLength
            : Number(values['max-length']);
        const capped = lengths.map((length) => Math.min(length, maxLength));
        const useful = capped.reduce((sum, length) => sum + textOperations(length, dims), 0);
        const realTokens = capped.reduce((sum, length) => sum + length, 0);
        for (const batchSize of (values['batch-sizes'] as string).split(',').map(Number)) {
          const batches = planLengthBatches(capped, batchSize, maxLength);
          const executed = batches.reduce(
            (sum, batch) => sum + batch.indices.length * textOperations(batch.sequenceLength, dims),
            0,
          );
          const paddedTokens = batches.reduce((sum, batch) => sum + batch.indices.length * batch.sequenceLength, 0);
          await encoder.encode(texts.slice(0, batchSize), { maxLength, batchSize }); // warm-up
          for (let repeat = 0; repeat < Number(values.repeats); repeat++) {
            const started = performance.now();
            const cpu = process.cpuUsage();
            await encoder.encode(texts, { maxLength, batchSize });
            const used = process.cpuUsage(cpu);
            const seconds = (performance.now() - started) / 1000;
            const cpuSeconds = (used.user + used.system) / 1e6;
            const effective = useful / seconds / 1e9;
            const cpuEffective = useful / cpuSeconds / 1e9;
            rows.push([
              name,
              String(batchSize),
              String(texts.length),
              `${realTokens} (${paddedTokens} padded)`,
              String(maxLength),
              seconds.toFixed(2),
              (texts.length / seconds).toFixed(0),
              effective.toFixed(0),
              (executed / seconds / 1e9).toFixed(0),
              `${((100 * effective) / roofline).toFixed(0)}%`,
              cpuSeconds.toFixed(2),
              cpuEffective.toFixed(0),
              `${((100 * cpuEffective) / cpuRoofline).toFixed(0)}%`,
              loadavg()[0]!.toFixed(1),
            ]);
            results.push({
              dataset: name,
              batchSize,
              texts: texts.length,
              realTokens,
              paddedTokens,
              maxLength,
              seconds,
              cpuSeconds,
              usefulOps: useful,
              executedOps: executed,
              effectiveGops: effective,
              cpuEffectiveGops: cpuEffective,
              roofline,
              cpuRoofline,
              load: loadavg()[0],
            });
          }
        }
        if (values.levers === true && leverRows.length === 0) {
          // The graph the encoder runs (for cls and pooler pooling, the one whose last layer runs for [CLS] only).
          const resolved = await resolveEncoderFile(
            { kind: 'dir', id: model, path: model, offline: true },
            'int8',
            'cpu',
            { cacheDir, pooling: encoder.info.pooling },
          );
          const graph = resolved.file;
          const unfused = await readOnnxModel(resolved.fp32File!);
          await quantizePerTokenParallel(unfused, { fuseScales: false });
          const bodies = texts.map((text) => encoder.tokenizer.tokenIds(text));
          const pack = (indices: number[], length: number) =>
            encoder.tokenizer.pack(
              indices.map((index) => bodies[index]!),
              { maxLength: length, padding: 'max_length', truncation: true },
            );
          const base = sessionOptions('cpu', threads) as InferenceSession.SessionOptions;
          const variants: [string, InferenceSession.SessionOptions, LengthBatch[]][] = [
            ["senti's session options, batches of 32 texts", base, planLengthBatches(capped, 32, maxLength)],
            [
              'spinning off',
              { ...base, extra: { session: { intra_op: { allow_spinning: '0' } } } } as InferenceSession.SessionOptions,
              planLengthBatches(capped, 32, maxLength),
            ],
            [
              'graph optimization extended',
              { ...base, graphOptimizationLevel: 'extended' },
              planLengthBatches(capped, 32, maxLength),
            ],
            [
              'graph optimization basic',
              { ...base, graphOptimizationLevel: 'basic' },
              planLengthBatches(capped, 32, maxLength),
            ],
            ['1 intra-op thread', { ...base, intraOpNumThreads: 1 }, planLengthBatches(capped, 32, maxLength)],
            ['token budget ~2,048 per batch', base, tokenBudgetBatches(capped, 2048, maxLength)],
            ['token budget ~4,096 per batch', base, tokenBudgetBatches(capped, 4096, maxLength)],
            ['rescale as MatMulInteger + Cast + 2 Mul', base, planLengthBatches(capped, 32, maxLength)],
          ];
          for (const [label, options, batches] of variants) {
            const session = label.startsWith('rescale as')
              ? await InferenceSession.create(encodeOnnxModel(unfused), options)
              : await InferenceSession.create(graph, options);
            const feeds = batches.map((batch) => {
              const encoded = pack(batch.indices, batch.sequenceLength);
              const dims = [encoded.batchSize, encoded.sequenceLength];
              const all: Record<string, Tensor> = {
                input_ids: new Tensor('int64', encoded.inputIds, dims),
                attention_mask: new Tensor('int64', encoded.attentionMask, dims),
                token_type_ids: new Tensor('int64', encoded.tokenTypeIds, dims),
              };
              return Object.fromEntries(session.inputNames.map((input) => [input, all[input]!]));
            });
            await session.run(feeds[0]!);
            const started = performance.now();
            const cpu = process.cpuUsage();
            for (const feed of feeds) await session.run(feed);
            const used = process.cpuUsage(cpu);
            const seconds = (performance.now() - started) / 1000;
            const cpuSeconds = (used.user + used.system) / 1e6;
            await session.release();
            const effective = useful / seconds / 1e9;
            const cpuEffective = useful / cpuSeconds / 1e9;
            leverRows.push([
              name,
              label,
              String(batches.length),
              seconds.toFixed(2),
              effective.toFixed(0),
              `${((100 * effective) / roofline).toFixed(0)}%`,
              cpuSeconds.toFixed(2),
              `${((100 * cpuEffective) / cpuRoofline).toFixed(0)}%`,
            ]);
            results.push({
              dataset: name,
              lever: label,
              batches: batches.length,
              seconds,
              cpuSeconds,
              effectiveGops: effective,
              cpuEffectiveGops: cpuEffective,
              roofline,
              cpuRoofline,
            });
          }
        }
      }
      await encoder.dispose();
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
    console.log(
      formatTable(
        [
          'data',
          'batch',
          'texts',
          'tokens',
          'max len',
          'encode s',
          'texts/s',
          'effective GOP/s',
          'executed GOP/s',
          'of roofline',
          'CPU s',
          'effective GOP/CPU-s',
          'of CPU roofline',
          'load',
        ],
        rows,
      ),
    );
    if (leverRows.length > 0) {
      console.log(
        '\nLevers: a bare ONNX Runtime session on the same per-token int8 graph, the same padded batches (no tokenizing or pooling)',
      );
      console.log(
        formatTable(
          ['data', 'setting', 'batches', 'seconds', 'effective GOP/s', 'of roofline', 'CPU s', 'of CPU roofline'],
          leverRows,
        ),
      );
    }
    console.log(
      `\nBERT-base: ${(textOperations(1, dims) / 1e6 - (2 * dims.hidden * dims.hidden) / 1e6).toFixed(0)} MOP per token in the weight MatMuls, plus attention (4·L·hidden per token per layer) and the pooler per text`,
    );
    if (values.json !== undefined) {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(
        userPath(values.json as string),
        `${JSON.stringify({ date: new Date().toISOString(), model, threads: intraOp, matmul: rates, roofline, cpuRoofline, encode: results }, null, 2)}\n`,
      );
    }
  },
};

/**
 * Batches by a token budget (as Text Embeddings Inference's max-batch-tokens): texts sorted by length, each batch as
 * many as fit `budget` padded tokens (at least one text), padded to its longest.
 */
export function tokenBudgetBatches(lengths: readonly number[], budget: number, maxLength: number): LengthBatch[] {
  const order = lengths.map((_, index) => index).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const batches: LengthBatch[] = [];
  let indices: number[] = [];
  let longest = 0;
  for (const index of order) {
    const length = Math.min(lengths[index]!, maxLength);
    if (indices.length > 0 && Math.max(longest, length) * (indices.length + 1) > budget) {
      batches.push({ indices, sequenceLength: longest });
      indices = [];
      longest = 0;
    }
    indices.push(index);
    longest = Math.max(longest, length);
  }
  if (indices.length > 0) batches.push({ indices, sequenceLength: longest });
  return batches;
}
