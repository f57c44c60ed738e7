import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { directoryFeatureStore } from './feature-store-api.js';
import { loadStore, storeDir } from './feature-store.js';
import { textKey } from './segment-file.js';

const identity = { fileHash: 'f'.repeat(64), dtype: 'fp32', pooling: 'cls', maxLength: 16, hiddenSize: 3 };
const root = mkdtempSync(path.join(tmpdir(), 'senti-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const keysOf = (texts: string[]) => Buffer.concat(texts.map((text) => textKey(text)));
const rowsOf = (start: number, count: number) =>
  Float32Array.from({ length: count * 3 }, (_, index) => start + index / 10);

describe('directoryFeatureStore', () => {
  it('puts rows and gets them back by text key, in the directory encodeWithCache reads', async () => {
    const store = directoryFeatureStore(root, identity);
    expect(store.location).toBe(storeDir(root, identity));
    expect(await store.has(keysOf(['a', 'b']))).toEqual([false, false]);
    await store.put(keysOf(['a', 'b']), rowsOf(1, 2));
    expect(await store.has(keysOf(['b', 'c', 'a']))).toEqual([true, false, true]);
    const [b, c] = await store.get(keysOf(['b', 'c']));
    expect(Array.from(b!)).toEqual(Array.from(rowsOf(1, 2).subarray(3, 6)));
    expect(c).toBeUndefined();
    expect((await loadStore(store.location, identity)).rows.size).toBe(2);
  });

  it('takes many concurrent writers: each put is one whole segment, nothing lost', async () => {
    const store = directoryFeatureStore(path.join(root, 'concurrent'), identity);
    const batches = Array.from({ length: 12 }, (_, batch) =>
      Array.from({ length: 5 }, (_, row) => `text ${batch}-${row}`),
    );
    await Promise.all(
      batches.map((texts, batch) =>
        directoryFeatureStore(path.join(root, 'concurrent'), identity).put(keysOf(texts), rowsOf(batch, 5)),
      ),
    );
    expect(readdirSync(store.location).filter((name) => name.endsWith('.seg'))).toHaveLength(12);
    expect((await store.has(keysOf(batches.flat()))).every(Boolean)).toBe(true);
  });

  it('answers has() from the keys alone, ignoring truncated and foreign files', async () => {
    const store = directoryFeatureStore(path.join(root, 'keys-only'), identity);
    await store.put(keysOf(['p', 'q']), rowsOf(0, 2));
    await store.put(keysOf(['r']), rowsOf(5, 1));
    const [first] = readdirSync(store.location)
      .filter((name) => name.endsWith('.seg'))
      .sort();
    const bytes = readFileSync(path.join(store.location, first!));
    writeFileSync(path.join(store.location, 'truncated.seg'), bytes.subarray(0, bytes.length - 4));
    writeFileSync(path.join(store.location, 'foreign.seg'), 'not a segment');
    expect(await store.has(keysOf(['p', 'q', 'r', 's']))).toEqual([true, true, true, false]);
    rmSync(path.join(store.location, first!));
    expect(await store.has(keysOf(['p', 'q', 'r']))).toEqual([false, false, true]);
  });

  it('refuses rows that do not fit the keys', async () => {
    await expect(directoryFeatureStore(root, identity).put(keysOf(['x']), rowsOf(0, 2))).rejects.toThrow(
      /20-byte keys and hiddenSize 3 floats per row/,
    );
  });
});
