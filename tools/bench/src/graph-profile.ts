// Where the encoder's time goes, and which of several graphs (or session settings) runs the same batches faster: the
// int8 graph senti runs on UCI's real padded batches, timed per batch with the graphs interleaved (each batch run on
// every graph in turn, order rotated, best of the repeats per batch), so a VM whose speed drifts by 30% within minutes
// still compares them fairly; then, with --profile, ONNX Runtime's own profile of the first graph: time per op type.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEncoder, planLengthBatches, sessionOptions } from '@senti/model';
import { resolveEncoderFile } from '@senti/model/internals';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { chooseMaxLength } from '@senti/train';
import { parseOptions, userPath, type BenchCommand } from './bench-command.js';
import { firstSentences } from './datasets.js';
import { formatTable } from './format-table.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..', '..');

const usage = `usage: pnpm --filter @senti/bench start -- graph-profile [options]
Runs UCI's sentences (sorted by length, padded per batch of --batch-size, as senti's encode does) through ONNX Runtime
sessions on one or more int8 graphs, interleaved per batch (every batch on every graph in turn, order rotated; per
batch the best of --repeats), and prints each graph's total against the first. With --profile, ONNX Runtime's
profiler then runs the first graph once over all batches: kernel time per op type.
  --model DIR        BERT-base-shaped model dir whose tokenizer and int8 graph are used   [/tmp/bert-base-random]
  --graphs LIST      comma-separated .onnx files (default: the int8 graph senti builds for --model); a file may end
                     in ?key=value&... to give its session ONNX Runtime config entries, e.g.
                     model_int8.onnx?session.intra_op.allow_spinning=0 (the same file may appear several times)
  --batch-size N     texts per batch                                                                          [32]
  --repeats N        passes over the batches                                                                   [3]
  --compare          also check the first two graphs give the same outputs (prints the largest difference)
  --profile          ONNX Runtime's per-op-type profile of the first graph
`;

/** `graph-profile` subcommand. */
export const command: BenchCommand = {
  usage,
  async run(args) {
    const values = parseOptions(
      args,
      {
        model: { type: 'string', default: '/tmp/bert-base-random' },
        graphs: { type: 'string' },
        'batch-size': { type: 'string', default: '32' },
        repeats: { type: 'string', default: '3' },
        compare: { type: 'boolean', default: false },
        profile: { type: 'boolean', default: false },
      },
      usage,
    );
    const model = userPath(values.model as string);
    const cacheDir = await mkdtemp(path.join(tmpdir(), 'senti-graph-profile-'));
    try {
      const encoder = await loadEncoder({ model, dtype: 'int8', device: 'cpu', offline: true, cacheDir });
      const texts = await firstSentences(path.join(repoRoot, 'fixtures', 'uci-sentences.csv'), Number.MAX_SAFE_INTEGER);
      const lengths = encoder.tokenizer.tokenLengths(texts);
      const maxLength = chooseMaxLength(lengths, 'auto', 0.95, encoder.tokenizer.modelMaxLength).maxLength;
      const batches = planLengthBatches(
        lengths.map((length) => Math.min(length, maxLength)),
        Number(values['batch-size']),
        maxLength,
      );
      const graphs =
        values.graphs === undefined
          ? [
              (
                await resolveEncoderFile({ kind: 'dir', id: model, path: model, offline: true }, 'int8', 'cpu', {
                  cacheDir,
                  pooling: encoder.info.pooling,
                })
              ).file,
            ]
          : (values.graphs as string).split(',').map((graph) => userPath(graph));
      const base = sessionOptions('cpu') as InferenceSession.SessionOptions;
      const sessions = await Promise.all(graphs.map((graph) => createSession(graph, base)));
      const bodies = texts.map((text) => encoder.tokenizer.tokenIds(text));
      const feeds = sessions.map((session) =>
        batches.map((batch) => {
          const packed = encoder.tokenizer.pack(
            batch.indices.map((index) => bodies[index]!),
            { maxLength: batch.sequenceLength, padding: 'max_length', truncation: true },
          );
          const dims = [packed.batchSize, packed.sequenceLength];
          const all: Record<string, Tensor> = {
            input_ids: new Tensor('int64', packed.inputIds, dims),
            attention_mask: new Tensor('int64', packed.attentionMask, dims),
            token_type_ids: new Tensor('int64', packed.tokenTypeIds, dims),
          };
          return Object.fromEntries(session.inputNames.map((name) => [name, all[name]!]));
        }),
      );
      for (const [index, session] of sessions.entries()) await session.run(feeds[index]![0]!); // warm-up
      const best = graphs.map(() => batches.map(() => Infinity));
      const repeats = Number(values.repeats);
      for (let repeat = 0; repeat < repeats; repeat++) {
        for (let batch = 0; batch < batches.length; batch++) {
          for (let turn = 0; turn < sessions.length; turn++) {
            const index = (turn + batch + repeat) % sessions.length;
            const started = performance.now();
            await sessions[index]!.run(feeds[index]![batch]!);
            best[index]![batch] = Math.min(best[index]![batch]!, performance.now() - started);
          }
        }
      }
      const totals = best.map((row) => row.reduce((sum, ms) => sum + ms, 0) / 1000);
      console.log(
        formatTable(
          ['graph', 'batches', 'sum of per-batch best (s)', 'speed vs the first'],
          graphs.map((graph, index) => [
            graph,
            String(batches.length),
            totals[index]!.toFixed(2),
            `${(totals[0]! / totals[index]!).toFixed(3)}x`,
          ]),
        ),
      );
      if (values.compare === true && sessions.length >= 2) {
        let largest = 0;
        for (let batch = 0; batch < batches.length; batch++) {
          const [a, b] = [await sessions[0]!.run(feeds[0]![batch]!), await sessions[1]!.run(feeds[1]![batch]!)];
          for (const name of sessions[0]!.outputNames) {
            const [x, y] = [a[name]!.data as Float32Array, b[name]!.data as Float32Array];
            for (let i = 0; i < x.length; i++) largest = Math.max(largest, Math.abs(x[i]! - y[i]!));
          }
        }
        console.log(`largest difference between the outputs of the first two graphs: ${largest}`);
      }
      await Promise.all(sessions.map((session) => session.release()));
      if (values.profile === true) console.log(await profileByOpType(graphs[0]!, base, feeds[0]!, cacheDir));
      await encoder.dispose();
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  },
};

// A graph path with ?key=value&... config entries (dotted keys nest, as ONNX Runtime's `extra` options do).
function createSession(graph: string, base: InferenceSession.SessionOptions): Promise<InferenceSession> {
  const [file, query] = graph.split('?');
  const extra: Record<string, unknown> = { ...((base as { extra?: Record<string, unknown> }).extra ?? {}) };
  for (const [key, value] of new URLSearchParams(query ?? '')) {
    const parts = key.split('.');
    let at = extra;
    for (const part of parts.slice(0, -1)) at = (at[part] ??= {}) as Record<string, unknown>;
    at[parts.at(-1)!] = value;
  }
  return InferenceSession.create(file!, { ...base, extra } as InferenceSession.SessionOptions);
}

// ONNX Runtime's profiler over one pass of the batches: kernel time per op type, largest first.
async function profileByOpType(
  graph: string,
  base: InferenceSession.SessionOptions,
  feeds: Record<string, Tensor>[],
  dir: string,
): Promise<string> {
  const prefix = path.join(dir, 'ort-profile');
  const session = await createSession(graph, { ...base, enableProfiling: true, profileFilePrefix: prefix });
  for (const feed of feeds) await session.run(feed);
  session.endProfiling();
  await session.release(); // the profile file is complete once the session is released
  const file = (await readdir(dir)).find((name) => name.startsWith('ort-profile') && name.endsWith('.json'));
  if (file === undefined) return 'ONNX Runtime wrote no profile';
  const events = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as {
    cat: string;
    name: string;
    dur: number;
    args?: { op_name?: string };
  }[];
  const byOp = new Map<string, number>();
  let total = 0;
  for (const event of events) {
    if (event.cat !== 'Node' || !event.name.endsWith('_kernel_time')) continue;
    const op = event.args?.op_name ?? '?';
    byOp.set(op, (byOp.get(op) ?? 0) + event.dur);
    total += event.dur;
  }
  return formatTable(
    ['op type', 'kernel ms', 'share'],
    [...byOp]
      .sort((a, b) => b[1] - a[1])
      .map(([op, us]) => [op, (us / 1000).toFixed(0), `${((100 * us) / total).toFixed(1)}%`])
      .concat([['all kernels', (total / 1000).toFixed(0), '100%']]),
  );
}
