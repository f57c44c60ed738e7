// Encode time of the BERT graph senti writes from safetensors, full vs [CLS]-only last layer, fp32 and per-token
// int8, on a random checkpoint of the BERT-base shape made here (issue #27 items 1d and 1g).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { createRandom } from '@senti/base';
import { sessionOptions } from '@senti/model';
import {
  bertGraphConfig,
  bertWeightsFromSafetensors,
  buildBertGraph,
  encodeOnnxModel,
  quantizePerToken,
  randomBertCheckpoint,
  writeSafetensors,
} from '@senti/onnx';
import { parseOptions, type BenchCommand } from './bench-command.js';
import { formatTable } from './format-table.js';

const usage = `usage: pnpm --filter @senti/bench start -- bert-graph [options]
Writes a random BERT checkpoint (model.safetensors + config.json, seeded) to a temp dir, builds senti's BERT graph
from it with and without the [CLS]-only last layer, in fp32 and per-token int8, and times ONNX Runtime on one batch
of random token ids: the variants take turns each repeat (so machine load hits them alike); medians of wall time
and of this process's CPU time (user + system, ONNX Runtime's threads included: the work done, less sensitive to
other processes on a shared machine) are reported.
  --layers N         num_hidden_layers                                                                      [12]
  --hidden N         hidden_size                                                                           [768]
  --heads N          num_attention_heads                                                                    [12]
  --intermediate N   intermediate_size                                                                    [3072]
  --vocab N          vocab_size                                                                          [30522]
  --batch N          texts per batch                                                                        [32]
  --sequence N       tokens per text (no padding)                                                           [64]
  --repeats N        timed runs per variant (after one warm-up run)                                          [7]
  --threads N        ONNX Runtime intra-op threads                                    [senti's default: all cores]
  --dtypes LIST      fp32, int8, int8-unpacked (query, key and value as 3 GEMMs, as before v3)         [fp32,int8]
  --seed N           weights and token ids                                                                    [27]
`;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Multiply-adds per text of the dense layers and attention (embeddings, softmax and LayerNorm left out). */
function multiplyAdds(h: number, m: number, layers: number, s: number, cut: boolean): number {
  const layer = (queries: number) => s * 2 * h * h + queries * (2 * h * h + 2 * h * m) + 2 * queries * s * h; // K,V over all; Q,O,FFN,attention per query
  return (layers - 1) * layer(s) + layer(cut ? 1 : s) + h * h;
}

/** `bert-graph` subcommand. */
export const command: BenchCommand = {
  usage,
  async run(args) {
    const values = parseOptions(
      args,
      {
        layers: { type: 'string', default: '12' },
        hidden: { type: 'string', default: '768' },
        heads: { type: 'string', default: '12' },
        intermediate: { type: 'string', default: '3072' },
        vocab: { type: 'string', default: '30522' },
        batch: { type: 'string', default: '32' },
        sequence: { type: 'string', default: '64' },
        repeats: { type: 'string', default: '7' },
        threads: { type: 'string' },
        dtypes: { type: 'string', default: 'fp32,int8' },
        seed: { type: 'string', default: '27' },
      },
      usage,
    );
    const int = (key: string) => Number(values[key]);
    const [batch, sequence, repeats, seed] = [int('batch'), int('sequence'), int('repeats'), int('seed')];
    const checkpoint = randomBertCheckpoint(seed, {
      vocab: int('vocab'),
      hidden: int('hidden'),
      heads: int('heads'),
      layers: int('layers'),
      intermediate: int('intermediate'),
    });
    const rawConfig = checkpoint.config;
    const threads = values.threads === undefined ? undefined : int('threads');
    const dtypes = (values.dtypes as string).split(',').map((dtype) => dtype.trim());
    const dir = await mkdtemp(path.join(tmpdir(), 'senti-bert-graph-bench-'));
    const sessions: {
      name: string;
      dtype: string;
      cut: boolean;
      session: ort.InferenceSession;
      times: number[];
      cpu: number[];
    }[] = [];
    try {
      let started = performance.now();
      const file = path.join(dir, 'model.safetensors');
      await writeSafetensors(file, checkpoint.tensors);
      await writeFile(path.join(dir, 'config.json'), JSON.stringify(rawConfig));
      const made = (performance.now() - started) / 1000;
      started = performance.now();
      const config = bertGraphConfig(rawConfig, path.join(dir, 'config.json'));
      const weights = await bertWeightsFromSafetensors(file, config);
      const read = (performance.now() - started) / 1000;
      const builds: string[] = [];
      for (const dtype of dtypes) {
        for (const cut of [false, true]) {
          started = performance.now();
          const model = buildBertGraph(weights, config, { pooler: true, clsOnlyLastLayer: cut });
          if (dtype === 'int8') quantizePerToken(model);
          if (dtype === 'int8-unpacked') quantizePerToken(model, new Map(), { pack: false });
          const bytes = encodeOnnxModel(model);
          const built = (performance.now() - started) / 1000;
          const session = await ort.InferenceSession.create(
            bytes,
            sessionOptions('cpu', threads) as ort.InferenceSession.SessionOptions,
          );
          builds.push(
            `${dtype}${cut ? ' cls-only' : ''}: ${built.toFixed(1)} s, ${(bytes.byteLength / 2 ** 20).toFixed(0)} MiB`,
          );
          sessions.push({
            name: `${dtype} ${cut ? 'cls-only last layer' : 'full'}`,
            dtype,
            cut,
            session,
            times: [],
            cpu: [],
          });
        }
      }
      const random = createRandom(seed + 1);
      const ids = BigInt64Array.from({ length: batch * sequence }, (_, i) =>
        BigInt(i % sequence === 0 ? 101 : 1000 + Math.floor(random() * (config.vocabSize - 1000))),
      );
      const feeds = {
        input_ids: new ort.Tensor('int64', ids, [batch, sequence]),
        attention_mask: new ort.Tensor('int64', new BigInt64Array(batch * sequence).fill(1n), [batch, sequence]),
        token_type_ids: new ort.Tensor('int64', new BigInt64Array(batch * sequence), [batch, sequence]),
      };
      const outputs = new Map<(typeof sessions)[number], { cls: Float32Array; pooler: Float32Array }>();
      for (const entry of sessions) {
        // warm-up, keeping the [CLS] rows and pooler output to compare
        const out = await entry.session.run(feeds);
        const states = out.last_hidden_state!.data as Float32Array;
        const rows = entry.cut ? 1 : sequence;
        const cls = new Float32Array(batch * config.hiddenSize);
        for (let b = 0; b < batch; b++)
          cls.set(
            states.subarray(b * rows * config.hiddenSize, (b * rows + 1) * config.hiddenSize),
            b * config.hiddenSize,
          );
        outputs.set(entry, { cls, pooler: out.pooler_output!.data as Float32Array });
      }
      const maxDiff = (a: Float32Array, b: Float32Array) =>
        a.reduce((max, value, i) => Math.max(max, Math.abs(value - b[i]!)), 0);
      for (let repeat = 0; repeat < repeats; repeat++) {
        for (const entry of sessions) {
          const [t, cpu] = [performance.now(), process.cpuUsage()];
          await entry.session.run(feeds);
          entry.times.push(performance.now() - t);
          const used = process.cpuUsage(cpu);
          entry.cpu.push((used.user + used.system) / 1000);
        }
      }
      console.log(
        `BERT shape: ${config.numHiddenLayers} layers, hidden ${config.hiddenSize}, ${config.numAttentionHeads} heads, intermediate ${config.intermediateSize}, vocab ${config.vocabSize}; batch ${batch} x ${sequence} tokens; ${repeats} repeats, threads ${threads ?? 'default'}`,
      );
      console.log(
        `random checkpoint written in ${made.toFixed(1)} s, read in ${read.toFixed(1)} s; graphs built: ${builds.join('; ')}`,
      );
      const rows = sessions.map((entry) => {
        const full = sessions.find((other) => other.dtype === entry.dtype && !other.cut)!;
        const [ms, cpu] = [median(entry.times), median(entry.cpu)];
        return [
          entry.name,
          ms.toFixed(1),
          (batch / (ms / 1000)).toFixed(1),
          entry.cut ? `${(median(full.times) / ms).toFixed(3)}x` : '',
          `${Math.min(...entry.times).toFixed(1)} / ${Math.max(...entry.times).toFixed(1)}`,
          cpu.toFixed(0),
          entry.cut ? `${(median(full.cpu) / cpu).toFixed(3)}x` : '',
        ];
      });
      const [fullOps, cutOps] = [false, true].map((cut) =>
        multiplyAdds(config.hiddenSize, config.intermediateSize, config.numHiddenLayers, sequence, cut),
      ) as [number, number];
      console.log(
        `multiply-adds per text: full ${(fullOps / 1e9).toFixed(2)} G, cls-only last layer ${(cutOps / 1e9).toFixed(2)} G: ideal speed-up ${(fullOps / cutOps).toFixed(3)}x`,
      );
      for (const entry of sessions.filter((candidate) => candidate.cut)) {
        const [cut, full] = [
          outputs.get(entry)!,
          outputs.get(sessions.find((other) => other.dtype === entry.dtype && !other.cut)!)!,
        ];
        console.log(
          `${entry.dtype}: cls-only vs full, max |diff| [CLS] ${maxDiff(cut.cls, full.cls).toExponential(2)}, pooler ${maxDiff(cut.pooler, full.pooler).toExponential(2)}`,
        );
      }
      console.log(
        formatTable(
          ['graph', 'median ms/batch', 'sentences/s', 'speed-up', 'min / max ms', 'median CPU ms', 'CPU speed-up'],
          rows,
        ),
      );
    } finally {
      for (const entry of sessions) await entry.session.release();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
