import type { SentiTokenizer } from '@senti/tokenize';

/** Texts measured between two progress reports (and event-loop turns, so the report can be drawn). */
export const TOKEN_LENGTH_CHUNK = 20_000;

/**
 * Token lengths of `texts` (special tokens included), measured a chunk at a time: `onProgress(done, total)` after each
 * chunk, so a million texts show progress instead of a silent minute.
 */
export async function tokenLengthsWithProgress(
  tokenizer: Pick<SentiTokenizer, 'tokenLengths'>,
  texts: readonly string[],
  onProgress?: (done: number, total: number) => void,
): Promise<number[]> {
  const lengths = new Array<number>(texts.length);
  for (let start = 0; start < texts.length; start += TOKEN_LENGTH_CHUNK) {
    const part = tokenizer.tokenLengths(texts.slice(start, start + TOKEN_LENGTH_CHUNK));
    for (let offset = 0; offset < part.length; offset++) lengths[start + offset] = part[offset]!;
    onProgress?.(start + part.length, texts.length);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return lengths;
}
