import { planLengthBatches } from '../encoder/batching.js';
import type { Encoder } from '../encoder/types.js';
import { defaultCacheDir } from './cache-dir.js';
import { compactStore, loadStore, storeDir, writeSegment, type FeatureIdentity } from './feature-store.js';
import { KEY_BYTES, textKey } from './segment-file.js';

/** Options for {@link encodeWithCache}. */
export interface EncodeWithCacheOptions {
  /** Longest input in tokens; part of the cache identity. */
  maxLength: number;
  /** Cache root; default {@link defaultCacheDir}. */
  cacheDir?: string;
  /** Set false to bypass the cache entirely; default true. */
  enabled?: boolean;
  /** Texts per forward pass for the texts not cached; default 32. */
  batchSize?: number;
  /** Progress over the texts that need encoding (called with done, total). */
  onProgress?: (done: number, total: number) => void;
  /**
   * Texts encoded per cache segment (default {@link SEGMENT_ROWS}): each chunk is written to disk as soon as it is
   * encoded, so a run killed part-way keeps what it finished and a rerun encodes only the rest.
   */
  segmentRows?: number;
  /** Called after each segment is written (rows in it, texts of this call encoded so far, texts to encode). */
  onSegmentWritten?: (segment: { file: string; rows: number; done: number; total: number }) => void;
  /**
   * Called once per cache segment found truncated or corrupted (it is deleted and its texts are encoded again),
   * before encoding starts; {@link describeDiscarded} turns the list into one line to print.
   */
  onDiscarded?: (segment: DiscardedSegment) => void;
}

/** Texts per segment written while encoding: about 20 s of BERT-base on one CPU, the most a killed run loses. */
export const SEGMENT_ROWS = 4096;

/** A cache segment that could not be used. */
export interface DiscardedSegment {
  file: string;
  problem: string;
}

/** One line for the user about damaged cache segments, or undefined when none were found. */
export function describeDiscarded(discarded: readonly DiscardedSegment[]): string | undefined {
  if (discarded.length === 0) return undefined;
  const [first] = discarded;
  const more = discarded.length > 1 ? ` and ${discarded.length - 1} more` : '';
  return `feature cache: discarded ${discarded.length} damaged segment${discarded.length === 1 ? '' : 's'} (${first!.file}: ${first!.problem}${more}); their texts were encoded again`;
}

/** Features plus how many texts came from the cache. */
export interface EncodeWithCacheResult {
  /** `[texts.length, hiddenSize]`, input order. */
  features: Float32Array;
  /** Texts served from the cache. */
  hits: number;
  /** Texts encoded now (duplicates within the call count once per occurrence). */
  misses: number;
  /** Cache segments found truncated or corrupted and rebuilt. */
  discarded: DiscardedSegment[];
}

/** Sentence features, computed once per (encoder file, dtype, pooling, maxLength, text) and kept on disk. */
export async function encodeWithCache(
  encoder: Encoder,
  texts: readonly string[],
  options: EncodeWithCacheOptions,
): Promise<EncodeWithCacheResult> {
  const { maxLength, batchSize, onProgress } = options;
  if (options.enabled === false) {
    return {
      features: await encoder.encode(texts, { maxLength, batchSize, onProgress }),
      hits: 0,
      misses: texts.length,
      discarded: [],
    };
  }
  const { hiddenSize, fileHash, dtype, pooling } = encoder.info;
  const identity: FeatureIdentity = { fileHash, dtype, pooling, maxLength, hiddenSize };
  const store = await loadStore(storeDir(options.cacheDir ?? defaultCacheDir(), identity), identity);
  for (const segment of store.discarded) options.onDiscarded?.(segment);
  const features = new Float32Array(texts.length * hiddenSize);
  const missing = new Map<string, { text: string; key: Buffer; positions: number[] }>();
  let hits = 0;
  texts.forEach((text, index) => {
    const key = textKey(text);
    const hex = key.toString('hex');
    const found = store.rows.get(hex);
    if (found) {
      features.set(
        found.segment.features.subarray(found.row * hiddenSize, (found.row + 1) * hiddenSize),
        index * hiddenSize,
      );
      hits++;
      return;
    }
    const entry = missing.get(hex) ?? { text, key, positions: [] };
    entry.positions.push(index);
    missing.set(hex, entry);
  });
  const entries = inEncoderOrder([...missing.values()], encoder, options);
  const chunkRows = chunkSize(options);
  for (let start = 0; start < entries.length; start += chunkRows) {
    const chunk = entries.slice(start, start + chunkRows);
    const computed = await encoder.encode(
      chunk.map((entry) => entry.text),
      {
        maxLength,
        batchSize,
        onProgress: onProgress && ((done) => onProgress(start + done, entries.length)),
      },
    );
    const keys = Buffer.alloc(chunk.length * KEY_BYTES);
    chunk.forEach((entry, row) => {
      entry.key.copy(keys, row * KEY_BYTES);
      for (const position of entry.positions)
        features.set(computed.subarray(row * hiddenSize, (row + 1) * hiddenSize), position * hiddenSize);
    });
    const file = await writeSegment(store, identity, { keys, features: computed, rows: chunk.length, hiddenSize });
    options.onSegmentWritten?.({ file, rows: chunk.length, done: start + chunk.length, total: entries.length });
  }
  if (entries.length > 0) await compactStore(store, identity);
  return { features, hits, misses: texts.length - hits, discarded: store.discarded };
}

/** Texts per chunk: `segmentRows` rounded up to whole forward-pass batches. */
function chunkSize(options: EncodeWithCacheOptions): number {
  const batch = options.batchSize ?? 32;
  return Math.ceil(Math.max(1, Math.floor(options.segmentRows ?? SEGMENT_ROWS)) / batch) * batch;
}

/**
 * The entries in the order one encoder call over all of them would run them (sorted by token length), when they
 * fill more than one chunk: cut along that order on batch boundaries, every forward pass is the one a single call
 * would run, so chunked results equal unchunked ones bit for bit even for q8 (whose features depend on the batch).
 */
function inEncoderOrder<T extends { text: string }>(
  entries: T[],
  encoder: Encoder,
  options: EncodeWithCacheOptions,
): T[] {
  if (entries.length <= chunkSize(options)) return entries;
  const lengths = encoder.tokenizer.tokenLengths(
    entries.map((entry) => entry.text),
    options.maxLength,
  );
  return planLengthBatches(lengths, options.batchSize ?? 32, Number.MAX_SAFE_INTEGER).flatMap((batch) =>
    batch.indices.map((index) => entries[index]!),
  );
}
