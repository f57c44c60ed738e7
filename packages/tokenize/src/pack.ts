import { TokenizeError } from '@senti/errors';

/** Token ids, attention mask and token type ids of a batch, row-major `[batchSize, sequenceLength]`, as int64 for ONNX. */
export interface EncodedBatch {
  /** Token ids, special tokens included, padded with the pad id. */
  inputIds: BigInt64Array;
  /** 1 for real tokens, 0 for padding. */
  attentionMask: BigInt64Array;
  /** Segment ids; 0 everywhere for single sentences. */
  tokenTypeIds: BigInt64Array;
  /** Number of rows. */
  batchSize: number;
  /** Number of columns (the padded length). */
  sequenceLength: number;
}

/** How sequences are padded and truncated. */
export interface PackOptions {
  /** Longest sequence, special tokens included. */
  maxLength: number;
  /** `max_length` pads every row to `maxLength`; `longest` pads to the longest row (at most `maxLength`). Default `max_length`. */
  padding?: 'max_length' | 'longest';
  /** Cut sequences longer than `maxLength` (keeping the special tokens); default true. When false, a longer text is an error. */
  truncation?: boolean;
}

/** The special tokens wrapped around a single sequence and the padding id. */
export interface SpecialTokens {
  /** Ids placed before the text, e.g. `[CLS]`. */
  prefix: readonly number[];
  /** Ids placed after the text, e.g. `[SEP]`. */
  suffix: readonly number[];
  /** Id used for padding, e.g. `[PAD]`. */
  padId: number;
}

/** Wraps token id sequences (without special tokens) in the special tokens, truncates like Hugging Face and pads into one batch. */
export function packTokenIds(
  bodies: readonly (readonly number[])[],
  special: SpecialTokens,
  options: PackOptions,
): EncodedBatch {
  const { maxLength } = options;
  const extra = special.prefix.length + special.suffix.length;
  if (!Number.isInteger(maxLength) || maxLength < Math.max(1, extra)) {
    throw new TokenizeError(
      'TOKENIZE_BAD_MAX_LENGTH',
      `maxLength must be an integer of at least ${Math.max(1, extra)}, got ${maxLength}`,
      'usage',
    );
  }
  const truncation = options.truncation ?? true;
  const room = maxLength - extra;
  let longest = 0;
  for (const body of bodies) {
    if (!truncation && body.length > room) {
      throw new TokenizeError(
        'TOKENIZE_TOO_LONG',
        `a text has ${body.length + extra} tokens, more than maxLength ${maxLength}, and truncation is off`,
      );
    }
    longest = Math.max(longest, Math.min(body.length, room) + extra);
  }
  const sequenceLength = (options.padding ?? 'max_length') === 'longest' ? longest : maxLength;
  const batchSize = bodies.length;
  const inputIds = new BigInt64Array(batchSize * sequenceLength).fill(BigInt(special.padId));
  const attentionMask = new BigInt64Array(batchSize * sequenceLength);
  const tokenTypeIds = new BigInt64Array(batchSize * sequenceLength);
  bodies.forEach((body, row) => {
    let at = row * sequenceLength;
    const keep = Math.min(body.length, room);
    for (const id of special.prefix) inputIds[at++] = BigInt(id);
    for (let i = 0; i < keep; i++) inputIds[at++] = BigInt(body[i]!);
    for (const id of special.suffix) inputIds[at++] = BigInt(id);
    attentionMask.fill(1n, row * sequenceLength, at);
  });
  return { inputIds, attentionMask, tokenTypeIds, batchSize, sequenceLength };
}
