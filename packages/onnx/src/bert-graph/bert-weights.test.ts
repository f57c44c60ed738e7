// Hostile checkpoints and configs for the safetensors -> BERT graph route: each gives one clear error line.
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NamedTensor } from '../safetensors.js';
import { bertGraphConfig, readBertGraphConfig } from './bert-graph-config.js';
import { writeBertEncoderDir } from './bert-encoder-dir.js';
import { bertWeightsFromSafetensors } from './bert-weights.js';
import { buildBertGraph } from './build-bert-graph.js';
import { writeSafetensors } from './safetensors-writer.js';
import { TINY_CONFIG, tinyTensors } from '../testing/bert-graph-fixtures.js';

let dir: string;
let tiny: Map<string, NamedTensor>;
let tinyConfig: Record<string, unknown>;
let count = 0;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'senti-bert-weights-'));
  tiny = await tinyTensors();
  tinyConfig = JSON.parse(await readFile(TINY_CONFIG, 'utf8')) as Record<string, unknown>;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Row {
  name: string;
  /** Change the tiny checkpoint's tensors (a copy) before it is written. */
  tensors?: (tensors: Map<string, NamedTensor>) => void;
  /** Change the tiny config.json (a copy). */
  config?: (config: Record<string, unknown>) => void;
  /** Replace the checkpoint by other files; returns what to read. */
  source?: (file: string) => Promise<string | string[]>;
  /** Ask the builder for the pooler. */
  pooler?: boolean;
  /** `{file}` stands for the checkpoint file read. */
  error: { code: string; message: string };
}

const drop = (name: string) => (tensors: Map<string, NamedTensor>) => {
  tensors.delete(name);
};
const reshape = (name: string, shape: number[]) => (tensors: Map<string, NamedTensor>) => {
  tensors.set(name, { shape, values: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
};

const rows: Row[] = [
  {
    name: 'a layer tensor missing',
    tensors: drop('encoder.layer.1.output.LayerNorm.bias'),
    error: {
      code: 'MODEL_NO_LAYER_WEIGHTS',
      message:
        '{file} has no tensor "encoder.layer.1.output.LayerNorm.bias" (looked for "encoder.layer.1.output.LayerNorm.bias", "bert.encoder.layer.1.output.LayerNorm.bias", "encoder.layer.1.output.LayerNorm.beta", "bert.encoder.layer.1.output.LayerNorm.beta"); a BERT checkpoint with 2 layers (config.json) needs it',
    },
  },
  {
    name: 'the word embeddings missing',
    tensors: drop('embeddings.word_embeddings.weight'),
    error: {
      code: 'MODEL_NO_LAYER_WEIGHTS',
      message:
        'has no tensor "embeddings.word_embeddings.weight" (looked for "embeddings.word_embeddings.weight", "bert.embeddings.word_embeddings.weight")',
    },
  },
  {
    name: 'config.json says more layers than the checkpoint has',
    config: (c) => {
      c.num_hidden_layers = 3;
    },
    error: { code: 'MODEL_NO_LAYER_WEIGHTS', message: 'has no tensor "encoder.layer.2.attention.self.query.weight"' },
  },
  {
    name: 'a query weight of the wrong shape',
    tensors: reshape('encoder.layer.0.attention.self.query.weight', [16, 32]),
    error: {
      code: 'MODEL_BAD_LAYER_WEIGHTS',
      message:
        '{file}: tensor "encoder.layer.0.attention.self.query.weight" has shape [16, 32], but config.json implies [32, 32]',
    },
  },
  {
    name: 'config.json with another vocabulary size',
    config: (c) => {
      c.vocab_size = 1000;
    },
    error: {
      code: 'MODEL_BAD_LAYER_WEIGHTS',
      message: 'tensor "embeddings.word_embeddings.weight" has shape [30522, 32], but config.json implies [1000, 32]',
    },
  },
  {
    name: 'config.json with another intermediate size',
    config: (c) => {
      c.intermediate_size = 128;
    },
    error: {
      code: 'MODEL_BAD_LAYER_WEIGHTS',
      message:
        'tensor "encoder.layer.0.intermediate.dense.weight" has shape [64, 32], but config.json implies [128, 32]',
    },
  },
  {
    name: 'a pooler of the wrong shape',
    tensors: reshape('pooler.dense.bias', [31]),
    error: {
      code: 'MODEL_BAD_LAYER_WEIGHTS',
      message: 'tensor "pooler.dense.bias" has shape [31], but config.json implies [32]',
    },
  },
  {
    name: 'pooler asked of a checkpoint without one',
    tensors: (t) => {
      t.delete('pooler.dense.weight');
      t.delete('pooler.dense.bias');
    },
    pooler: true,
    error: {
      code: 'MODEL_NO_POOLER',
      message:
        '{file} has no pooler ("pooler.dense.weight", "pooler.dense.bias"); use cls or mean pooling with this checkpoint',
    },
  },
  {
    name: 'the same tensor with and without bert.',
    tensors: (t) => {
      t.set('bert.pooler.dense.bias', t.get('pooler.dense.bias')!);
    },
    error: {
      code: 'MODEL_BAD_SAFETENSORS',
      message: 'tensor "bert.pooler.dense.bias" is a second copy of "pooler.dense.bias"',
    },
  },
  {
    name: 'not a safetensors file',
    source: async (file) => {
      await writeFile(file, 'not safetensors at all');
      return file;
    },
    error: { code: 'MODEL_BAD_SAFETENSORS', message: 'is not a readable safetensors file: header size' },
  },
  {
    name: 'no such file',
    source: async (file) => `${file}.missing`,
    error: { code: 'MODEL_BAD_SAFETENSORS', message: 'cannot read {file}.missing: ' },
  },
  {
    name: 'a shard index naming a missing shard',
    source: async (file) => {
      const index = `${file}.index.json`;
      await writeFile(
        index,
        JSON.stringify({
          weight_map: {
            'embeddings.word_embeddings.weight': path.basename(file),
            'pooler.dense.bias': 'gone.safetensors',
          },
        }),
      );
      return index;
    },
    error: { code: 'MODEL_BAD_SAFETENSORS', message: `gone.safetensors (a shard listed in {file}.index.json): ` },
  },
  {
    name: 'a shard index without a weight map',
    source: async (file) => {
      await writeFile(`${file}.index.json`, '{"metadata": {}}');
      return `${file}.index.json`;
    },
    error: {
      code: 'MODEL_BAD_SAFETENSORS',
      message: '{file}.index.json: "weight_map" must map tensor names to shard file names',
    },
  },
  {
    name: 'a shard index pointing outside its folder',
    source: async (file) => {
      await writeFile(`${file}.index.json`, '{"weight_map": {"a": "../a.safetensors"}}');
      return `${file}.index.json`;
    },
    error: { code: 'MODEL_BAD_SAFETENSORS', message: 'shard "../a.safetensors" must be a file name beside the index' },
  },
  {
    name: 'an empty list of shards',
    source: async () => [],
    error: { code: 'MODEL_NO_LAYER_WEIGHTS', message: 'no safetensors files were given to build the BERT graph from' },
  },
  {
    name: 'tanh-approximate GELU',
    config: (c) => {
      c.hidden_act = 'gelu_new';
    },
    error: {
      code: 'MODEL_BAD_CONFIG',
      message:
        '{config}: hidden_act "gelu_new" is not supported; senti\'s BERT graph implements the exact (erf) "gelu"',
    },
  },
  {
    name: 'a RoBERTa config',
    config: (c) => {
      c.model_type = 'roberta';
    },
    error: {
      code: 'MODEL_BAD_CONFIG',
      message: 'model_type is "roberta"; senti builds the encoder graph from safetensors for "bert" only',
    },
  },
  {
    name: 'relative position embeddings',
    config: (c) => {
      c.position_embedding_type = 'relative_key';
    },
    error: { code: 'MODEL_BAD_CONFIG', message: 'position_embedding_type "relative_key" is not supported' },
  },
  {
    name: 'heads that do not divide the hidden size',
    config: (c) => {
      c.num_attention_heads = 3;
    },
    error: { code: 'MODEL_BAD_CONFIG', message: 'hidden_size 32 is not a multiple of num_attention_heads 3' },
  },
  {
    name: 'hidden size as a string',
    config: (c) => {
      c.hidden_size = '32';
    },
    error: { code: 'MODEL_BAD_CONFIG', message: '"hidden_size" must be a positive integer, got "32"' },
  },
];

describe('hostile checkpoints for the BERT graph builder', () => {
  it.each(rows)('$name', async (row) => {
    const file = path.join(dir, `case-${count++}.safetensors`);
    const configFile = `${file}.config.json`;
    const tensors = new Map(tiny);
    row.tensors?.(tensors);
    await writeSafetensors(file, tensors);
    const raw = structuredClone(tinyConfig);
    row.config?.(raw);
    const source = row.source ? await row.source(file) : file;
    const attempt = async () => {
      const config = bertGraphConfig(raw, configFile);
      const weights = await bertWeightsFromSafetensors(source, config);
      return buildBertGraph(weights, config, { pooler: row.pooler ?? weights.hasPooler, clsOnlyLastLayer: false });
    };
    const error = await attempt().then(
      () => undefined,
      (thrown: unknown) => thrown as { code: string; message: string },
    );
    expect(error, 'expected an error').toBeDefined();
    expect(error!.code).toBe(row.error.code);
    expect(error!.message).toContain(row.error.message.replaceAll('{file}', file).replaceAll('{config}', configFile));
    expect(error!.message).not.toContain('\n');
    if (process.env.SHOW_ERRORS) console.info(`${error!.code}: ${error!.message}`);
  });

  it('names a missing or unreadable config.json in one line, and writes no directory', async () => {
    const out = path.join(dir, 'never-written');
    await expect(
      writeBertEncoderDir(path.join(dir, 'x.safetensors'), path.join(dir, 'absent.json'), out),
    ).rejects.toMatchObject({
      code: 'MODEL_NO_CONFIG',
      message: `cannot read ${path.join(dir, 'absent.json')}: building the BERT graph from safetensors needs the model's config.json`,
    });
    const broken = path.join(dir, 'broken.json');
    await writeFile(broken, '{"hidden_size": 32,');
    await expect(readBertGraphConfig(broken)).rejects.toMatchObject({
      code: 'MODEL_BAD_CONFIG',
      message: expect.stringContaining(`${broken} is not JSON: `),
    });
    await writeFile(broken, '[1, 2]');
    await expect(readBertGraphConfig(broken)).rejects.toMatchObject({
      code: 'MODEL_BAD_CONFIG',
      message: `${broken} must hold a JSON object`,
    });
    await expect(readFile(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('builds without pooler_output when the checkpoint has no pooler and none is asked for', async () => {
    const file = path.join(dir, 'no-pooler.safetensors');
    const tensors = new Map(tiny);
    tensors.delete('pooler.dense.weight');
    tensors.delete('pooler.dense.bias');
    await writeSafetensors(file, tensors);
    const config = bertGraphConfig(tinyConfig, TINY_CONFIG);
    const weights = await bertWeightsFromSafetensors(file, config);
    expect(weights.hasPooler).toBe(false);
    const model = buildBertGraph(weights, config, { pooler: false, clsOnlyLastLayer: true });
    expect(model.graph.output!.map((output) => output.name)).toEqual(['last_hidden_state']);
  });
});
