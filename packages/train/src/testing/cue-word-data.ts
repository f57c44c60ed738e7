import { seededRandom } from '@senti/base';

const FILLERS = [
  'the',
  'movie',
  'was',
  'and',
  'a',
  'story',
  'with',
  'some',
  'people',
  'in',
  'it',
  'very',
  'long',
  'day',
  'city',
  'music',
  'house',
  'about',
  'this',
  'old',
  'car',
  'by',
  'then',
  'from',
  'water',
  'light',
  'room',
  'book',
  'night',
  'school',
];
const CUES = ['terrible', 'excellent'] as const;

/**
 * A synthetic set where one cue word decides the label (`terrible` → 0, `excellent` → 1), hidden among 4-9 random
 * filler words at a random position: the answer is in the words, not in sentence length or position.
 */
export function cueWordTexts(n: number, seed: number): { texts: string[]; labels: number[] } {
  const random = seededRandom(seed);
  const texts: string[] = [];
  const labels: number[] = [];
  for (let row = 0; row < n; row += 1) {
    const label = row % 2;
    const words = Array.from(
      { length: 4 + Math.floor(random() * 6) },
      () => FILLERS[Math.floor(random() * FILLERS.length)]!,
    );
    words.splice(Math.floor(random() * (words.length + 1)), 0, CUES[label]!);
    texts.push(words.join(' '));
    labels.push(label);
  }
  return { texts, labels };
}
