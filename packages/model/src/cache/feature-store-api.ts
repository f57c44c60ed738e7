import { mkdir } from 'node:fs/promises';
import { appendSegment, loadStore, storeDir, type FeatureIdentity, type LoadedStore } from './feature-store.js';
import { KEY_BYTES } from './segment-file.js';

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
    for (let at = 0; at + KEY_BYTES <= keys.length; at += KEY_BYTES) hexes.push(keys.subarray(at, at + KEY_BYTES).toString('hex'));
    return { store, hexes };
  };
  return {
    identity,
    location: dir,
    async has(keys) {
      const { store, hexes } = await rowsOf(keys);
      return hexes.map((hex) => store.rows.has(hex));
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
        throw new RangeError(`put needs ${KEY_BYTES}-byte keys and hiddenSize ${identity.hiddenSize} floats per row; got ${keys.length} key bytes and ${features.length} floats`);
      }
      if (rows === 0) return;
      await mkdir(dir, { recursive: true });
      // An empty view of the store: this write adds one segment and never compacts others' segments.
      const view: LoadedStore = { dir, hiddenSize: identity.hiddenSize, rows: new Map(), files: [], discarded: [] };
      await appendSegment(view, identity, { keys, features, rows, hiddenSize: identity.hiddenSize });
    },
  };
}
