// Encode speed of every BERT-base layout senti reads, side by side in one run through the real loadEncoder route
// (issue #27 items 1a, 1d, 1g and 3): the plain BertModel export, the fill-mask export (cut at the last hidden state)
// and the safetensors-only checkpoint (senti's own graph), plus the uncut fill-mask graph on a bare session.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { loadEncoder, type Dtype, type Encoder, type Pooling, planLengthBatches, sessionOptions } from '@senti/model';
import { perTokenInt8Dir, resolveEncoderFile, INT8_FILE, type ResolvedEncoderFile } from '@senti/model/internals';
import { parseOptions, userPath, type BenchCommand } from './bench-command.js';
import { firstSentences } from './datasets.js';
import { formatTable } from './format-table.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const defaultData = path.resolve(repoRoot, '../shared/datasets/uci-sentences.csv');
const maker = path.join(repoRoot, 'tools/bench/make-bert-base-layouts.py');

const usage = `usage: pnpm --filter @senti/bench start -- layouts [options]
Encode speed of the BERT-base layouts senti reads, measured side by side in one run on the same texts through
senti's loadEncoder (so the graphs are the ones users run), per dtype:
  plain   BertModel ONNX export (../shared/tools/make-bert-base-random), mean and cls pooling; mean is the reference
  fill    fill-mask export (BertForMaskedLM, output logits), cut by senti at the last hidden state: mean and cls
  st      safetensors-only checkpoint (bert. prefix, gamma/beta, pooler, cls.* heads): senti's graph, pooler pooling
  uncut   the fill-mask graph as published (logits over the 30,522-token vocabulary) on a bare ONNX Runtime session
          with senti's session options, fed the same padded batches (int8: senti's per-token int8 of that graph)
Texts are sorted by token length and batched as senti's encode does; every batch runs through each variant in turn
(rotating who goes first), so machine load hits the variants alike. Per variant: median texts/s over the repeats,
wall and process CPU seconds per pass, the median of the per-pass ratios to plain-mean of the same dtype (wall and
CPU), and the median and quartiles of the per-batch ratios (each batch against plain-mean's run of it).
The fill-mask and safetensors models are made by tools/bench/make-bert-base-layouts.py when --layouts lacks them.
  --plain DIR        BertModel export, BERT-base shape                                     [/tmp/bert-base-random]
  --layouts DIR      holds fill-mask/ and safetensors/ (made here if missing)             [/tmp/bert-base-layouts]
  --data CSV         texts ("sentence" or "text" column)                       [../shared/datasets/uci-sentences.csv]
  --count N          first N texts                                                                        [1000]
  --batch-size N     texts per batch                                                                        [32]
  --max-length N     truncation length                                                                      [64]
  --repeats N        timed passes over the texts                                                             [3]
  --uncut-repeats N  passes (the first N) in which the uncut graph runs too; 0 skips it                      [1]
  --dtypes LIST      fp32, int8, q8 (q8: published quantized files; the safetensors layout has none)  [fp32,int8]
  --variants LIST    subset of plain-mean,plain-cls,fill-mean,fill-cls,st-pooler,uncut                       [all]
  --threads N        ONNX Runtime intra-op threads                                    [senti's default: all cores]
  --cache-dir DIR    senti's cache (built graphs: cut, from safetensors, int8)                    [senti's default]
  --json FILE        also write the figures as JSON
`;

interface Variant {
  name: string;
  layout: string;
  pooling?: Pooling;
  graph: string;
  load: number;
  run: (batch: number) => Promise<void>;
  dispose: () => Promise<void>;
  wall: number[];
  cpu: number[];
  /** Wall seconds of each batch in each pass, `[pass][batch]`, for per-batch paired ratios. */
  batchWall: number[][];
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** What graph a resolved encoder file is, in words. */
function describe(resolved: ResolvedEncoderFile, modelDir: string): string {
  const from = (file: string): string => {
    if (file.startsWith(path.resolve(modelDir) + path.sep)) return `published ${path.relative(modelDir, file)}`;
    if (file.includes(`${path.sep}cut-at-hidden-state`)) return 'cut at last hidden state';
    const kind = file.includes(`${path.sep}cls-only${path.sep}`) ? 'cls-only last layer' : 'full';
    return `senti BertModel graph (${kind}${resolved.layout.hasPooler ? ', pooler' : ''})`;
  };
  if (resolved.dtype !== 'int8') return from(resolved.file);
  return `${resolved.fp32File ? from(resolved.fp32File) : 'bundled'} -> per-token int8`;
}

/** `layouts` subcommand. */
export const command: BenchCommand = {
  usage,
  async run(args) {
    const values = parseOptions(
      args,
      {
        plain: { type: 'string', default: '/tmp/bert-base-random' },
        layouts: { type: 'string', default: '/tmp/bert-base-layouts' },
        data: { type: 'string', default: defaultData },
        count: { type: 'string', default: '1000' },
        'batch-size': { type: 'string', default: '32' },
        'max-length': { type: 'string', default: '64' },
        repeats: { type: 'string', default: '3' },
        'uncut-repeats': { type: 'string', default: '1' },
        dtypes: { type: 'string', default: 'fp32,int8' },
        variants: { type: 'string', default: 'plain-mean,plain-cls,fill-mean,fill-cls,st-pooler,uncut' },
        threads: { type: 'string' },
        'cache-dir': { type: 'string' },
        json: { type: 'string' },
      },
      usage,
    );
    const plainDir = userPath(values.plain as string);
    const layoutsDir = userPath(values.layouts as string);
    const fillDir = path.join(layoutsDir, 'fill-mask');
    const stDir = path.join(layoutsDir, 'safetensors');
    const batchSize = Number(values['batch-size']);
    const maxLength = Number(values['max-length']);
    const repeats = Number(values.repeats);
    const uncutRepeats = Math.min(Number(values['uncut-repeats']), repeats);
    const threads = values.threads === undefined ? undefined : Number(values.threads);
    const cacheDir = values['cache-dir'] === undefined ? undefined : userPath(values['cache-dir'] as string);
    const dtypes = (values.dtypes as string).split(',').map((dtype) => dtype.trim()) as Dtype[];
    const wanted = new Set((values.variants as string).split(',').map((name) => name.trim()));
    if (!existsSync(path.join(plainDir, 'onnx', 'model.onnx'))) {
      process.stderr.write(
        `no BertModel export at ${plainDir}: make one with ../shared/tools/make-bert-base-random ${plainDir}\n`,
      );
      process.exit(2);
    }
    if (!existsSync(path.join(fillDir, 'onnx', 'model.onnx')) || !existsSync(path.join(stDir, 'model.safetensors'))) {
      console.log(`making the fill-mask and safetensors layouts under ${layoutsDir} (${maker})`);
      const made = spawnSync('/usr/bin/python3', [maker, layoutsDir], { stdio: 'inherit' });
      if (made.status !== 0) process.exit(made.status ?? 1);
    }

    const texts = await firstSentences(userPath(values.data as string), Number(values.count));
    const results: Record<string, unknown>[] = [];
    console.log(
      `${texts.length} texts from ${values.data}; batch ${batchSize}; maxLength ${maxLength}; ${repeats} passes (uncut graph in the first ${uncutRepeats}); threads ${threads ?? 'default'}`,
    );
    console.log(
      '(a shared machine: compare rows of this run; ratios are per pass, against plain-mean of the same pass)\n',
    );

    for (const dtype of dtypes) {
      const variants: Variant[] = [];
      let batches: { indices: number[]; sequenceLength: number }[] = [];
      let bodies: number[][] = [];
      let first: Encoder | undefined;
      const addEncoder = async (name: string, modelDir: string, pooling: Pooling): Promise<void> => {
        if (!wanted.has(name)) return;
        if (name === 'st-pooler' && dtype === 'q8') return; // no published quantized file
        const started = performance.now();
        const encoder = await loadEncoder({
          model: modelDir,
          dtype,
          pooling,
          device: 'cpu',
          offline: true,
          ...(cacheDir ? { cacheDir } : {}),
          ...(threads ? { threads } : {}),
        });
        const load = (performance.now() - started) / 1000;
        const resolved = await resolveEncoderFile(
          { kind: 'dir', id: modelDir, path: modelDir, offline: true },
          dtype,
          'cpu',
          { pooling, ...(cacheDir ? { cacheDir } : {}) },
        );
        if (!first) {
          first = encoder;
          bodies = texts.map((text) => encoder.tokenizer.tokenIds(text));
          const extra = encoder.tokenizer.special.prefix.length + encoder.tokenizer.special.suffix.length;
          batches = planLengthBatches(
            bodies.map((body) => body.length + extra),
            batchSize,
            maxLength,
          );
        }
        variants.push({
          name,
          layout: encoder.layout?.weights ?? '?',
          pooling: encoder.info.pooling,
          graph: describe(resolved, modelDir),
          load,
          run: async (batch) => {
            await encoder.encode(
              batches[batch]!.indices.map((index) => texts[index]!),
              { maxLength, batchSize },
            );
          },
          dispose: () => encoder.dispose(),
          wall: [],
          cpu: [],
          batchWall: [],
        });
      };
      await addEncoder('plain-mean', plainDir, 'mean');
      await addEncoder('plain-cls', plainDir, 'cls');
      await addEncoder('fill-mean', fillDir, 'mean');
      await addEncoder('fill-cls', fillDir, 'cls');
      await addEncoder('st-pooler', stDir, 'pooler');
      if (!first) throw new Error('no encoder variant chosen');
      if (wanted.has('uncut') && uncutRepeats > 0) {
        const started = performance.now();
        const source = path.join(fillDir, 'onnx', dtype === 'q8' ? 'model_quantized.onnx' : 'model.onnx');
        const file =
          dtype === 'int8'
            ? path.join(await perTokenInt8Dir(source, path.join(fillDir, 'config.json'), cacheDir), 'onnx', INT8_FILE)
            : source;
        const session = await ort.InferenceSession.create(
          file,
          sessionOptions('cpu', threads) as ort.InferenceSession.SessionOptions,
        );
        const tokenizer = first.tokenizer;
        variants.push({
          name: 'uncut',
          layout: 'onnx-fill-mask',
          graph: `published onnx/${path.basename(source)}, whole (logits)${dtype === 'int8' ? ' -> per-token int8' : ''}`,
          load: (performance.now() - started) / 1000,
          run: async (batch) => {
            const { indices, sequenceLength } = batches[batch]!;
            const encoded = tokenizer.pack(
              indices.map((index) => bodies[index]!),
              { maxLength: sequenceLength, padding: 'max_length', truncation: true },
            );
            const dims = [encoded.batchSize, encoded.sequenceLength];
            const outputs = await session.run({
              input_ids: new ort.Tensor('int64', encoded.inputIds, dims),
              attention_mask: new ort.Tensor('int64', encoded.attentionMask, dims),
              token_type_ids: new ort.Tensor('int64', encoded.tokenTypeIds, dims),
            });
            for (const output of Object.values(outputs)) output.dispose();
          },
          dispose: () => session.release(),
          wall: [],
          cpu: [],
          batchWall: [],
        });
      }
      // Warm-up: the longest batch once through each variant (allocates ONNX Runtime's buffers at their largest).
      for (const variant of variants) await variant.run(batches.length - 1);
      const passStarted = performance.now();
      for (let repeat = 0; repeat < repeats; repeat++) {
        const active = variants.filter((variant) => variant.name !== 'uncut' || repeat < uncutRepeats);
        const wall = new Map(active.map((variant) => [variant, 0]));
        const cpu = new Map(active.map((variant) => [variant, 0]));
        for (const variant of active) variant.batchWall.push([]);
        for (let batch = 0; batch < batches.length; batch++) {
          for (let turn = 0; turn < active.length; turn++) {
            const variant = active[(batch + turn) % active.length]!;
            const cpuStarted = process.cpuUsage();
            const started = performance.now();
            await variant.run(batch);
            const seconds = (performance.now() - started) / 1000;
            wall.set(variant, wall.get(variant)! + seconds);
            variant.batchWall.at(-1)!.push(seconds);
            const used = process.cpuUsage(cpuStarted);
            cpu.set(variant, cpu.get(variant)! + (used.user + used.system) / 1e6);
          }
        }
        for (const variant of active) {
          variant.wall.push(wall.get(variant)!);
          variant.cpu.push(cpu.get(variant)!);
        }
        console.log(
          `${dtype} pass ${repeat + 1}/${repeats}: ${active.map((variant) => `${variant.name} ${variant.wall.at(-1)!.toFixed(1)} s`).join(', ')}`,
        );
      }
      const reference = variants.find((variant) => variant.name === 'plain-mean');
      const rows = variants.map((variant) => {
        const ratios = reference ? variant.wall.map((seconds, pass) => reference.wall[pass]! / seconds) : [];
        // Per batch, paired with plain-mean's run of the same batch moments apart: robust to load that changes mid-pass.
        const batchRatios = reference
          ? variant.batchWall
              .flatMap((times, pass) => times.map((seconds, batch) => reference.batchWall[pass]![batch]! / seconds))
              .sort((a, b) => a - b)
          : [];
        const quartile = (q: number): number =>
          batchRatios[Math.min(batchRatios.length - 1, Math.floor(q * batchRatios.length))]!;
        const cpuRatios = reference ? variant.cpu.map((seconds, pass) => reference.cpu[pass]! / seconds) : [];
        const row = {
          dtype,
          variant: variant.name,
          layout: variant.layout,
          pooling: variant.pooling ?? '-',
          graph: variant.graph,
          loadSeconds: variant.load,
          passes: variant.wall.length,
          textsPerSecond: texts.length / median(variant.wall),
          wallSeconds: median(variant.wall),
          cpuSeconds: median(variant.cpu),
          speedVsPlainMean: ratios.length ? median(ratios) : undefined,
          cpuSpeedVsPlainMean: cpuRatios.length ? median(cpuRatios) : undefined,
          wallRange: [Math.min(...variant.wall), Math.max(...variant.wall)],
          perBatchVsPlainMean: batchRatios.length
            ? { median: median(batchRatios), q1: quartile(0.25), q3: quartile(0.75) }
            : undefined,
        };
        results.push(row);
        return [
          dtype,
          variant.name,
          row.layout,
          row.pooling,
          row.graph,
          row.textsPerSecond.toFixed(1),
          row.wallSeconds.toFixed(1),
          row.cpuSeconds.toFixed(1),
          row.speedVsPlainMean === undefined ? '' : `${row.speedVsPlainMean.toFixed(2)}x`,
          row.cpuSpeedVsPlainMean === undefined ? '' : `${row.cpuSpeedVsPlainMean.toFixed(2)}x`,
          row.perBatchVsPlainMean
            ? `${row.perBatchVsPlainMean.median.toFixed(2)}x [${row.perBatchVsPlainMean.q1.toFixed(2)}-${row.perBatchVsPlainMean.q3.toFixed(2)}]`
            : '',
          `${variant.load.toFixed(1)}`,
          `${variant.wall.length}`,
        ];
      });
      const fillMean = variants.find((variant) => variant.name === 'fill-mean');
      const uncut = variants.find((variant) => variant.name === 'uncut');
      console.log(
        `\n${dtype}: ${batches.length} batches, ${((performance.now() - passStarted) / 1000).toFixed(0)} s for the passes`,
      );
      console.log(
        formatTable(
          [
            'dtype',
            'variant',
            'layout',
            'pooling',
            'graph',
            'texts/s',
            'wall s/pass',
            'CPU s/pass',
            'vs plain-mean (wall)',
            'vs plain-mean (CPU)',
            'per batch: median [q1-q3]',
            'load s',
            'passes',
          ],
          rows,
        ),
      );
      if (fillMean && uncut) {
        const paired = uncut.wall.map((seconds, pass) => seconds / fillMean.wall[pass]!);
        const pairedCpu = uncut.cpu.map((seconds, pass) => seconds / fillMean.cpu[pass]!);
        console.log(
          `${dtype}: the cut fill-mask graph (mean) is ${median(paired).toFixed(2)}x as fast as the uncut graph in wall time, ${median(pairedCpu).toFixed(2)}x in CPU time (same passes)`,
        );
        results.push({ dtype, cutVsUncutWall: median(paired), cutVsUncutCpu: median(pairedCpu) });
      }
      console.log('');
      for (const variant of variants) await variant.dispose();
    }
    if (values.json !== undefined)
      await writeFile(
        userPath(values.json as string),
        `${JSON.stringify({ texts: texts.length, batchSize, maxLength, repeats, uncutRepeats, results }, null, 2)}\n`,
      );
  },
};
