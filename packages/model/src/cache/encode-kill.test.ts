// Kill -9 during encoding keeps every segment written so far (issue #23 item 8): segments are written as encoding goes.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEncoder } from '../encoder/load-encoder.js';
import type { Encoder } from '../encoder/types.js';
import { TINY_BERT } from '../testing/encoder-fixtures.js';
import { encodeWithCache } from './encode-with-cache.js';
import { storeDir } from './feature-store.js';
import { numberedTexts } from '../testing/numbered-texts.js';

const CHILD = fileURLToPath(new URL('../testing/encode-child.ts', import.meta.url));
const COUNT = 6000;
const SEGMENT_ROWS = 64;

let encoder: Encoder;
let cacheDir: string;
beforeAll(async () => {
  encoder = await loadEncoder({ model: TINY_BERT, offline: true, device: 'cpu' }, async () => ({
    cudaProvider: false,
  }));
  cacheDir = await mkdtemp(path.join(tmpdir(), 'senti-kill-'));
});
afterAll(async () => {
  await encoder.dispose();
  await rm(cacheDir, { recursive: true, force: true });
});

/** Runs the child until its first "segment written" line, then kills it with SIGKILL; resolves with the lines seen. */
function encodeUntilFirstSegmentThenKill(): Promise<{ lines: string[]; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', CHILD, cacheDir, String(COUNT), String(SEGMENT_ROWS)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => resolve({ lines: text.split('\n').filter(Boolean), signal }));
  });
}

describe('kill -9 while encoding', { timeout: 300_000 }, () => {
  it('keeps the segments written before the kill; the rerun encodes only the missing texts and gets the same features', async () => {
    const killed = await encodeUntilFirstSegmentThenKill();
    expect(killed.lines[0], 'the child wrote a segment before it was killed').toMatch(/"rows":64/);
    const texts = numberedTexts(COUNT);
    let encoded = 0;
    const counting: Encoder = {
      ...encoder,
      encode: (batch, options) => {
        encoded += batch.length;
        return encoder.encode(batch, options);
      },
    };
    const rerun = await encodeWithCache(counting, texts, { maxLength: 17, cacheDir, segmentRows: SEGMENT_ROWS });
    expect(rerun.hits, 'rows of the killed run served from the cache').toBeGreaterThanOrEqual(SEGMENT_ROWS);
    expect(rerun.hits + rerun.misses).toBe(COUNT);
    expect(encoded, 'only the missing texts went through the encoder').toBe(rerun.misses);
    expect(rerun.features).toEqual(await encoder.encode(texts, { maxLength: 17 }));
    const left = await readdir(storeDir(cacheDir, { ...encoder.info, maxLength: 17 }));
    expect(
      left.filter((name) => name.endsWith('.tmp')),
      'temporaries of the killed process are cleaned',
    ).toEqual([]);
    expect(
      left.filter((name) => name.endsWith('.seg')),
      'compacted once at the end',
    ).toHaveLength(1);
  });
});
