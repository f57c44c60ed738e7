import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { makeDirectory, removeStaleTemporaries, writeFileAtomic } from '@senti/base';
import { decodeSegment, encodeSegment, KEY_BYTES, type Segment } from './segment-file.js';

/** Everything that changes a text's features; one store directory per distinct identity. */
export interface FeatureIdentity {
  fileHash: string;
  dtype: string;
  pooling: string;
  maxLength: number;
  hiddenSize: number;
}

/** Where a store's rows live in memory: key (hex) -> segment and row. */
export interface LoadedStore {
  dir: string;
  hiddenSize: number;
  rows: Map<string, { segment: Segment; row: number }>;
  /** Segment files read successfully. */
  files: string[];
  /** Segment files found truncated or corrupted, deleted so that their rows are recomputed. */
  discarded: { file: string; problem: string }[];
}

/** More segments than this are merged into one on the next write. */
export const MAX_SEGMENTS = 8;

/** The store directory of an identity under `cacheDir`. */
export function storeDir(cacheDir: string, identity: FeatureIdentity): string {
  const { fileHash, dtype, pooling, maxLength, hiddenSize } = identity;
  const key = createHash('sha256')
    .update(JSON.stringify({ v: 1, fileHash, dtype, pooling, maxLength, hiddenSize }))
    .digest('hex')
    .slice(0, 32);
  return path.join(cacheDir, 'features', key);
}

/** Reads every segment of a store, verifying each; unusable segments are deleted and reported, never used. */
export async function loadStore(dir: string, identity: FeatureIdentity): Promise<LoadedStore> {
  const store: LoadedStore = { dir, hiddenSize: identity.hiddenSize, rows: new Map(), files: [], discarded: [] };
  const names = await readdir(dir).catch(() => [] as string[]);
  await removeStaleTemporaries(dir, names);
  for (const name of names.filter((entry) => entry.endsWith('.seg')).sort()) {
    const file = path.join(dir, name);
    const bytes = await readFile(file).catch(() => undefined); // a concurrent compaction may have removed it
    if (!bytes) continue;
    const segment = decodeSegment(bytes, identity.hiddenSize);
    if ('problem' in segment) {
      store.discarded.push({ file, problem: segment.problem });
      await rm(file, { force: true });
      continue;
    }
    store.files.push(file);
    for (let row = 0; row < segment.rows; row++) {
      const key = segment.keys.subarray(row * KEY_BYTES, (row + 1) * KEY_BYTES).toString('hex');
      if (!store.rows.has(key)) store.rows.set(key, { segment, row });
    }
  }
  return store;
}

/** Adds rows to a store as one new atomically written segment; merges all segments when there are too many. */
export async function appendSegment(store: LoadedStore, identity: FeatureIdentity, segment: Segment): Promise<void> {
  await writeSegment(store, identity, segment);
  await compactStore(store, identity);
}

/**
 * Writes rows as one new segment (atomically: a killed process leaves either the whole segment or none) and adds them
 * to `store`, without compacting: long encodings write one segment per chunk as they go, then compact once.
 * Returns the segment's file.
 */
export async function writeSegment(store: LoadedStore, identity: FeatureIdentity, segment: Segment): Promise<string> {
  await makeDirectory(store.dir);
  await writeFileAtomic(path.join(store.dir, 'identity.json'), [
    Buffer.from(`${JSON.stringify({ formatVersion: 1, ...identity }, null, 2)}\n`),
  ]);
  const written = path.join(store.dir, segmentName());
  await writeFileAtomic(written, encodeSegment(segment));
  store.files.push(written);
  for (let row = 0; row < segment.rows; row++) {
    const key = segment.keys.subarray(row * KEY_BYTES, (row + 1) * KEY_BYTES).toString('hex');
    if (!store.rows.has(key)) store.rows.set(key, { segment, row });
  }
  return written;
}

/** Merges every segment of `store` into one when it has more than {@link MAX_SEGMENTS}. */
export async function compactStore(store: LoadedStore, identity: FeatureIdentity): Promise<void> {
  if (store.files.length <= MAX_SEGMENTS) return;
  // One segment with every row, written before the old ones go, so readers always find each row somewhere or recompute it.
  const keys = Buffer.alloc(store.rows.size * KEY_BYTES);
  const features = new Float32Array(store.rows.size * identity.hiddenSize);
  let at = 0;
  for (const { segment: source, row } of store.rows.values()) {
    source.keys.copy(keys, at * KEY_BYTES, row * KEY_BYTES, (row + 1) * KEY_BYTES);
    features.set(
      source.features.subarray(row * identity.hiddenSize, (row + 1) * identity.hiddenSize),
      at * identity.hiddenSize,
    );
    at++;
  }
  const merged: Segment = { keys, features, rows: at, hiddenSize: identity.hiddenSize };
  const file = path.join(store.dir, segmentName());
  await writeFileAtomic(file, encodeSegment(merged));
  const old = store.files;
  await Promise.all(old.map((name) => rm(name, { force: true })));
  store.files = [file];
  for (let row = 0; row < merged.rows; row++)
    store.rows.set(merged.keys.subarray(row * KEY_BYTES, (row + 1) * KEY_BYTES).toString('hex'), {
      segment: merged,
      row,
    });
}

// Sortable by time, unique across processes.
function segmentName(): string {
  return `${Date.now().toString().padStart(15, '0')}-${process.pid}-${randomBytes(4).toString('hex')}.seg`;
}
