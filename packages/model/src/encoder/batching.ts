/** A batch of inputs, as indices into the caller's texts, and the length it is padded to. */
export interface LengthBatch {
  /** Indices of the texts in this batch. */
  indices: number[];
  /** Padded length: the longest text in the batch, capped at maxLength. */
  sequenceLength: number;
}

/**
 * Groups texts into batches of similar token length: sorted by length (stable, so equal lengths keep input order),
 * each batch padded only to its longest member, never beyond `maxLength`.
 */
export function planLengthBatches(lengths: readonly number[], batchSize: number, maxLength: number): LengthBatch[] {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const order = lengths.map((_, index) => index).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const batches: LengthBatch[] = [];
  for (let start = 0; start < order.length; start += batchSize) {
    const indices = order.slice(start, start + batchSize);
    const longest = indices.reduce((most, index) => Math.max(most, lengths[index]!), 0);
    batches.push({ indices, sequenceLength: Math.min(longest, maxLength) });
  }
  return batches;
}
