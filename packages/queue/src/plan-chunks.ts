import { createHash } from 'node:crypto';
import { type FeatureIdentity } from '@senti/model';
import { planLengthBatches, textKey } from '@senti/model';

/** One content-addressed chunk of texts. */
export interface PlannedChunk {
  /** sha256 (hex, 32 chars) of the identity and the chunk's text keys: the same texts always make the same id. */
  chunkId: string;
  texts: string[];
  /** Their keys (`textKey`), 20 bytes each, concatenated. */
  keys: Buffer;
}

/** Options for {@link planChunks}. */
export interface PlanChunksOptions {
  identity: FeatureIdentity;
  /** Texts per chunk, rounded up to a multiple of `batchSize`. */
  chunkSize: number;
  /** Forward-pass batch size. */
  batchSize: number;
  /** Token length of each text (any constant offset); texts are ordered by it as the encoder orders them. */
  lengths: readonly number[];
}

/**
 * Cuts texts (already unique, in first-seen order) into chunks along the encoder's own length-sorted batch order,
 * on batch boundaries: each chunk's forward passes are then exactly those a single process would run.
 */
export function planChunks(texts: readonly string[], options: PlanChunksOptions): PlannedChunk[] {
  const { identity, batchSize } = options;
  if (!Number.isInteger(options.chunkSize) || options.chunkSize < 1)
    throw new RangeError(`chunkSize must be a positive integer, got ${options.chunkSize}`);
  const chunkSize = Math.ceil(options.chunkSize / batchSize) * batchSize;
  const order = planLengthBatches(options.lengths, batchSize, Number.MAX_SAFE_INTEGER).flatMap(
    (batch) => batch.indices,
  );
  const identityText = JSON.stringify([
    identity.fileHash,
    identity.dtype,
    identity.pooling,
    identity.maxLength,
    identity.hiddenSize,
  ]);
  const chunks: PlannedChunk[] = [];
  for (let start = 0; start < order.length; start += chunkSize) {
    const chunkTexts = order.slice(start, start + chunkSize).map((index) => texts[index]!);
    const keys = Buffer.concat(chunkTexts.map((text) => textKey(text)));
    const chunkId = createHash('sha256')
      .update(identityText)
      .update(String(batchSize))
      .update(keys)
      .digest('hex')
      .slice(0, 32);
    chunks.push({ chunkId, texts: chunkTexts, keys });
  }
  return chunks;
}
