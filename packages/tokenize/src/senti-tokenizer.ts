import type { PreTrainedTokenizer } from '@huggingface/transformers';
import type { ModelSource } from './model-source.js';
import { boundedTokenIds } from './bounded-token-ids.js';
import { packTokenIds, type EncodedBatch, type PackOptions, type SpecialTokens } from './pack.js';

/** Options for {@link SentiTokenizer.encode}. */
export type EncodeOptions = PackOptions;

/** A BERT-style tokenizer whose ids, masks and lengths match Hugging Face's for single sentences. */
export interface SentiTokenizer {
  /** Where the tokenizer was loaded from. */
  source: ModelSource;
  /** The longest input the model accepts, special tokens included. */
  modelMaxLength: number;
  /** Special tokens around each text, and the padding id. */
  special: SpecialTokens;
  /** The largest token id + 1: an encoder needs at least this many embedding rows. */
  idCount: number;
  /** Encodes texts into one padded int64 batch (Hugging Face `padding`/`truncation` semantics). */
  encode(texts: readonly string[], options: EncodeOptions): EncodedBatch;
  /**
   * Token counts with special tokens; without `maxLength` untruncated, with it as a window of `maxLength` keeps them
   * (only the start of a long text is tokenized): the lengths the encoder sorts its batches by.
   */
  tokenLengths(texts: readonly string[], maxLength?: number): number[];
  /** Tokens of one text, special tokens included, untruncated. */
  tokenize(text: string): string[];
  /** Token ids of one text without special tokens and untruncated (feed them to {@link SentiTokenizer.pack}). */
  tokenIds(text: string): number[];
  /**
   * The first `maxTokens` of {@link SentiTokenizer.tokenIds}, tokenizing only the start of a long text (same ids, a
   * bounded cost); `maxLength` minus the special tokens is what `pack` keeps.
   */
  truncatedTokenIds(text: string, maxTokens: number): number[];
  /** Packs {@link SentiTokenizer.tokenIds} results into a batch: adds special tokens, truncates, pads. */
  pack(bodies: readonly (readonly number[])[], options: EncodeOptions): EncodedBatch;
}

/** Wraps a transformers.js tokenizer. Truncation is done here: transformers.js 4.3 cuts `[SEP]` off truncated texts. */
export function wrapTokenizer(
  tokenizer: PreTrainedTokenizer,
  source: ModelSource,
  modelMaxLength: number,
): SentiTokenizer {
  const special = findSpecialTokens(tokenizer);
  const extra = special.prefix.length + special.suffix.length;
  const tokenIds = (text: string): number[] => tokenizer.encode(text, { add_special_tokens: false });
  const pack = (bodies: readonly (readonly number[])[], options: EncodeOptions): EncodedBatch =>
    packTokenIds(bodies, special, options);
  let largest = -1;
  for (const id of tokenizer.get_vocab().values()) largest = Math.max(largest, id);
  return {
    source,
    modelMaxLength,
    special,
    idCount: largest + 1,
    tokenIds,
    truncatedTokenIds: (text, maxTokens) => boundedTokenIds(tokenIds, text, maxTokens),
    pack,
    // Truncating texts are cut before tokenizing: a long text costs what its kept tokens cost.
    encode: (texts, options) =>
      pack(
        texts.map((text) =>
          (options.truncation ?? true)
            ? boundedTokenIds(tokenIds, text, Math.max(0, options.maxLength - extra))
            : tokenIds(text),
        ),
        options,
      ),
    tokenLengths: (texts, maxLength) =>
      texts.map(
        (text) =>
          (maxLength === undefined ? tokenIds(text) : boundedTokenIds(tokenIds, text, Math.max(0, maxLength - extra)))
            .length + extra,
      ),
    tokenize: (text) => tokenizer.tokenize(text, { add_special_tokens: true }),
  };
}

/** Reads the single-sequence template off the tokenizer: ids of "a" with and without special tokens. */
function findSpecialTokens(tokenizer: PreTrainedTokenizer): SpecialTokens {
  const body = tokenizer.encode('a', { add_special_tokens: false });
  const full = tokenizer.encode('a', { add_special_tokens: true });
  const at = indexOfSequence(full, body);
  const prefix = at < 0 ? [] : full.slice(0, at);
  const suffix = at < 0 ? [] : full.slice(at + body.length);
  return { prefix, suffix, padId: tokenizer.pad_token_id ?? 0 };
}

function indexOfSequence(haystack: readonly number[], needle: readonly number[]): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
