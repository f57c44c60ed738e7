import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadEncoder } from '../encoder/load-encoder.js';
import type { Encoder } from '../encoder/types.js';
import { readEncoderReference, TINY_BERT } from '../testing/encoder-fixtures.js';
import { defaultCacheDir } from './cache-dir.js';
import { describeDiscarded, encodeWithCache } from './encode-with-cache.js';
import { MAX_SEGMENTS, storeDir } from './feature-store.js';

const { sentences } = readEncoderReference();
let inner: Encoder;
let calls: string[][];
let encoder: Encoder;
let cacheDir: string;

beforeAll(async () => {
  inner = await loadEncoder({ model: TINY_BERT, offline: true, device: 'cpu' }, async () => ({ cudaProvider: false }));
  // Count what goes through the encoder.
  encoder = {
    ...inner,
    encode: (texts, options) => {
      calls.push([...texts]);
      return inner.encode(texts, options);
    },
  };
});
afterAll(() => inner.dispose());
beforeEach(async () => {
  calls = [];
  cacheDir = await mkdtemp(path.join(tmpdir(), 'senti-cache-'));
});
afterEach(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

const segments = async () => {
  const dir = storeDir(cacheDir, { ...inner.info, maxLength: 17 });
  return (await readdir(dir)).filter((name) => name.endsWith('.seg')).map((name) => path.join(dir, name));
};

describe('encodeWithCache', () => {
  it('encodes once; a second run over the same data does not call the encoder and returns identical features', async () => {
    const first = await encodeWithCache(encoder, sentences, { maxLength: 17, cacheDir });
    expect(first).toMatchObject({ hits: 0, misses: 18 });
    expect(calls).toHaveLength(1);
    expect(first.features).toEqual(await inner.encode(sentences, { maxLength: 17 }));
    const second = await encodeWithCache(encoder, sentences, { maxLength: 17, cacheDir });
    expect(second).toMatchObject({ hits: 18, misses: 0 });
    expect(calls).toHaveLength(1);
    expect(second.features).toEqual(first.features);
  });

  it('encodes only the new texts on a partial hit, once per distinct text, in input order', async () => {
    await encodeWithCache(encoder, sentences.slice(0, 10), { maxLength: 17, cacheDir });
    const texts = ['brand new one', ...sentences, 'brand new one'];
    const result = await encodeWithCache(encoder, texts, { maxLength: 17, cacheDir });
    expect(result).toMatchObject({ hits: 10, misses: 10 });
    expect(calls[1]).toEqual(
      [...sentences.slice(10), 'brand new one'].sort((a, b) => texts.indexOf(a) - texts.indexOf(b)),
    );
    expect(result.features).toEqual(await inner.encode(texts, { maxLength: 17 }));
  });

  it('keys on maxLength: another maxLength is another entry', async () => {
    await encodeWithCache(encoder, sentences, { maxLength: 17, cacheDir });
    expect((await encodeWithCache(encoder, sentences, { maxLength: 8, cacheDir })).misses).toBe(18);
    expect(calls).toHaveLength(2);
  });

  it('rebuilds corrupted and truncated segments instead of using them', async () => {
    await encodeWithCache(encoder, sentences, { maxLength: 17, cacheDir });
    const [file] = await segments();
    const bytes = await readFile(file!);
    bytes.writeFloatLE(123.5, bytes.length - 40); // flip data, keep the size
    await writeFile(file!, bytes);
    const reported: string[] = [];
    const corrupted = await encodeWithCache(encoder, sentences, {
      maxLength: 17,
      cacheDir,
      onDiscarded: (segment) => reported.push(segment.problem),
    });
    expect(corrupted).toMatchObject({ hits: 0, misses: 18 });
    expect(corrupted.discarded[0]?.problem).toMatch(/checksum/);
    expect(reported).toEqual([corrupted.discarded[0]!.problem]);
    expect(describeDiscarded(corrupted.discarded)).toMatch(
      /^feature cache: discarded 1 damaged segment \(.*\.seg: .*checksum.*\); their texts were encoded again$/,
    );
    expect(describeDiscarded([])).toBeUndefined();
    expect(corrupted.features).toEqual(await inner.encode(sentences, { maxLength: 17 }));

    const [rebuilt] = await segments();
    await truncate(rebuilt!, 100);
    const truncated = await encodeWithCache(encoder, sentences, { maxLength: 17, cacheDir });
    expect(truncated).toMatchObject({ hits: 0, misses: 18 });
    expect(truncated.discarded[0]?.problem).toMatch(/truncated|size/);

    const [again] = await segments();
    await writeFile(again!, 'garbage');
    expect((await encodeWithCache(encoder, sentences, { maxLength: 17, cacheDir })).discarded[0]?.problem).toMatch(
      /not a senti feature segment/,
    );
    const healthy: string[] = [];
    expect(
      (
        await encodeWithCache(encoder, sentences, {
          maxLength: 17,
          cacheDir,
          onDiscarded: (segment) => healthy.push(segment.file),
        })
      ).hits,
    ).toBe(18);
    expect(healthy, 'said once: the damaged segment is gone after it was reported').toEqual([]);
  });

  it('appends segments and merges them past the limit, keeping every row', async () => {
    for (let i = 0; i <= MAX_SEGMENTS; i++)
      await encodeWithCache(encoder, [`text number ${i}`], { maxLength: 17, cacheDir });
    expect(await segments()).toHaveLength(1);
    const all = Array.from({ length: MAX_SEGMENTS + 1 }, (_, i) => `text number ${i}`);
    calls = [];
    expect((await encodeWithCache(encoder, all, { maxLength: 17, cacheDir })).hits).toBe(MAX_SEGMENTS + 1);
    expect(calls).toHaveLength(0);
  });

  it('bypasses the cache when disabled', async () => {
    const result = await encodeWithCache(encoder, sentences, { maxLength: 17, cacheDir, enabled: false });
    expect(result.misses).toBe(18);
    expect(await readdir(cacheDir)).toEqual([]);
  });
});

describe('defaultCacheDir', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env.SENTI_CACHE_DIR = saved.SENTI_CACHE_DIR;
    process.env.XDG_CACHE_HOME = saved.XDG_CACHE_HOME;
    if (saved.SENTI_CACHE_DIR === undefined) delete process.env.SENTI_CACHE_DIR;
    if (saved.XDG_CACHE_HOME === undefined) delete process.env.XDG_CACHE_HOME;
  });

  it('honours SENTI_CACHE_DIR, then XDG_CACHE_HOME, then ~/.cache/senti', () => {
    process.env.SENTI_CACHE_DIR = '/tmp/senti-x';
    expect(defaultCacheDir()).toBe('/tmp/senti-x');
    delete process.env.SENTI_CACHE_DIR;
    process.env.XDG_CACHE_HOME = '/tmp/xdg';
    expect(defaultCacheDir()).toBe('/tmp/xdg/senti');
    delete process.env.XDG_CACHE_HOME;
    expect(defaultCacheDir()).toMatch(/\.cache\/senti$/);
  });

  it('is used when no cacheDir is given', async () => {
    process.env.SENTI_CACHE_DIR = cacheDir;
    await encodeWithCache(encoder, sentences.slice(0, 2), { maxLength: 17 });
    expect(await readdir(path.join(cacheDir, 'features'))).toHaveLength(1);
  });
});

describe('encodeWithCache in segments (issue #23 item 8)', () => {
  it('writes one segment per chunk as it goes, and chunked q8 features equal one unchunked call bit for bit', async () => {
    const q8 = await loadEncoder({ model: TINY_BERT, offline: true, device: 'cpu', dtype: 'q8' }, async () => ({
      cudaProvider: false,
    }));
    try {
      const texts = Array.from(
        { length: 150 },
        (_, index) => `${sentences[index % sentences.length]} ${'again '.repeat(index % 7)}${index}`,
      );
      const written: { rows: number; done: number; total: number }[] = [];
      const chunked = await encodeWithCache(q8, texts, {
        maxLength: 17,
        cacheDir,
        segmentRows: 40,
        onSegmentWritten: ({ rows, done, total }) => written.push({ rows, done, total }),
      });
      expect(written).toEqual([
        { rows: 64, done: 64, total: 150 },
        { rows: 64, done: 128, total: 150 },
        { rows: 22, done: 150, total: 150 },
      ]);
      expect(chunked.features).toEqual(await q8.encode(texts, { maxLength: 17 }));
    } finally {
      await q8.dispose();
    }
  });
});
