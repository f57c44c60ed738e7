// End-to-end benchmark: senti's `train` (the real CLI, one process per run) stage by stage, cold and warm feature
// cache, fp32 and q8, against the tutorial's PyTorch pipeline measured in the same run. Prints a table, writes JSON.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { combinedSst2, firstSentences } from './datasets.js';
import { q8Agreement, type Agreement } from './q8-agreement.js';
import { runSentiTrain, type SentiRun } from './senti-run.js';
import { measureTorchReference, type TorchReference } from './torch-reference.js';
import { formatTable } from './format-table.js';
import { requantizedModel } from './requantized-model.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const args = process.argv.slice(2);
const { values } = parseArgs({
  args: args[0] === '--' ? args.slice(1) : args,
  options: {
    model: { type: 'string', default: '/tmp/bert-base-random' },
    shared: { type: 'string', default: resolve(repoRoot, '..', 'shared') },
    datasets: { type: 'string', default: 'uci,sst2' },
    'no-torch': { type: 'boolean', default: false },
    'agreement-sentences': { type: 'string', default: '500' },
    'agreement-model': { type: 'string' },
    out: { type: 'string', default: join(repoRoot, 'tools', 'bench', 'results.json') },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(`usage: pnpm --filter @senti/bench start -- [--model DIR] [--shared DIR] [--datasets uci,sst2] [--no-torch] [--out FILE]
  --model   BERT-base-shaped model dir (make it with ../shared/tools/make-bert-base-random DIR); default /tmp/bert-base-random
  --agreement-model  dir whose onnx/model_quantized.onnx is the quantization of its onnx/model.onnx
            (default: MODEL-requantized, made with tools/bench/quantize-dynamic.py: the random model's own int8 graph
            has independent random weights, so comparing it with fp32 says nothing)
  --shared  the shared folder with datasets/ and tools/tutorial-pipeline-torch.py; default ../shared beside the repo
`);
  process.exit(0);
}

const model = resolve(values.model!);
const shared = resolve(values.shared!);
const work = join(tmpdir(), `senti-bench-${process.pid}`);
const datasets = values.datasets!.split(',');
const epochs = 10;
const runs: (SentiRun & { dataset: string })[] = [];
const references: Record<string, { measured: unknown; estimatedSeconds: number }> = {};
let agreement: Agreement | undefined;

console.log(`senti end-to-end benchmark: model ${model}, ${epochs} epochs, batch 32; CPU cores: ${(await import('node:os')).cpus().length}`);
console.log('each senti row is one `senti train --device cpu` process (start-up included in wall); PyTorch measured in this same run\n');

const uci = join(repoRoot, 'fixtures', 'uci-sentences.csv');
const plan: { name: string; csv: () => Promise<string>; configs: { label: string; dtype: 'q8' | 'fp32'; cache: string; extra: string[] }[] }[] = [];
if (datasets.includes('uci')) {
  plan.push({
    name: 'uci',
    csv: async () => uci,
    configs: [
      { label: 'q8, cold cache', dtype: 'q8', cache: 'uci-q8', extra: [] },
      { label: 'q8, warm cache, other head lr', dtype: 'q8', cache: 'uci-q8', extra: ['--lr', '0.003'] },
      { label: 'fp32, cold cache', dtype: 'fp32', cache: 'uci-fp32', extra: [] },
    ],
  });
}
if (datasets.includes('sst2')) {
  plan.push({
    name: 'sst2',
    csv: () => combinedSst2(shared, work),
    configs: [
      { label: 'q8, cold cache', dtype: 'q8', cache: 'sst2-q8', extra: [] },
      { label: 'q8, warm cache, other head lr', dtype: 'q8', cache: 'sst2-q8', extra: ['--lr', '0.003'] },
    ],
  });
}

for (const dataset of plan) {
  const csv = await dataset.csv();
  for (const config of dataset.configs) {
    process.stderr.write(`running ${dataset.name}: ${config.label} ...\n`);
    const run = await runSentiTrain(repoRoot, config.label, ['--data', csv, '--model', model, '--dtype', config.dtype, '--device', 'cpu', '--epochs', String(epochs), '--keep-duplicates', '--out', join(work, `${dataset.name}-${runs.length}`), ...config.extra], {
      SENTI_CACHE_DIR: join(work, 'cache', config.cache),
      SENTI_OFFLINE: '1',
    });
    runs.push({ ...run, dataset: dataset.name });
  }
}

let torch: TorchReference | undefined;
if (!values['no-torch']) {
  process.stderr.write('running the PyTorch reference (1 epoch on UCI, scaled) ...\n');
  torch = await measureTorchReference(join(shared, 'tools', 'tutorial-pipeline-torch.py'), uci);
  if (torch) {
    for (const dataset of new Set(runs.map((run) => run.dataset))) {
      const rows = runs.find((run) => run.dataset === dataset)!.summary.rows;
      references[dataset] = { measured: torch.measured, estimatedSeconds: torch.estimatedSeconds(epochs, rows) };
    }
  }
}

process.stderr.write('measuring q8 vs fp32 agreement on SST-2 sentences ...\n');
const agreementModel = await requantizedModel(model, values['agreement-model']);
agreement = await q8Agreement(agreementModel, await firstSentences(join(shared, 'datasets', 'sst2-dev.csv'), Number(values['agreement-sentences'])), 64, 'pooler');

const header = ['data', 'run', 'load+split', 'load enc', 'tokenize', 'encode', 'train 10 ep', 'evaluate', 'write', 'total', 'wall', 'enc sent/s', 'head samp/s', 'peak RSS', 'vs torch'];
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
    s.write.toFixed(2),
    s.total.toFixed(1),
    run.wallSeconds.toFixed(1),
    encoded > 0 ? Math.round(encoded / s.encode).toString() : '(cached)',
    Math.round(headSamples / s.train).toString(),
    `${run.summary.peakRssMiB} MiB`,
    reference ? `${(reference / run.wallSeconds).toFixed(1)}x` : '-',
  ];
});
console.log(formatTable(header, rows));
for (const [dataset, reference] of Object.entries(references)) {
  console.log(`PyTorch reference (${dataset}): ${reference.estimatedSeconds.toFixed(0)} s for ${epochs} epochs, estimated from one measured UCI epoch`);
}
if (torch) console.log(`  measured: ${JSON.stringify(torch.measured)}`);
console.log(`q8 vs fp32 (${agreement.sentences} SST-2 dev sentences, ${agreement.pooling} pooling): mean cosine ${agreement.meanCosine.toFixed(5)}, min ${agreement.minCosine.toFixed(5)}; fp32 ${agreement.fp32SentencesPerSecond.toFixed(0)} vs q8 ${agreement.q8SentencesPerSecond.toFixed(0)} sentences/s`);

await mkdir(dirname(values.out!), { recursive: true });
await writeFile(values.out!, `${JSON.stringify({ date: new Date().toISOString(), model, epochs, runs, references, agreement }, null, 2)}\n`);
console.log(`\nwrote ${values.out}`);
await rm(work, { recursive: true, force: true });
