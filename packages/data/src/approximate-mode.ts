import { type RandomSource, shuffleInPlace } from '@senti/base';

/**
 * scikit-learn's `_approximate_mode`: how many of `draws` items each class gets when drawing without replacement
 * in proportion to `classCounts` — the floor of each share, then one more for the classes with the largest
 * fractional remainders. Ties between equal remainders are broken with `random` (sklearn uses its RNG too).
 */
export function approximateMode(classCounts: readonly number[], draws: number, random: RandomSource): number[] {
  const total = classCounts.reduce((sum, count) => sum + count, 0);
  const continuous = classCounts.map((count) => (count / total) * draws);
  const floored = continuous.map(Math.floor);
  let needToAdd = Math.round(draws - floored.reduce((sum, count) => sum + count, 0));
  if (needToAdd > 0) {
    const remainders = continuous.map((value, i) => value - (floored[i] as number));
    const distinct = [...new Set(remainders)].sort((a, b) => b - a);
    for (const value of distinct) {
      const candidates = remainders.flatMap((remainder, i) => (remainder === value ? [i] : []));
      const chosen = shuffleInPlace(candidates, random).slice(0, Math.min(candidates.length, needToAdd));
      for (const i of chosen) floored[i] = (floored[i] as number) + 1;
      needToAdd -= chosen.length;
      if (needToAdd === 0) break;
    }
  }
  return floored;
}
