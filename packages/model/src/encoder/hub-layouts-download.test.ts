import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUB_REPLICAS, startHubServer, type HubServer } from '@senti/fixtures';
import { loadEncoder } from './load-encoder.js';
import { readEncoderReference } from '../testing/encoder-fixtures.js';
import type { DtypeChoice } from './choose-dtype.js';
import type { Encoder, LoadEncoderOptions } from './types.js';

// Every Hub layout senti reads (fixtures/hub), served by the local Hub stand-in: the download must bring exactly what
// the local directory route needs, so features, identity and layout match loading the replica directory itself.
const replicaNames = readdirSync(HUB_REPLICAS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const { sentences, maxLength } = readEncoderReference();
const noGpu = async () => ({ cudaProvider: false });
let server: HubServer;
let hubCache: string;
let buildCache: string;
const open: Encoder[] = [];

async function load(options: LoadEncoderOptions): Promise<Encoder> {
  const encoder = await loadEncoder({ device: 'cpu', cacheDir: buildCache, ...options }, noGpu);
  open.push(encoder);
  return encoder;
}

beforeAll(async () => {
  server = await startHubServer({
    repos: Object.fromEntries(replicaNames.map((name) => [`replicas/${name}`, { dir: path.join(HUB_REPLICAS, name) }])),
  });
  hubCache = await mkdtemp(path.join(tmpdir(), 'senti-hub-cache-'));
  buildCache = await mkdtemp(path.join(tmpdir(), 'senti-builds-'));
  Object.assign(process.env, { HF_ENDPOINT: server.url, HF_HUB_CACHE: hubCache });
});
afterAll(async () => {
  await Promise.all(open.map((encoder) => encoder.dispose()));
  delete process.env.HF_ENDPOINT;
  delete process.env.HF_HUB_CACHE;
  await server.close();
  await Promise.all([hubCache, buildCache].map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('each Hub layout through HF_ENDPOINT equals its local directory', () => {
  it('serves every replica', () => {
    expect(replicaNames.length).toBeGreaterThanOrEqual(5);
  });

  const dtypes = (name: string): DtypeChoice[] => [
    'fp32',
    'auto',
    ...(existsSync(path.join(HUB_REPLICAS, name, 'onnx', 'model_quantized.onnx')) ? (['q8'] as const) : []),
  ];
  it.each(replicaNames.flatMap((name) => dtypes(name).map((dtype) => ({ name, dtype }))))(
    '$name ($dtype)',
    async ({ name, dtype }) => {
      const hub = await load({ model: `replicas/${name}`, dtype, offline: false });
      const local = await load({ model: path.join(HUB_REPLICAS, name), dtype, offline: true });
      expect(hub.info).toEqual({ ...local.info, model: `replicas/${name}` });
      expect(hub.layout).toEqual(local.layout);
      const [fromHub, fromDir] = await Promise.all([
        hub.encode(sentences, { maxLength }),
        local.encode(sentences, { maxLength }),
      ]);
      expect(Array.from(fromHub)).toEqual(Array.from(fromDir));
    },
  );
});
