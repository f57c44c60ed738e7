import { ModelError } from '@senti/errors';
import type { SentiTokenizer } from '@senti/tokenize';
import { textKey } from '../cache/segment-file.js';
import { planLengthBatches } from '../encoder/batching.js';
import type { LayerStateStore, StatesRow } from './layer-state-store.js';
import type { StatesEncoder } from './states-encoder.js';

/** Options for {@link encodeLayerStates}. */
export interface EncodeLayerStatesOptions {
  texts: readonly string[];
  tokenizer: SentiTokenizer;
  /** Runs the frozen bottom of the encoder. */
  encoder: StatesEncoder;
  /** Where the states go (and come from when already there). */
  store: LayerStateStore;
  /** Longest input in tokens (special tokens included); longer texts are truncated. */
  maxLength: number;
  /** Texts per forward pass. Default 32. */
  batchSize?: number;
  /** Texts per segment file written (bounds memory). Default 2048. */
  segmentRows?: number;
  /** Called after each batch with the texts done so far and the number to compute. */
  onProgress?: (done: number, total: number) => void;
}

/** The key of each text in the store and how many texts were computed now. */
export interface EncodeLayerStatesResult {
  /** Hex sha1 of each text, in input order: what `LayerStateStore.readBatch` takes. */
  keys: string[];
  computed: number;
  reused: number;
}

/** Computes the layer-(L-k) states of the texts not yet in the store (length-sorted batches) and writes them to it. */
export async function encodeLayerStates(options: EncodeLayerStatesOptions): Promise<EncodeLayerStatesResult> {
  const { tokenizer, store, encoder, maxLength } = options;
  const extra = tokenizer.special.prefix.length + tokenizer.special.suffix.length;
  if (!Number.isInteger(maxLength) || maxLength < extra + 1 || maxLength > tokenizer.modelMaxLength) {
    throw new ModelError(
      'MODEL_BAD_MAX_LENGTH',
      `maxLength must be an integer from ${extra + 1} to ${tokenizer.modelMaxLength}, got ${maxLength}`,
      'usage',
    );
  }
  const keyBuffers = options.texts.map((text) => textKey(text));
  const keys = keyBuffers.map((key) => key.toString('hex'));
  const todo: number[] = [];
  const seen = new Set<string>();
  keys.forEach((key, index) => {
    if (!store.has(key) && !seen.has(key)) {
      seen.add(key);
      todo.push(index);
    }
  });
  const bodies = todo.map((index) => tokenizer.tokenIds(options.texts[index]!));
  const batches = planLengthBatches(
    bodies.map((body) => body.length + extra),
    options.batchSize ?? 32,
    maxLength,
  );
  const hidden = encoder.identity.hiddenSize;
  const segmentRows = options.segmentRows ?? 2048;
  let pending: StatesRow[] = [];
  let done = 0;
  for (const batch of batches) {
    const packed = tokenizer.pack(
      batch.indices.map((index) => bodies[index]!),
      { maxLength: batch.sequenceLength, padding: 'max_length', truncation: true },
    );
    const states = await encoder.run(packed);
    batch.indices.forEach((position, row) => {
      let tokens = 0;
      for (let t = 0; t < packed.sequenceLength; t += 1)
        tokens += Number(packed.attentionMask[row * packed.sequenceLength + t]);
      const start = row * packed.sequenceLength * hidden;
      pending.push({ key: keyBuffers[todo[position]!]!, tokens, states: states.slice(start, start + tokens * hidden) });
    });
    if (pending.length >= segmentRows) {
      await store.append(pending);
      pending = [];
    }
    done += batch.indices.length;
    options.onProgress?.(done, todo.length);
  }
  await store.append(pending);
  return { keys, computed: todo.length, reused: keys.length - todo.length };
}
