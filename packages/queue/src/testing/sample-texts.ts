export { TINY_BERT } from '@senti/fixtures';

const WORDS =
  'the a film plot actor great dull wonderful boring story music scene ending slow bright sad funny long short quiet loud phone battery screen case value service food waiter price not very really quite too'.split(
    ' ',
  );

/** `count` review-like sentences of 2 to 40 words from a seeded generator, with some repeated verbatim. */
export function sampleTexts(count: number, seed = 7): string[] {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const texts: string[] = [];
  for (let index = 0; index < count; index++) {
    if (index > 10 && next() < 0.05) {
      texts.push(texts[Math.floor(next() * texts.length)]!); // a duplicate, as real data has
      continue;
    }
    const words = 2 + Math.floor(next() ** 2 * 39);
    texts.push(
      Array.from({ length: words }, () => WORDS[Math.floor(next() * WORDS.length)]!).join(' ') +
        (next() < 0.5 ? '.' : '!'),
    );
  }
  return texts;
}
