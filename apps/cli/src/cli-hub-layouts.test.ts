import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUB_REPLICAS, startHubServer, syntheticReviewsCsv, type HubServer } from '@senti/fixtures';
import { runCli } from './testing/run-cli.js';

// The layouts users download, served under the ids users type by a local stand-in for the Hub (HF_ENDPOINT), each
// a tiny replica made with torch (fixtures/hub): train, predict and export as a user would, with no --model for the default.
let dir: string;
let server: HubServer;
let data: string;

const REPOS = {
  'google-bert/bert-base-uncased': 'bert-safetensors',
  'Xenova/bert-base-uncased': 'bert-fill-mask',
  'sentence-transformers/all-MiniLM-L6-v2': 'sentence-transformers-mean',
  'Xenova/distilbert-base-uncased': 'distilbert',
  'Xenova/roberta-base': 'roberta',
} as const;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'senti-hub-layouts-cli-'));
  server = await startHubServer({
    repos: Object.fromEntries(Object.entries(REPOS).map(([id, replica]) => [id, { dir: join(HUB_REPLICAS, replica) }])),
  });
  data = join(dir, 'reviews.csv');
  await writeFile(data, syntheticReviewsCsv({ rows: 200, classes: ['negative', 'positive'], seed: 4 }));
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const env = (): Record<string, string> => ({
  SENTI_OFFLINE: '',
  HF_ENDPOINT: server.url,
  HF_HUB_CACHE: join(dir, 'hub'),
  SENTI_CACHE_DIR: join(dir, 'cache'),
});

describe('senti on the layouts users download, through HF_ENDPOINT', { timeout: 600_000 }, () => {
  it.each([
    {
      name: 'the default (google-bert/bert-base-uncased, safetensors only)',
      model: undefined,
      pooling: 'pooler',
      says: /safetensors weights: senti wrote the ONNX encoder graph/,
      architecture: 'BertForSequenceClassification',
    },
    {
      name: 'Xenova/bert-base-uncased (fill-mask ONNX)',
      model: 'Xenova/bert-base-uncased',
      pooling: 'cls',
      says: /BertForMaskedLM export: cut at the last hidden state/,
      architecture: 'BertForSequenceClassification',
    },
    {
      name: 'sentence-transformers/all-MiniLM-L6-v2 (feature extraction)',
      model: 'sentence-transformers/all-MiniLM-L6-v2',
      pooling: 'mean',
      says: /pooling as the model configures it \(1_Pooling\/config\.json\)/,
      architecture: 'BertForSequenceClassification',
    },
    {
      name: 'Xenova/distilbert-base-uncased (DistilBERT)',
      model: 'Xenova/distilbert-base-uncased',
      pooling: 'cls',
      says: /encoder {2}Xenova\/distilbert-base-uncased/,
      architecture: 'DistilBertForSequenceClassification',
    },
    {
      name: 'Xenova/roberta-base (RoBERTa: byte-level BPE, no token_type_ids)',
      model: 'Xenova/roberta-base',
      pooling: 'cls',
      says: /encoder {2}Xenova\/roberta-base/,
      architecture: 'RobertaForSequenceClassification',
    },
  ])('$name: train, predict and export work and say what they did', async ({ model, pooling, says, architecture }) => {
    const run = join(dir, `run-${model?.replace(/\W/g, '-') ?? 'default'}`);
    const trained = await runCli(
      ['train', '--data', data, '--epochs', '2', '--out', run, ...(model ? ['--model', model] : [])],
      { env: env() },
    );
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stdout).toMatch(says);
    expect(trained.stdout).toContain(`${pooling} pooling`);
    const predicted = await runCli(['predict', '--model-dir', run, '--json', 'a great film', 'dull and far too long'], {
      env: { ...env(), SENTI_OFFLINE: '1' },
    });
    expect(predicted.code, predicted.stderr).toBe(0);
    expect((JSON.parse(predicted.stdout) as unknown[]).length).toBe(2);
    const out = join(dir, `export-${model?.replace(/\W/g, '-') ?? 'default'}`);
    const exported = await runCli(['export', '--model-dir', run, out], { env: { ...env(), SENTI_OFFLINE: '1' } });
    expect(exported.code, exported.stderr).toBe(0);
    expect(
      (JSON.parse(await readFile(join(out, 'config.json'), 'utf8')) as { architectures: string[] }).architectures,
    ).toEqual([architecture]);
  });

  it('--preset tutorial on a masked-LM export is one line naming what works', async () => {
    const result = await runCli(
      [
        'train',
        '--data',
        data,
        '--model',
        'Xenova/bert-base-uncased',
        '--preset',
        'tutorial',
        '--out',
        join(dir, 'run-tutorial'),
      ],
      { env: env() },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^senti: pooling "pooler" needs BERT's pooler, but "Xenova\/bert-base-uncased" is a masked-LM \(fill-mask\) export, which has no pooler; use pooling "cls" or "mean", or a checkpoint with its pooler such as google-bert\/bert-base-uncased/m,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
