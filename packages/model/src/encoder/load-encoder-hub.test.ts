import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubServer, type HubServer } from '@senti/fixtures';
import type { DownloadEvent } from '@senti/tokenize';
import { loadEncoder } from './load-encoder.js';
import { readEncoderReference, TINY_BERT } from '../testing/encoder-fixtures.js';
import type { Dtype, Encoder, LoadEncoderOptions } from './types.js';

const noGpu = async () => ({ cudaProvider: false, webgpuAdapter: false, webgpuDetail: 'test' });
const reference = readEncoderReference();
let server: HubServer;
let hubCache: string;
let int8Cache: string;
const open: Encoder[] = [];

async function load(options: LoadEncoderOptions): Promise<Encoder> {
  const encoder = await loadEncoder({ device: 'cpu', cacheDir: int8Cache, ...options }, noGpu);
  open.push(encoder);
  return encoder;
}

beforeAll(async () => {
  server = await startHubServer({ repos: { 'org/tiny': { dir: TINY_BERT } } });
  hubCache = await mkdtemp(path.join(os.tmpdir(), 'senti-hub-cache-'));
  int8Cache = await mkdtemp(path.join(os.tmpdir(), 'senti-int8-'));
  Object.assign(process.env, { HF_ENDPOINT: server.url, HF_HUB_CACHE: hubCache });
});
afterAll(async () => {
  await Promise.all(open.map((encoder) => encoder.dispose()));
  delete process.env.HF_ENDPOINT;
  delete process.env.HF_HUB_CACHE;
  await server.close();
  await Promise.all([hubCache, int8Cache].map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('loadEncoder of a Hub id through HF_ENDPOINT', () => {
  it.each<Dtype>(['fp32', 'int8'])(
    "downloads into the Hugging Face cache and gives the local directory's features (%s)",
    async (dtype) => {
      const events: DownloadEvent[] = [];
      const hub = await load({
        model: 'org/tiny',
        dtype,
        pooling: 'mean',
        offline: false,
        onDownload: (event) => events.push(event),
      });
      const local = await load({ model: TINY_BERT, dtype, pooling: 'mean', offline: true });
      const commit = server.repos.get('org/tiny')!.commit;
      expect(hub.source).toMatchObject({
        kind: 'dir',
        id: 'org/tiny',
        repo: 'org/tiny',
        commit,
        path: path.join(hubCache, 'models--org--tiny', 'snapshots', commit),
      });
      expect(hub.info).toEqual({ ...local.info, model: 'org/tiny' });
      const [fromHub, fromDir] = await Promise.all([
        hub.encode(reference.sentences, { maxLength: 17 }),
        local.encode(reference.sentences, { maxLength: 17 }),
      ]);
      expect(Array.from(fromHub)).toEqual(Array.from(fromDir));
      if (dtype === 'fp32')
        expect(events.filter((event) => event.type === 'download-done').map((event) => event.file)).toContain(
          'onnx/model.onnx',
        );
    },
  );

  it('loads again from the cache without a request, online or offline', async () => {
    await load({ model: 'org/tiny', dtype: 'fp32', offline: false });
    server.requests.length = 0;
    await load({ model: 'org/tiny', dtype: 'fp32', offline: false });
    await load({ model: 'org/tiny@main', dtype: 'int8', offline: true });
    expect(server.requests).toEqual([]);
  });
});
