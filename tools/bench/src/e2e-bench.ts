// End-to-end benchmark: senti's `train` (the real CLI, one process per run) stage by stage, cold and warm feature
// cache, fp32 and q8, against the two PyTorch anchors measured in the same run: the tutorial's loop and the careful
// user who encodes once. Prints a table, writes JSON.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseOptions, userPath, type BenchCommand } from './bench-command.js';
import { combinedSst2, firstSentences } from './datasets.js';
import { q8Agreement, type Agreement } from './q8-agreement.js';
import { runSentiTrain, type SentiRun } from './senti-run.js';
import { measurePeerReference, type PeerReference } from './peer-reference.js';
import { measureTorchReference, type TorchReference } from './torch-reference.js';
import { formatTable } from './format-table.js';
import { requantizedModel } from './requantized-model.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const defaultShared = resolve(repoRoot, '..', 'shared');
const ANCHORS = ['tutorial', 'peer'] as const;

const usage = `usage: pnpm --filter @senti/bench start -- e2e [options]
Runs the real \`senti train\` CLI once per row (one process each, start-up included; 10 epochs, batch 32, --device
cpu): UCI int8 (the default) cold cache, int8 warm cache with another head lr, q8 and fp32 cold; SST-2 train+dev+test
int8 cold and warm.
Then, in the same run, the PyTorch anchors on UCI (Debian's python3-torch with OpenBLAS, every core):
  tutorial  ../shared/tools/tutorial-pipeline-torch.py, 1 epoch scaled to 10 (it re-encodes every epoch)
  peer      ../shared/tools/peer-encode-once-torch.py, the careful user: encode once (fp32 and int8), 10 head
            epochs on the features; ratios are taken against its faster line
and q8-vs-fp32 agreement on SST-2 dev sentences. Prints a table and writes JSON.
  --model DIR               BERT-base-shaped model dir (../shared/tools/make-bert-base-random DIR) [/tmp/bert-base-random]
  --shared DIR              the shared folder (datasets/, tools/)                        [../shared beside the repo]
  --datasets LIST           uci,sst2 (or one of them)                                                  [uci,sst2]
  --anchors LIST            tutorial,peer, one of them, or none                                   [tutorial,peer]
  --no-torch                same as --anchors none
  --agreement-sentences N   SST-2 dev sentences for the q8-vs-fp32 comparison (0: skip it)                  [500]
  --agreement-model DIR     dir whose onnx/model_quantized.onnx quantizes its onnx/model.onnx (default:
                            MODEL-requantized, made with tools/bench/quantize-dynamic.py: the random model's own int8
                            graph has independent random weights, so comparing it with fp32 says nothing)
  --out FILE                JSON results                                                 [tools/bench/results.json]
`;

/** `e2e` subcommand. */
export const command: BenchCommand = {
  usage,
  async run(args) {
    const values = parseOptions(
      args,
      {
        model: { type: 'string', default: '/tmp/bert-base-random' },
        shared: { type: 'string', default: defaultShared },
        datasets: { type: 'string', default: 'uci,sst2' },
        anchors: { type: 'string', default: ANCHORS.join(',') },
        'no-torch': { type: 'boolean', default: false },
        'agreement-sentences': { type: 'string', default: '500' },
        'agreement-model': { type: 'string' },
        out: { type: 'string', default: join(repoRoot, 'tools', 'bench', 'results.json') },
      },
      usage,
    );
    const anchors = values['no-torch'] || values.anchors === 'none' ? [] : (values.anchors as string).split(',');
    const unknown = anchors.filter((anchor) => !(ANCHORS as readonly string[]).includes(anchor));
    if (unknown.length > 0) {
      process.stderr.write(`unknown anchor "${unknown[0]}"; known: ${ANCHORS.join(', ')}, none\n`);
      process.exit(2);
    }
    await endToEnd({
      model: userPath(values.model as string),
      shared: userPath(values.shared as string),
      datasets: (values.datasets as string).split(','),
      anchors,
      agreementSentences: Number(values['agreement-sentences']),
      agreementModel:
        values['agreement-model'] === undefined ? undefined : userPath(values['agreement-model'] as string),
      out: userPath(values.out as string),
    });
  },
};

interface EndToEndOptions {
  model: string;
  shared: string;
  datasets: string[];
  anchors: string[];
  agreementSentences: number;
  agreementModel: string | undefined;
  out: string;
}

async function endToEnd(options: EndToEndOptions): Promise<void> {
  const { model, shared, datasets } = options;
  const work = join(tmpdir(), `senti-bench-${process.pid}`);
  const epochs = 10;
  const runs: (SentiRun & { dataset: string })[] = [];
  const references: Record<string, { measured: unknown; estimatedSeconds: number }> = {};

  console.log(
    `senti end-to-end benchmark: model ${model}, ${epochs} epochs, batch 32; CPU cores: ${(await import('node:os')).cpus().length}`,
  );
  console.log(
    'each senti row is one `senti train --device cpu` process (start-up included in wall); PyTorch measured in this same run\n',
  );

  const uci = join(repoRoot, 'fixtures', 'uci-sentences.csv');
  const plan: {
    name: string;
    csv: () => Promise<string>;
    configs: { label: string; dtype: 'int8' | 'q8' | 'fp32'; cache: string; extra: string[] }[];
  }[] = [];
  if (datasets.includes('uci')) {
    plan.push({
      name: 'uci',
      csv: async () => uci,
      configs: [
        { label: 'int8 (default), cold cache', dtype: 'int8', cache: 'uci-int8', extra: [] },
        { label: 'int8, warm cache, other head lr', dtype: 'int8', cache: 'uci-int8', extra: ['--lr', '0.003'] },
        { label: 'q8 (per-tensor, old default), cold', dtype: 'q8', cache: 'uci-q8', extra: [] },
        { label: 'fp32, cold cache', dtype: 'fp32', cache: 'uci-fp32', extra: [] },
      ],
    });
  }
  if (datasets.includes('sst2')) {
    plan.push({
      name: 'sst2',
      csv: () => combinedSst2(shared, work),
      configs: [
        { label: 'int8 (default), cold cache', dtype: 'int8', cache: 'sst2-int8', extra: [] },
        { label: 'int8, warm cache, other head lr', dtype: 'int8', cache: 'sst2-int8', extra: ['--lr', '0.003'] },
      ],
    });
  }

  for (const dataset of plan) {
    const csv = await dataset.csv();
    for (const config of dataset.configs) {
      process.stderr.write(`running ${dataset.name}: ${config.label} ...\n`);
      const run = await runSentiTrain(
        repoRoot,
        config.label,
        [
          '--data',
          csv,
          '--model',
          model,
          '--dtype',
          config.dtype,
          '--device',
          'cpu',
          '--epochs',
          String(epochs),
          '--keep-duplicates',
          '--out',
          join(work, `${dataset.name}-${runs.length}`),
          ...config.extra,
        ],
        {
          SENTI_CACHE_DIR: join(work, 'cache', config.cache),
          SENTI_OFFLINE: '1',
        },
      );
      runs.push({ ...run, dataset: dataset.name });
    }
  }

  let torch: TorchReference | undefined;
  if (options.anchors.includes('tutorial')) {
    process.stderr.write('running the tutorial PyTorch anchor (1 epoch on UCI, scaled) ...\n');
    torch = await measureTorchReference(join(shared, 'tools', 'tutorial-pipeline-torch.py'), uci);
    if (torch) {
      for (const dataset of new Set(runs.map((run) => run.dataset))) {
        const rows = runs.find((run) => run.dataset === dataset)!.summary.rows;
        references[dataset] = { measured: torch.measured, estimatedSeconds: torch.estimatedSeconds(epochs, rows) };
      }
    }
  }
  let peer: PeerReference | undefined;
  if (options.anchors.includes('peer')) {
    process.stderr.write(
      'running the careful-PyTorch anchor (encode once, fp32 and int8, 10 head epochs on UCI) ...\n',
    );
    peer = await measurePeerReference(join(shared, 'tools', 'peer-encode-once-torch.py'), uci, epochs);
  }

  let agreement: Agreement | undefined;
  if (options.agreementSentences > 0) {
    process.stderr.write('measuring q8 vs fp32 agreement on SST-2 sentences ...\n');
    const agreementModel = await requantizedModel(model, options.agreementModel);
    agreement = await q8Agreement(
      agreementModel,
      await firstSentences(join(shared, 'datasets', 'sst2-dev.csv'), options.agreementSentences),
      64,
      'pooler',
    );
  }

  const header = [
    'data',
    'run',
    'load+split',
    'load enc',
    'tokenize',
    'encode',
    'train 10 ep',
    'evaluate',
    'total',
    'wall',
    'enc sent/s',
    'head samp/s',
    'peak RSS',
    'vs tutorial',
    'vs peer',
  ];
  const rows = runs.map((run) => {
    const s = run.summary.seconds;
    const encoded = run.summary.cache.misses;
    const reference = references[run.dataset]?.estimatedSeconds;
    const headSamples = (run.summary.rows.train + run.summary.rows.val) * epochs;
    return [
      run.dataset,
      run.label,
      s.loadSplit.toFixed(2),
      s.loadEncoder.toFixed(2),
      s.tokenize.toFixed(2),
      s.encode.toFixed(1),
      s.train.toFixed(1),
      s.evaluate.toFixed(2),
      s.total.toFixed(1),
      run.wallSeconds.toFixed(1),
      encoded > 0 ? Math.round(encoded / s.encode).toString() : '(cached)',
      Math.round(headSamples / s.train).toString(),
      `${run.summary.peakRssMiB} MiB`,
      reference ? `${(reference / run.wallSeconds).toFixed(1)}x` : '-',
      peer && run.dataset === 'uci' ? `${(peer.fastest.total_s / run.wallSeconds).toFixed(2)}x` : '-',
    ];
  });
  console.log(formatTable(header, rows));
  for (const [dataset, reference] of Object.entries(references)) {
    console.log(
      `tutorial PyTorch anchor (${dataset}): ${reference.estimatedSeconds.toFixed(0)} s for ${epochs} epochs, estimated from one measured UCI epoch`,
    );
  }
  if (torch) console.log(`  measured: ${JSON.stringify(torch.measured)}`);
  if (peer) {
    console.log(
      `careful-PyTorch anchor (UCI, encode once + ${epochs} head epochs, no start-up or evaluation counted): ${peer.lines.map((line) => `${line.dtype} ${line.total_s.toFixed(1)} s (encode ${line.encode_s.toFixed(1)} s, ${line.encode_sent_per_s} sent/s; head ${line.head_samples_per_s} samples/s)`).join('; ')}; ratios against ${peer.fastest.dtype}`,
    );
  }
  if (agreement)
    console.log(
      `q8 vs fp32 (${agreement.sentences} SST-2 dev sentences, ${agreement.pooling} pooling): mean cosine ${agreement.meanCosine.toFixed(5)}, min ${agreement.minCosine.toFixed(5)}; fp32 ${agreement.fp32SentencesPerSecond.toFixed(0)} vs q8 ${agreement.q8SentencesPerSecond.toFixed(0)} sentences/s`,
    );

  await mkdir(dirname(options.out), { recursive: true });
  await writeFile(
    options.out,
    `${JSON.stringify({ date: new Date().toISOString(), model, epochs, runs, references, peer, agreement }, null, 2)}\n`,
  );
  console.log(`\nwrote ${options.out}`);
  await rm(work, { recursive: true, force: true });
}
