import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubServer, syntheticReviewsCsv, type HubServer } from '@senti/fixtures';
import { runCli, TINY_BERT } from './testing/run-cli.js';

let dir: string;
let server: HubServer;
let data: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'senti-hub-cli-'));
  server = await startHubServer({
    repos: { 'org/tiny': { dir: TINY_BERT }, 'org/gated': { dir: TINY_BERT, access: 'gated' } },
  });
  data = join(dir, 'reviews.csv');
  await writeFile(
    data,
    syntheticReviewsCsv({ rows: 200, classes: ['negative', 'positive'], seed: 3, numericLabels: true }),
  );
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

// Online (SENTI_OFFLINE cleared), against the local Hub through HF_ENDPOINT, with a fresh Hugging Face cache.
const env = (cache: string): Record<string, string> => ({
  SENTI_OFFLINE: '',
  HF_ENDPOINT: server.url,
  HF_HUB_CACHE: join(dir, cache),
  SENTI_CACHE_DIR: join(dir, 'features'),
});

describe('senti train --model org/name through HF_ENDPOINT', { timeout: 300_000 }, () => {
  it('downloads the model into the Hugging Face cache with plain progress lines, trains, and needs no request the second time', async () => {
    const first = await runCli(
      [
        'train',
        '--model',
        'org/tiny',
        '--data',
        data,
        '--pooling',
        'mean',
        '--epochs',
        '1',
        '--out',
        join(dir, 'run-1'),
      ],
      { env: env('hub') },
    );
    expect(first.code, first.stderr).toBe(0);
    // Not a terminal: whole lines (no carriage returns), the last one saying the file was checked.
    expect(first.stderr).toMatch(
      /^Downloading org\/tiny\/onnx\/model\.onnx \[[#.]{20}\] [\d.]+\/4\.1 .* in [\d.]+m?s {2}checked$/m,
    );
    expect(first.stderr).not.toContain('\r');
    expect(first.stdout).toMatch(/encoder {2}org\/tiny \(/);
    // The saved model names its encoder by Hub id, pinned to the commit it was trained with, and predicts offline from the cache.
    const manifest = JSON.parse(await readFile(join(dir, 'run-1', 'model', 'senti.json'), 'utf8')) as {
      encoder: { hubId: string; revision: string };
    };
    expect(manifest.encoder).toMatchObject({ hubId: 'org/tiny', revision: server.repos.get('org/tiny')!.commit });
    const predicted = await runCli(['predict', '--model-dir', join(dir, 'run-1'), '--json', 'a fine film'], {
      env: { ...env('hub'), SENTI_OFFLINE: '1' },
    });
    expect(predicted.code, predicted.stderr).toBe(0);
    // On a machine whose cache lacks the encoder, predict downloads it with the same progress lines; stdout stays JSON.
    const copied = join(dir, 'copied', 'elsewhere', 'run-1'); // the recorded relative path to the cache no longer leads there
    await cp(join(dir, 'run-1'), copied, { recursive: true });
    const elsewhere = await runCli(['predict', '--model-dir', copied, '--json', 'a fine film'], {
      env: env('other-machine'),
    });
    expect(elsewhere.code, elsewhere.stderr).toBe(0);
    expect(elsewhere.stderr).toMatch(/^Downloading org\/tiny\/onnx\/model\.onnx .* {2}checked$/m);
    expect(JSON.parse(elsewhere.stdout)).toEqual(JSON.parse(predicted.stdout));
    server.requests.length = 0;
    const second = await runCli(
      [
        'train',
        '--model',
        'org/tiny',
        '--data',
        data,
        '--pooling',
        'mean',
        '--epochs',
        '1',
        '--out',
        join(dir, 'run-2'),
      ],
      { env: env('hub') },
    );
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).not.toContain('Downloading');
    expect(server.requests).toEqual([]);
  });

  it.each([
    {
      name: 'a gated repository without HF_TOKEN',
      args: ['--model', 'org/gated'],
      env: {},
      message:
        /^senti: access to "org\/gated" was refused \(HTTP 401\): the repository is gated; set HF_TOKEN to a token that has access \(accept the repository.s terms/m,
    },
    {
      name: 'offline with nothing cached',
      args: ['--model', 'org/tiny@v2', '--offline'],
      env: {},
      message:
        /^senti: offline mode is on \(--offline, SENTI_OFFLINE or HF_HUB_OFFLINE\) and "org\/tiny" at revision "v2" is not in the Hugging Face cache /m,
    },
  ])('$name: one line, no stack trace', async ({ args, message }) => {
    const result = await runCli(
      ['train', '--data', data, '--epochs', '1', '--out', join(dir, `run-${args[1]!.replace(/\W/g, '-')}`), ...args],
      { env: env('empty') },
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
