import { DataError } from '@senti/errors';

/** The error for a column a file does not have, listing the columns it does have. */
export function columnNotFound(path: string, column: string, columns: readonly string[], alsoTried?: string): DataError {
  const tried = alsoTried === undefined ? '' : ` (also tried "${alsoTried}")`;
  return new DataError('DATA_COLUMN_NOT_FOUND', `column "${column}" not found in ${path}${tried}; columns are: ${columns.join(', ')}`);
}

/** The text column: the one asked for, else `sentence`, else `text`. */
export function resolveTextColumn(path: string, columns: readonly string[], requested: string | undefined): string {
  const wanted = requested ?? 'sentence';
  if (columns.includes(wanted)) return wanted;
  if (requested === undefined && columns.includes('text')) return 'text';
  throw columnNotFound(path, wanted, columns, requested === undefined ? 'text' : undefined);
}
