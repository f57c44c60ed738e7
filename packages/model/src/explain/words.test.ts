import { describe, expect, it } from 'vitest';
import { planExplanation } from './plan-explanation.js';
import { splitWords, withoutWords } from './words.js';

describe('splitWords', () => {
  it('finds words as written, with offsets into the text; punctuation and spaces delimit them', () => {
    const text = "Don't  stop—it's GREAT!!! café 42x, 好电影";
    const words = splitWords(text);
    expect(words.map((word) => word.word)).toEqual(["Don't", 'stop', "it's", 'GREAT', 'café', '42x', '好', '电', '影']);
    for (const word of words) expect(text.slice(word.start, word.end)).toBe(word.word);
  });

  it('cuts words out without joining their neighbours', () => {
    const text = 'not-bad, really good';
    const [not, bad, , good] = splitWords(text);
    expect(withoutWords(text, [bad!])).toBe('not-, really good');
    expect(withoutWords(text, [good!, not!])).toBe('-bad, really ');
  });
});

describe('planExplanation', () => {
  it('plans the text, one text per word without it, and all words removed', () => {
    const plan = planExplanation('a fine film.', undefined);
    expect(plan.texts).toEqual(['a fine film.', ' fine film.', 'a  film.', 'a fine .', '  .']);
    expect(plan.coverage).toEqual({ words: 3, explained: 3, note: 'explained all 3 words' });
  });

  it('caps the words explained and says so; the rest stay in every text', () => {
    const plan = planExplanation('one two three four', undefined, { maxWords: 2 });
    expect(plan.words.map((word) => word.word)).toEqual(['one', 'two']);
    expect(plan.texts.at(-1)).toBe('  three four');
    expect(plan.coverage).toMatchObject({
      explained: 2,
      words: 4,
      limitedBy: 'words',
      note: 'explained the first 2 of 4 words (cap 2 words)',
    });
  });

  it('explains only the whole words the model sees, so a removal never pulls unseen tokens in', () => {
    // A window of 4 "tokens", one per character of a word (a stand-in tokenizer: each letter a token).
    const window = {
      tokenIds: (text: string) => [...text.replace(/\W/g, '')].map((char) => char.charCodeAt(0)),
      maxTokens: 4,
    };
    const plan = planExplanation('ab cd ef', window);
    expect(plan.span).toBe('ab cd');
    expect(plan.words.map((word) => word.word)).toEqual(['ab', 'cd']);
    expect(plan.coverage).toMatchObject({ limitedBy: 'tokens', explained: 2, words: 3 });
    expect(plan.texts).toEqual(['ab cd', ' cd', 'ab ', ' ']);
  });
});
