/** Characters per token of typical English text under a WordPiece or BPE vocabulary (an estimate, not a bound). */
const CHARS_PER_TOKEN = 4;

/**
 * The encoder work of one text, in tokens, estimated from its length without tokenizing it (the queue is on the
 * server's thread, the tokenizer on the model's): special tokens plus about one token per 4 characters, capped at the
 * model's max length, where longer texts are cut. A queue counts this, so 32 texts of 10,000 characters weigh what
 * they cost, not what 32 short texts cost.
 */
export function estimateTokens(text: string, maxLength: number): number {
  return Math.min(maxLength, 2 + Math.ceil(text.length / CHARS_PER_TOKEN));
}
