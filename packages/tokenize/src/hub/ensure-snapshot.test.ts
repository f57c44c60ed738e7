import { createHash } from 'node:crypto';
import {
  existsSync,
  symlinkSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
  mkdirSync,
  readdirSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHubServer, TINY_BERT, type HubServer } from '@senti/fixtures';
import { resolveModelSource } from '../model-source.js';
import type { DownloadEvent } from './download-events.js';
import { ensureModelSnapshot, type EnsureModelSnapshotOptions } from './ensure-snapshot.js';
import type { HubEnvironment } from './hub-environment.js';

const TOKEN = 'hf_test_token';

/** A repository with sharded safetensors weights (the bytes are not read, only downloaded). */
function shardedRepo(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'senti-sharded-'));
  for (const file of ['config.json', 'tokenizer.json'])
    writeFileSync(path.join(dir, file), readFileSync(path.join(TINY_BERT, file)));
  const shards = {
    'model-00001-of-00002.safetensors': 'first shard',
    'model-00002-of-00002.safetensors': 'second shard',
  };
  for (const [name, text] of Object.entries(shards)) writeFileSync(path.join(dir, name), text);
  writeFileSync(
    path.join(dir, 'model.safetensors.index.json'),
    JSON.stringify({
      weight_map: {
        'a.weight': 'model-00001-of-00002.safetensors',
        'b.weight': 'model-00002-of-00002.safetensors',
        'c.weight': 'model-00001-of-00002.safetensors',
      },
    }),
  );
  return dir;
}
let server: HubServer;
let cacheDir: string;
/** An endpoint nothing listens on (a port just released): connections are refused. */
let closedEndpoint: string;
let shardedDir: string;

/** Compares file contents by hash: vitest's deep equality on megabyte buffers takes tens of seconds. */
const digest = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  server = await startHubServer({
    token: TOKEN,
    repos: {
      'org/tiny': { dir: TINY_BERT },
      'org/gated': { dir: TINY_BERT, access: 'gated' },
      'org/private': { dir: TINY_BERT, access: 'private' },
      'org/no-weights': { dir: TINY_BERT, files: ['config.json', 'tokenizer.json', 'tokenizer_config.json'] },
      'org/safetensors': {
        dir: TINY_BERT,
        files: ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors'],
      },
      'org/sharded': { dir: (shardedDir = shardedRepo()) },
    },
  });
});
beforeAll(async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedEndpoint = `http://127.0.0.1:${(probe.address() as { port: number }).port}`;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});
afterAll(async () => {
  await server.close();
  rmSync(shardedDir, { recursive: true, force: true });
});
afterEach(() => {
  server.requests.length = 0;
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
});

function freshCache(): string {
  cacheDir = mkdtempSync(path.join(tmpdir(), 'senti-hub-cache-'));
  return cacheDir;
}

function environment(overrides: Partial<HubEnvironment> = {}): HubEnvironment {
  return { endpoint: server.url, token: undefined, offline: false, cacheDir: cacheDir ?? freshCache(), ...overrides };
}

function ensure(model: string, options: EnsureModelSnapshotOptions & { offline?: boolean } = {}) {
  const { offline, ...rest } = options;
  return ensureModelSnapshot(resolveModelSource(model, { offline: offline ?? false }), {
    retry: { attempts: 3, delayMs: 1 },
    environment: environment(),
    ...rest,
  });
}

const repoRoot = (repo: string): string => path.join(cacheDir, `models--${repo.replace('/', '--')}`);

describe('ensureModelSnapshot', () => {
  it('downloads the files senti needs into the standard Hugging Face cache layout', async () => {
    freshCache();
    const events: DownloadEvent[] = [];
    const snapshot = await ensure('org/tiny', { weights: 'fp32', onDownload: (event) => events.push(event) });
    const commit = server.repos.get('org/tiny')!.commit;
    expect(snapshot).toMatchObject({
      repo: 'org/tiny',
      revision: 'main',
      commit,
      dir: path.join(repoRoot('org/tiny'), 'snapshots', commit),
    });
    expect(snapshot.files).toEqual(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']);
    expect(readFileSync(path.join(repoRoot('org/tiny'), 'refs', 'main'), 'utf8')).toBe(commit);
    for (const file of snapshot.files) {
      const link = path.join(snapshot.dir, file);
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(path.isAbsolute(readlinkSync(link))).toBe(false);
      expect(digest(readFileSync(link))).toBe(digest(readFileSync(path.join(TINY_BERT, file))));
    }
    const served = server.repos.get('org/tiny')!.files;
    // LFS files are named by sha256, regular ones by their git blob id, as huggingface_hub names them.
    expect(readdirSync(path.join(repoRoot('org/tiny'), 'blobs')).sort()).toEqual(
      snapshot.files
        .map((file) =>
          served.get(file)!.content.length >= 1024 * 1024 ? served.get(file)!.sha256 : served.get(file)!.gitSha1,
        )
        .sort(),
    );
    expect(existsSync(path.join(snapshot.dir, 'model.safetensors'))).toBe(false);
    expect(existsSync(path.join(repoRoot('org/tiny'), '.no_exist', commit, 'vocab.txt'))).toBe(true);
    const onnx = events.filter((event) => event.file === 'onnx/model.onnx');
    expect(onnx[0]).toMatchObject({
      type: 'download-start',
      total: served.get('onnx/model.onnx')!.content.length,
      resumedFrom: 0,
    });
    expect(onnx.at(-2)).toMatchObject({
      type: 'download',
      bytes: onnx[0]!.total as number,
      total: onnx[0]!.total as number,
    });
    expect(onnx.at(-1)).toMatchObject({ type: 'download-done' });
  });

  it('serves a second call from the cache without any request, and adds a dtype file when asked (that file alone)', async () => {
    freshCache();
    await ensure('org/tiny', { weights: 'fp32' });
    server.requests.length = 0;
    const again = await ensure('org/tiny', { weights: 'fp32' });
    expect(server.requests).toEqual([]);
    expect(again.downloaded).toEqual([]);
    const q8 = await ensure('org/tiny', { weights: 'q8' });
    expect(q8.downloaded).toEqual(['onnx/model_quantized.onnx']);
    expect(server.requests.filter((request) => request.server === 'cdn').map((request) => request.path)).toEqual([
      `/lfs/${server.repos.get('org/tiny')!.files.get('onnx/model_quantized.onnx')!.sha256}`,
    ]);
  });

  it('a q8 user downloads the q8 file alone, not the fp32 export beside it', async () => {
    freshCache();
    const q8 = await ensure('org/tiny', { weights: 'q8' });
    expect(q8.downloaded.filter((file) => file.startsWith('onnx/'))).toEqual(['onnx/model_quantized.onnx']);
  });

  it('takes model.safetensors when the repository has no ONNX export, and pins a revision by commit', async () => {
    freshCache();
    const commit = server.repos.get('org/safetensors')!.commit;
    const snapshot = await ensure(`org/safetensors@${commit}`, { weights: 'auto' });
    expect(snapshot.files).toEqual(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors']);
    expect(snapshot.commit).toBe(commit);
    expect(existsSync(path.join(repoRoot('org/safetensors'), 'refs'))).toBe(false);
  });

  it('takes sharded safetensors: the index, then every shard it names', async () => {
    freshCache();
    const snapshot = await ensure('org/sharded', { weights: 'fp32' });
    expect(snapshot.files).toEqual([
      'config.json',
      'tokenizer.json',
      'model.safetensors.index.json',
      'model-00001-of-00002.safetensors',
      'model-00002-of-00002.safetensors',
    ]);
    expect(readFileSync(path.join(snapshot.dir, 'model-00002-of-00002.safetensors'), 'utf8')).toBe('second shard');
    server.requests.length = 0;
    await ensure('org/sharded', { weights: 'fp32' });
    expect(server.requests).toEqual([]);
  });

  it('sends HF_TOKEN to the endpoint only, never to the CDN it redirects to', async () => {
    freshCache();
    await ensure('org/gated', { weights: 'fp32', environment: environment({ token: TOKEN }) });
    const hub = server.requests.filter((request) => request.server === 'hub');
    const cdn = server.requests.filter((request) => request.server === 'cdn');
    expect(hub.length).toBeGreaterThan(0);
    expect(cdn.length).toBeGreaterThan(0);
    expect(hub.every((request) => request.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(cdn.every((request) => request.authorization === undefined)).toBe(true);
  });

  it('resumes a dropped connection with a Range request and checks the result', async () => {
    freshCache();
    server.fault({ path: '/lfs/', method: 'GET', dropAfter: 1_000_000 });
    const snapshot = await ensure('org/tiny', { weights: 'fp32' });
    const gets = server.requests.filter((request) => request.server === 'cdn');
    // The second GET asks for the rest from the bytes that reached the disk (at most the 1,000,000 sent).
    expect(gets).toHaveLength(2);
    expect(gets[0]!.range).toBeUndefined();
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(gets[1]!.range ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(1_000_000);
    expect(digest(readFileSync(path.join(snapshot.dir, 'onnx/model.onnx')))).toBe(
      server.repos.get('org/tiny')!.files.get('onnx/model.onnx')!.sha256,
    );
  });

  it('resumes the .incomplete file an interrupted run left, taking over its stale lock', async () => {
    freshCache();
    const file = server.repos.get('org/tiny')!.files.get('onnx/model.onnx')!;
    const blobs = path.join(repoRoot('org/tiny'), 'blobs');
    mkdirSync(blobs, { recursive: true });
    writeFileSync(path.join(blobs, `${file.sha256}.incomplete`), file.content.subarray(0, 12345));
    // Its lock too: the process named there no longer runs (a pid above Linux's maximum), so the lock is taken over.
    writeFileSync(path.join(blobs, `${file.sha256}.lock`), `${hostname()} 99999999\n`);
    // And a private temporary of a killed run that had found the lock taken: deleted.
    writeFileSync(path.join(blobs, `${file.sha256}.99999999.abcd1234.incomplete`), 'partial');
    const events: DownloadEvent[] = [];
    await ensure('org/tiny', { weights: 'fp32', onDownload: (event) => events.push(event) });
    expect(server.requests.filter((request) => request.server === 'cdn').map((request) => request.range)).toEqual([
      'bytes=12345-',
    ]);
    expect(events.find((event) => event.type === 'download-start' && event.file === 'onnx/model.onnx')).toMatchObject({
      resumedFrom: 12345,
    });
    expect(digest(readFileSync(path.join(blobs, file.sha256)))).toBe(file.sha256);
    expect(readdirSync(blobs).filter((name) => name.includes('.incomplete') || name.endsWith('.lock'))).toEqual([]);
  });

  it('lets two concurrent downloads of the same files finish with whole, verified blobs', async () => {
    freshCache();
    const [first, second] = await Promise.all([
      ensure('org/tiny', { weights: 'fp32' }),
      ensure('org/tiny', { weights: 'fp32' }),
    ]);
    expect(first.dir).toBe(second.dir);
    for (const file of first.files)
      expect(digest(readFileSync(path.join(first.dir, file)))).toBe(
        server.repos.get('org/tiny')!.files.get(file)!.sha256,
      );
    expect(
      readdirSync(path.join(repoRoot('org/tiny'), 'blobs')).filter(
        (name) => !/^[0-9a-f]{40}$|^[0-9a-f]{64}$/.test(name),
      ),
    ).toEqual([]);
  });

  it('retries a 5xx answer', async () => {
    freshCache();
    server.fault({ path: '/api/models/', status: 503 });
    await expect(ensure('org/tiny')).resolves.toMatchObject({ repo: 'org/tiny' });
    expect(server.requests.filter((request) => request.path.startsWith('/api/models/'))).toHaveLength(2);
  });

  it('resolves from the cache alone when offline, or when the Hub cannot be reached', async () => {
    freshCache();
    await ensure('org/tiny', { weights: 'fp32' });
    server.requests.length = 0;
    // A snapshot Python wrote has no .no_exist markers: offline and unreachable lookups accept it when config and weights are there.
    rmSync(path.join(repoRoot('org/tiny'), '.no_exist'), { recursive: true });
    await expect(ensure('org/tiny', { weights: 'int8', offline: true })).resolves.toMatchObject({
      files: ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'],
    });
    await expect(
      ensure('org/tiny', { weights: 'int8', environment: environment({ endpoint: closedEndpoint }) }),
    ).resolves.toMatchObject({ repo: 'org/tiny' });
    expect(server.requests).toEqual([]);
  });
});

describe('ensureModelSnapshot failures: one clear line each', () => {
  const blobsOf = (repo: string): string[] => {
    const dir = path.join(repoRoot(repo), 'blobs');
    return existsSync(dir) ? readdirSync(dir) : [];
  };
  const fullDisk = (sha: string): void => {
    const dir = path.join(repoRoot('org/tiny'), 'blobs');
    mkdirSync(dir, { recursive: true });
    symlinkSync('/dev/full', path.join(dir, `${sha}.incomplete`));
  };
  const onnxSha = (): string => server.repos.get('org/tiny')!.files.get('onnx/model.onnx')!.sha256;

  it.each([
    {
      name: 'no network, nothing cached',
      model: 'org/tiny',
      env: () => ({ endpoint: closedEndpoint }),
      code: 'TOKENIZE_HUB_UNREACHABLE',
      message:
        /cannot reach http:\/\/127\.0\.0\.1:\d+ to download "org\/tiny" \(ECONNREFUSED\) and it is not in the Hugging Face cache/,
      hint: /connect once.*HF_ENDPOINT.*local directory/,
    },
    {
      name: 'offline, nothing cached',
      model: 'org/tiny',
      offline: true,
      code: 'TOKENIZE_HUB_NOT_CACHED',
      message: /offline mode is on .*"org\/tiny" at revision "main" is not in the Hugging Face cache/,
      hint: /without offline mode/,
    },
    {
      name: 'missing repository (401)',
      model: 'org/missing',
      code: 'TOKENIZE_HUB_REPO_NOT_FOUND',
      message: /model "org\/missing" not found on http.*private \(set HF_TOKEN/,
    },
    {
      name: 'missing repository, with a token (404)',
      model: 'org/missing',
      env: () => ({ token: TOKEN }),
      code: 'TOKENIZE_HUB_REPO_NOT_FOUND',
      message: /model "org\/missing" not found on http.*the token in HF_TOKEN cannot see it/,
    },
    {
      name: 'private repository, no token',
      model: 'org/private',
      code: 'TOKENIZE_HUB_REPO_NOT_FOUND',
      message: /"org\/private" not found .*HF_TOKEN/,
    },
    {
      name: 'gated repository, no token (401)',
      model: 'org/gated',
      code: 'TOKENIZE_HUB_UNAUTHORIZED',
      message: /access to "org\/gated" was refused \(HTTP 401\): the repository is gated; set HF_TOKEN/,
    },
    {
      name: 'gated repository, token without access (403)',
      model: 'org/gated',
      env: () => ({ token: 'hf_other' }),
      code: 'TOKENIZE_HUB_UNAUTHORIZED',
      message: /\(HTTP 403\).*the token in HF_TOKEN has no access/,
    },
    {
      name: 'unknown revision',
      model: 'org/tiny@v9',
      code: 'TOKENIZE_HUB_REVISION_NOT_FOUND',
      message: /revision "v9" of "org\/tiny" not found/,
    },
    {
      name: 'file missing (404 EntryNotFound)',
      model: 'org/tiny',
      fault: { path: '/resolve/', status: 404, errorCode: 'EntryNotFound' },
      code: 'TOKENIZE_HUB_FILE_NOT_FOUND',
      message: /file "config.json" not found in "org\/tiny"/,
    },
    {
      name: 'no weights in the repository',
      model: 'org/no-weights',
      code: 'TOKENIZE_HUB_FILE_NOT_FOUND',
      message: /has no weights senti can load: expected onnx\/model.onnx or model.safetensors/,
    },
    {
      name: 'server error after retries',
      model: 'org/tiny',
      fault: { path: '/api/models/', status: 502, times: 3 },
      code: 'TOKENIZE_HUB_SERVER_ERROR',
      message: /answered HTTP 502 for the file list of "org\/tiny" 3 times; giving up/,
    },
    {
      name: 'checksum mismatch',
      model: 'org/tiny',
      fault: { path: '/lfs/', method: 'GET', corrupt: true },
      code: 'TOKENIZE_HUB_CHECKSUM_MISMATCH',
      message:
        /downloaded "onnx\/model.onnx" of "org\/tiny" does not match the Hub's checksum \(expected sha256 [0-9a-f]{64}, got [0-9a-f]{64}\)/,
      blobs: (names: string[]) => expect(names.filter((name) => name.startsWith(onnxSha()))).toEqual([]),
    },
    {
      name: 'connection dropped on every try',
      model: 'org/tiny',
      fault: { path: '/lfs/', method: 'GET', dropAfter: 0, times: 3 },
      code: 'TOKENIZE_HUB_SERVER_ERROR',
      message: /download of "onnx\/model.onnx" of "org\/tiny" .* kept failing \(0 of \d+ bytes after 3 tries/,
      blobs: (names: string[]) => expect(names).not.toContain(onnxSha()),
    },
    {
      name: 'cancelled',
      model: 'org/tiny',
      signal: true,
      code: 'TOKENIZE_HUB_ABORTED',
      message: /^the download of "org\/tiny" was cancelled$/,
    },
    // Writes into /dev/full fail with ENOSPC, as a full disk does (Linux).
    ...(existsSync('/dev/full')
      ? [
          {
            name: 'disk full mid-download',
            model: 'org/tiny',
            prepare: () => fullDisk(onnxSha()),
            code: 'FILE_DISK_FULL',
            message: /^cannot write .*blobs\/[0-9a-f]{64}: disk full/,
            blobs: (names: string[]) => expect(names).not.toContain(onnxSha()),
          },
        ]
      : []),
  ])('$name', async ({ model, env, offline, fault, prepare, signal, code, message, hint, blobs }) => {
    freshCache();
    if (fault) server.fault(fault);
    prepare?.();
    const error = await ensure(model, {
      weights: 'fp32',
      offline,
      environment: environment(env?.()),
      ...(signal ? { signal: AbortSignal.abort() } : {}),
    }).then(
      () => undefined,
      (caught: unknown) => caught as { code: string; message: string; hint?: string },
    );
    expect(error).toMatchObject({ code, message: expect.stringMatching(message) });
    expect(error!.message).not.toContain('\n');
    if (hint) expect(error!.hint).toMatch(hint);
    blobs?.(blobsOf(model.split('@')[0]!));
  });
});
