import { readFileSync } from 'node:fs';

export { TINY_BERT } from '@senti/fixtures';

/** The oracle from fixtures/tiny-bert-reference.json: sentences and PyTorch outputs at max_length 17. */
export interface EncoderReference {
  sentences: string[];
  maxLength: number;
  outputs: { pooler_output: number[][]; cls: number[][]; masked_mean: number[][] };
}

/** Reads the sentences and PyTorch outputs of the reference oracle. */
export function readEncoderReference(): EncoderReference {
  const json = JSON.parse(readFileSync(new URL('../../../../fixtures/tiny-bert-reference.json', import.meta.url), 'utf8')) as {
    tokenization: { sentences: string[]; max_length: number };
    tiny_outputs: EncoderReference['outputs'];
  };
  return { sentences: json.tokenization.sentences, maxLength: json.tokenization.max_length, outputs: json.tiny_outputs };
}

/** Largest absolute difference between a flat matrix and nested rows. */
export function maxAbsDiff(flat: Float32Array, rows: readonly (readonly number[])[]): number {
  let max = 0;
  const width = rows[0]?.length ?? 0;
  rows.forEach((row, i) => row.forEach((value, h) => { max = Math.max(max, Math.abs(value - flat[i * width + h]!)); }));
  return max;
}
