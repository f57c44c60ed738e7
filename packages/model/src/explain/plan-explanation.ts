import type { SentiTokenizer } from '@senti/tokenize';
import { DEFAULT_MAX_WORDS, type ExplanationCoverage } from './explanation.js';
import { splitWords, withoutWords, type WordSpan } from './words.js';

/** What the model can tell about a text's tokens, so explained texts are never cut by truncation. */
export interface TokenWindow {
  /** Token ids of a text without special tokens, untruncated. */
  tokenIds(text: string): readonly number[];
  /** Most tokens of a text the model sees (its max length minus special tokens). */
  maxTokens: number;
}

/** The token window of a model that truncates to `maxLength` tokens, special tokens included. */
export function tokenWindowOf(tokenizer: Pick<SentiTokenizer, 'tokenIds' | 'special'>, maxLength: number): TokenWindow {
  const { prefix, suffix } = tokenizer.special;
  return { tokenIds: (text) => tokenizer.tokenIds(text), maxTokens: maxLength - prefix.length - suffix.length };
}

/** The texts to encode to explain one text: the explained span, then one per word without it, then all words removed. */
export interface ExplanationPlan {
  text: string;
  /** The part of the text explained: all of it, or its whole words that fit within the model's max length. */
  span: string;
  words: WordSpan[];
  coverage: ExplanationCoverage;
  /** `[span, span without word 0, ..., span without word n-1, span without every explained word]`. */
  texts: string[];
}

/**
 * Plans the occlusion of one text. When the text is longer than the model sees, the span ends with the last whole word
 * that fits: removing a word then never pulls unseen tokens into view (the edit only drops tokens, the attention mask
 * stays exact).
 */
export function planExplanation(
  text: string,
  window: TokenWindow | undefined,
  options: { maxWords?: number } = {},
): ExplanationPlan {
  const maxWords = options.maxWords ?? DEFAULT_MAX_WORDS;
  const all = splitWords(text);
  let span = text;
  let seen = all.length;
  if (window !== undefined && window.tokenIds(text).length > window.maxTokens) {
    // Largest number of leading words whose prefix fits (token counts grow with the prefix: binary search).
    let low = 0;
    let high = all.length;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (window.tokenIds(text.slice(0, all[middle - 1]!.end)).length <= window.maxTokens) low = middle;
      else high = middle - 1;
    }
    seen = low;
    span = low === 0 ? '' : text.slice(0, all[low - 1]!.end);
  }
  const explained = Math.min(seen, maxWords);
  const words = all.slice(0, explained);
  const whole =
    all.length === 0
      ? 'no words to explain'
      : all.length === 1
        ? 'explained the only word'
        : `explained all ${all.length} words`;
  const coverage: ExplanationCoverage = { words: all.length, explained, note: whole };
  if (seen < all.length && seen <= maxWords) {
    coverage.limitedBy = 'tokens';
    coverage.note = `explained the first ${explained} of ${all.length} words: the model reads at most ${window?.maxTokens} tokens, the rest never reach it`;
  } else if (explained < all.length) {
    coverage.limitedBy = 'words';
    coverage.note = `explained the first ${explained} of ${all.length} words (cap ${maxWords} words)`;
  }
  const texts = [span, ...words.map((word) => withoutWords(span, [word])), withoutWords(span, words)];
  return { text, span, words, coverage, texts };
}
