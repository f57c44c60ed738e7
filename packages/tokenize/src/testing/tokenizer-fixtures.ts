import { readFileSync } from 'node:fs';

export { TINY_BERT } from '@senti/fixtures';

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
  const file = new URL('../../../../fixtures/tiny-bert-reference.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { tokenization: TokenizationReference }).tokenization;
}
