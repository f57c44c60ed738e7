import { mkdir, open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { appendSegment, loadStore, storeDir, type FeatureIdentity, type LoadedStore } from './feature-store.js';
import { KEY_BYTES, SEGMENT_MAGIC } from './segment-file.js';

/**
 * Where feature rows live: rows keyed by text key (sha1 of the text, see `textKey`) for one identity. Writers may be
 * many processes on many machines; a row once put is found by every later reader. The directory store is the first
 * implementation; an object store can follow behind the same interface.
 */
export interface FeatureStore {
  /** What the rows were computed with. */
  readonly identity: FeatureIdentity;
  /** Where the rows live, for messages (a directory or a URL). */
  readonly location: string;
  /** For each key (20 bytes each, concatenated), whether the store has its row. */
  has(keys: Buffer): Promise<boolean[]>;
  /** Rows of these keys (20 bytes each, concatenated), `undefined` where missing. */
  get(keys: Buffer): Promise<(Float32Array | undefined)[]>;
  /** Adds `keys.length / 20` rows (`features`: `rows * hiddenSize` floats) in one atomic write. */
  put(keys: Buffer, features: Float32Array): Promise<void>;
}

/**
 * The feature store in a directory (`<cacheDir>/features/<identity hash>`), the one `encodeWithCache` uses. Each put
 * writes one new content-checked segment atomically, so concurrent writers on a shared volume are safe; puts never
 * merge segments (the next `encodeWithCache` that writes does).
 */
export function directoryFeatureStore(cacheDir: string, identity: FeatureIdentity): FeatureStore {
  const dir = storeDir(cacheDir, identity);
  const rowsOf = async (keys: Buffer): Promise<{ store: LoadedStore; hexes: string[] }> => {
    const store = await loadStore(dir, identity);
    const hexes: string[] = [];
    for (let at = 0; at + KEY_BYTES <= keys.length; at += KEY_BYTES)
      hexes.push(keys.subarray(at, at + KEY_BYTES).toString('hex'));
    return { store, hexes };
  };
  return {
    identity,
    location: dir,
    async has(keys) {
      // Keys only: a million-row store would be gigabytes of features. Checksums are verified when rows are read.
      const present = new Set<string>();
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const name of names.filter((entry) => entry.endsWith('.seg'))) {
        const segmentKeys = await readSegmentKeys(path.join(dir, name), identity.hiddenSize);
        for (let at = 0; at + KEY_BYTES <= segmentKeys.length; at += KEY_BYTES)
          present.add(segmentKeys.subarray(at, at + KEY_BYTES).toString('hex'));
      }
      const answers: boolean[] = [];
      for (let at = 0; at + KEY_BYTES <= keys.length; at += KEY_BYTES)
        answers.push(present.has(keys.subarray(at, at + KEY_BYTES).toString('hex')));
      return answers;
    },
    async get(keys) {
      const { store, hexes } = await rowsOf(keys);
      const size = identity.hiddenSize;
      return hexes.map((hex) => {
        const found = store.rows.get(hex);
        return found ? found.segment.features.slice(found.row * size, (found.row + 1) * size) : undefined;
      });
    },
    async put(keys, features) {
      const rows = keys.length / KEY_BYTES;
      if (!Number.isInteger(rows) || features.length !== rows * identity.hiddenSize) {
        throw new RangeError(
          `put needs ${KEY_BYTES}-byte keys and hiddenSize ${identity.hiddenSize} floats per row; got ${keys.length} key bytes and ${features.length} floats`,
        );
      }
      if (rows === 0) return;
      await mkdir(dir, { recursive: true });
      // An empty view of the store: this write adds one segment and never compacts others' segments.
      const view: LoadedStore = { dir, hiddenSize: identity.hiddenSize, rows: new Map(), files: [], discarded: [] };
      await appendSegment(view, identity, { keys, features, rows, hiddenSize: identity.hiddenSize });
    },
  };
}

/** The keys of a segment file without reading its features; empty for files that are gone, foreign or truncated. */
async function readSegmentKeys(file: string, hiddenSize: number): Promise<Buffer> {
  const handle = await open(file, 'r').catch(() => undefined); // a concurrent compaction may have removed it
  if (!handle) return Buffer.alloc(0);
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(SEGMENT_MAGIC.length + 4);
    await handle.read(head, 0, head.length, 0);
    if (!head.subarray(0, SEGMENT_MAGIC.length).equals(SEGMENT_MAGIC)) return Buffer.alloc(0);
    const jsonLength = head.readUInt32LE(SEGMENT_MAGIC.length);
    const json = Buffer.alloc(jsonLength);
    await handle.read(json, 0, jsonLength, head.length);
    const header = JSON.parse(json.toString('utf8')) as { rows?: unknown; hiddenSize?: unknown };
    const rows = Number(header.rows);
    if (
      !Number.isInteger(rows) ||
      header.hiddenSize !== hiddenSize ||
      size !== head.length + jsonLength + rows * (KEY_BYTES + hiddenSize * 4)
    )
      return Buffer.alloc(0);
    const keys = Buffer.alloc(rows * KEY_BYTES);
    await handle.read(keys, 0, keys.length, head.length + jsonLength);
    return keys;
  } catch {
    return Buffer.alloc(0);
  } finally {
    await handle.close();
  }
}
