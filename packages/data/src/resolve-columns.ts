import { DataError, escapeControl, quote } from '@senti/errors';

/** The error for a column a file does not have, listing the columns it does have. */
export function columnNotFound(
  path: string,
  column: string,
  columns: readonly string[],
  alsoTried?: string,
): DataError {
  const tried = alsoTried === undefined ? '' : ` (also tried ${quote(alsoTried)})`;
  const hint =
    columns.length === 1 && /[;\t| ]/.test(columns[0]!)
      ? { hint: 'the whole header was read as one column: check the delimiter' }
      : {};
  return new DataError(
    'DATA_COLUMN_NOT_FOUND',
    `column ${quote(column)} not found in ${escapeControl(path)}${tried}; columns are: ${columns.map((name) => (name === '' ? '(empty)' : escapeControl(name))).join(', ')}`,
    'input',
    hint,
  );
}

/** Throws when `column` appears more than once in the header: which of them is meant cannot be told. */
export function checkUnique(path: string, column: string, columns: readonly string[]): void {
  const positions = columns.flatMap((name, index) => (name === column ? [index + 1] : []));
  if (positions.length > 1) {
    throw new DataError(
      'DATA_DUPLICATE_COLUMN',
      `column ${quote(column)} appears ${positions.length} times in the header of ${escapeControl(path)} (columns ${positions.join(', ')}); expected exactly one`,
      'input',
      { hint: 'rename or remove the extra columns' },
    );
  }
}

/** The text column: the one asked for, else `sentence`, else `text`; it must be named exactly once. */
export function resolveTextColumn(path: string, columns: readonly string[], requested: string | undefined): string {
  const wanted = requested ?? 'sentence';
  const found = columns.includes(wanted)
    ? wanted
    : requested === undefined && columns.includes('text')
      ? 'text'
      : undefined;
  if (found === undefined) throw columnNotFound(path, wanted, columns, requested === undefined ? 'text' : undefined);
  checkUnique(path, found, columns);
  return found;
}
