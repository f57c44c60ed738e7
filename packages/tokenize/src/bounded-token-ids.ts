/** Characters tried per token wanted at first (English text averages about 4; the bound doubles while too short). */
const FIRST_CHARS_PER_TOKEN = 8;

/**
 * The first `maxTokens` token ids of `text` (no special tokens), tokenizing only as much of a long text as that takes:
 * the same ids as `tokenIds(text).slice(0, maxTokens)`, so a 10,000-character text costs the tokenizer what its kept
 * tokens cost, not the whole text.
 *
 * Why the ids are the same: the text is cut only before a run of spaces (U+0020). The tokenizers senti serves
 * (WordPiece after BERT normalization, byte-level BPE, Metaspace) normalize character by character and split words
 * at spaces before tokenizing each word alone, so the tokens of the text before a space are a prefix of the tokens of
 * the whole text. When that prefix holds at least `maxTokens` tokens, they are the ones truncation keeps. A text with
 * no space early enough is tokenized whole.
 */
export function boundedTokenIds(tokenIds: (text: string) => number[], text: string, maxTokens: number): number[] {
  for (let bound = Math.max(64, maxTokens * FIRST_CHARS_PER_TOKEN); bound < text.length; bound *= 2) {
    let cut = text.lastIndexOf(' ', bound);
    while (cut > 0 && text[cut - 1] === ' ') cut -= 1; // before the whole run: trailing spaces tokenize on their own
    if (cut <= 0) continue;
    const ids = tokenIds(text.slice(0, cut));
    if (ids.length >= maxTokens) return ids.slice(0, maxTokens);
  }
  return tokenIds(text).slice(0, maxTokens);
}
