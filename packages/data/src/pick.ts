import { DataError } from '@senti/errors';

/** The items at `indices`, in that order (e.g. the texts of one split). */
export function pick<T>(items: readonly T[], indices: readonly number[]): T[] {
  return indices.map((index) => {
    if (!Number.isInteger(index) || index < 0 || index >= items.length) {
      throw new DataError('DATA_BAD_ARGUMENT', `index ${index} is out of range for ${items.length} items`, 'usage');
    }
    return items[index] as T;
  });
}
