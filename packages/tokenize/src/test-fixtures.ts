import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of the tiny BERT fixture (Hugging Face layout). */
export const TINY_BERT = fileURLToPath(new URL('../../../fixtures/tiny-bert', import.meta.url));

/** The Hugging Face tokenizer oracle from fixtures/tiny-bert-reference.json. */
export interface TokenizationReference {
  max_length: number;
  sentences: string[];
  input_ids: number[][];
  attention_mask: number[][];
  token_type_ids: number[][];
  untruncated_lengths: number[];
  tokens: string[][];
}

/** Reads the tokenization part of the reference oracle. */
export function readTokenizationReference(): TokenizationReference {
  const file = new URL('../../../fixtures/tiny-bert-reference.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { tokenization: TokenizationReference }).tokenization;
}
