import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HUB_REPLICAS } from '@senti/fixtures';
import { boundedTokenIds } from './bounded-token-ids.js';
import { loadTokenizer } from './load-tokenizer.js';
import { readTokenizationReference, TINY_BERT } from './testing/tokenizer-fixtures.js';

/** Pieces that stress normalization and pre-tokenization at a cut: accents, CJK, emoji, runs of spaces, newlines, tabs, punctuation, final sigma, no-break spaces. */
const PIECES = [
  'the',
  'movie',
  'was',
  'unbelievably',
  'good',
  'Café',
  'naïve',
  'ÉCOLE',
  '東京',
  '好',
  '😀',
  '👍🏽',
  "don't",
  'U.S.A.',
  '...',
  '!!!',
  'ΟΔΟΣ',
  'σοφός',
  'İstanbul',
  'https://example.com/a?b=c',
  '12,345.67',
  'x\u0301',
  '\u200b',
  'a\u00a0b',
  'tab\there',
  'line\nbreak',
  '—',
  'Straße',
];
const SEPARATORS = [' ', ' ', ' ', '  ', '   ', '\n', '\t', ' \n ', ''];

/** A seeded long text (a little LCG: the same texts on every run). */
function longText(seed: number, words: number): string {
  let state = seed;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  let text = '';
  for (let i = 0; i < words; i += 1) text += PIECES[next(PIECES.length)]! + SEPARATORS[next(SEPARATORS.length)]!;
  return text;
}

describe('boundedTokenIds: a long text cut before tokenizing gives the ids of the whole text truncated (#28 item 28)', async () => {
  const tokenizers = {
    'tiny-bert (WordPiece, BERT normalizer)': await loadTokenizer(TINY_BERT, { offline: true }),
    'roberta (byte-level BPE)': await loadTokenizer(path.join(HUB_REPLICAS, 'roberta'), { offline: true }),
  };
  const reference = readTokenizationReference().sentences;
  const texts = [
    ...Array.from({ length: 40 }, (_, seed) => longText(seed + 1, 300 + seed * 37)),
    reference.join(' ').repeat(20),
    `${'word '.repeat(2000)}`, // trailing space
    `${'x'.repeat(5000)} tail`, // no space early: tokenized whole
    `${'  '.repeat(500)}${'very good '.repeat(300)}`, // leading spaces
  ];

  for (const [name, tokenizer] of Object.entries(tokenizers)) {
    it(`${name}: ids equal the full tokenization truncated, for every text and window`, () => {
      for (const text of texts) {
        const full = tokenizer.tokenIds(text);
        for (const maxTokens of [1, 7, 15, 30, 126, 510]) {
          expect(
            boundedTokenIds(tokenizer.tokenIds, text, maxTokens),
            `${maxTokens} tokens of a ${text.length}-character text`,
          ).toEqual(full.slice(0, maxTokens));
        }
      }
    });

    it(`${name}: encode() gives the same batch as packing the full tokenization`, () => {
      const batch = tokenizer.encode(texts, { maxLength: 32, padding: 'max_length', truncation: true });
      const expected = tokenizer.pack(
        texts.map((text) => tokenizer.tokenIds(text)),
        { maxLength: 32, padding: 'max_length', truncation: true },
      );
      expect(batch.inputIds).toEqual(expected.inputIds);
      expect(batch.attentionMask).toEqual(expected.attentionMask);
    });
  }

  it('tokenizes a bounded prefix of a 100,000-character text, not the whole text', () => {
    const tokenizer = tokenizers['tiny-bert (WordPiece, BERT normalizer)'];
    const seen: number[] = [];
    const counting = (text: string) => {
      seen.push(text.length);
      return tokenizer.tokenIds(text);
    };
    const text = longText(99, 20_000);
    expect(text.length).toBeGreaterThan(100_000);
    expect(boundedTokenIds(counting, text, 30)).toEqual(tokenizer.tokenIds(text).slice(0, 30));
    expect(seen.reduce((sum, length) => sum + length, 0)).toBeLessThan(2_000);
  });
});
