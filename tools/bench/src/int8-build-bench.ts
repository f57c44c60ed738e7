// The first-run cost of the per-token int8 encoder: building its graph from the fp32 file into an empty cache, the
// stages of that build, the sha256 of the fp32 file on its own, and what a warm run pays to find the built graph.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { perTokenInt8Dir } from '@senti/model/internals';
import { decodeOnnxModel, encodeOnnxModel, quantizePerTokenParallel, readFileShared } from '@senti/onnx';
import { parseOptions, userPath, type BenchCommand } from './bench-command.js';
import { formatTable } from './format-table.js';
import { runProcess } from './run-process.js';

const usage = `usage: pnpm --filter @senti/bench start -- int8-build [options]
The per-token int8 graph senti builds on first use (dtype int8, the CPU default), from an empty cache directory:
the whole build as the encoder runs it (perTokenInt8Dir: read once, sha256, quantize in worker threads, write),
then its stages one by one in this process, the sha256 of the fp32 file alone, and a fresh process finding the
built graph (what a warm run pays: file stamps, no hashing).
  --model DIR    BERT-base-shaped model dir (../shared/tools/make-bert-base-random DIR)   [/tmp/bert-base-random]
`;

const seconds = (started: number): number => (performance.now() - started) / 1000;

/** `int8-build` subcommand. */
export const command: BenchCommand = {
  usage,
  async run(args) {
    const values = parseOptions(args, { model: { type: 'string', default: '/tmp/bert-base-random' } }, usage);
    const model = userPath(values.model as string);
    const fp32 = path.join(model, 'onnx', 'model.onnx');
    const cacheDir = await mkdtemp(path.join(tmpdir(), 'senti-int8-build-'));
    try {
      let started = performance.now();
      await perTokenInt8Dir(fp32, path.join(model, 'config.json'), cacheDir);
      const whole = seconds(started);

      started = performance.now();
      const warm = await runProcess(
        process.execPath,
        [
          '--import',
          'tsx',
          '--conditions=source',
          '-e',
          `const { perTokenInt8Dir } = await import('@senti/model/internals'); const t = performance.now(); await perTokenInt8Dir(${JSON.stringify(fp32)}, ${JSON.stringify(path.join(model, 'config.json'))}, ${JSON.stringify(cacheDir)}); console.log((performance.now() - t) / 1000);`,
        ],
        { cwd: process.cwd() },
      );
      const warmSeconds = Number(warm.stdout.trim().split('\n').pop());

      started = performance.now();
      const bytes = await readFileShared(fp32);
      const read = seconds(started);
      started = performance.now();
      createHash('sha256').update(bytes).digest('hex');
      const hash = seconds(started);
      started = performance.now();
      const graph = decodeOnnxModel(bytes);
      const decode = seconds(started);
      started = performance.now();
      await quantizePerTokenParallel(graph);
      const quantize = seconds(started);
      started = performance.now();
      const out = encodeOnnxModel(graph);
      const encode = seconds(started);
      started = performance.now();
      createHash('sha256')
        .update(await readFile(fp32))
        .digest('hex');
      const hashFromDisk = seconds(started);

      console.log(
        `model ${fp32} (${(bytes.byteLength / 1e6).toFixed(0)} MB fp32 -> ${(out.byteLength / 1e6).toFixed(0)} MB int8)\n`,
      );
      console.log(
        formatTable(
          ['stage', 'what', 'seconds'],
          [
            [
              'build',
              'perTokenInt8Dir into an empty cache (all of the below + write + hash of the output)',
              whole.toFixed(2),
            ],
            ['  read', 'the fp32 file into shared memory', read.toFixed(2)],
            ['  sha256', 'of those bytes (the cache key)', hash.toFixed(2)],
            ['  decode', 'protobuf -> objects (tensor bytes stay views)', decode.toFixed(2)],
            ['  quantize', 'per-column / per-row int8 in worker threads', quantize.toFixed(2)],
            ['  encode', 'objects -> protobuf', encode.toFixed(2)],
            ['sha256 alone', 'readFile + sha256 of the fp32 file', hashFromDisk.toFixed(2)],
            [
              'warm',
              'a fresh process finding the built graph (file stamps, no hashing)',
              Number.isFinite(warmSeconds) ? warmSeconds.toFixed(3) : `failed: ${warm.stderr.slice(0, 200)}`,
            ],
          ],
        ),
      );
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  },
};
