import { createRandom } from '@senti/data';

/** Cue words that decide each class; everything else in a sentence is neutral filler. */
export const CUE_WORDS: Record<string, readonly string[]> = {
  negative: ['terrible', 'awful', 'dreadful', 'horrible'],
  neutral: ['average', 'ordinary', 'typical', 'standard'],
  positive: ['excellent', 'wonderful', 'superb', 'delightful'],
};

const FILLER = [
  'the', 'movie', 'was', 'plot', 'actors', 'story', 'ending', 'music', 'camera', 'scene', 'film', 'director', 'script',
  'we', 'saw', 'it', 'on', 'a', 'rainy', 'sunday', 'with', 'friends', 'and', 'popcorn', 'cinema', 'seats', 'long', 'runtime',
  'sequel', 'cast', 'dialogue', 'city', 'night', 'train', 'house', 'dog', 'kitchen', 'book', 'table', 'window',
];

/** Writes CSV text of `rows` sentences whose label is decided only by one cue word among random filler. */
export function syntheticReviewsCsv(options: { rows: number; classes: readonly string[]; seed: number; numericLabels?: boolean }): string {
  const random = createRandom(options.seed);
  const pickOne = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const lines = ['sentence,label'];
  for (let row = 0; row < options.rows; row++) {
    const classIndex = row % options.classes.length;
    const className = options.classes[classIndex] ?? '';
    const words = Array.from({ length: 2 + Math.floor(random() * 5) }, () => pickOne(FILLER));
    words.splice(Math.floor(random() * (words.length + 1)), 0, pickOne(CUE_WORDS[className] ?? []));
    lines.push(`${words.join(' ')},${options.numericLabels ? classIndex : className}`);
  }
  return `${lines.join('\n')}\n`;
}
