import { DataError, escapeControl, quote } from '@senti/errors';

/** Label cells that mean "no label" (pandas' usual missing-value spellings). */
const MISSING_LABELS = new Set(['', 'nan', 'NaN', 'NA', 'N/A', 'null', 'NULL']);

/** True when a (trimmed) label cell holds no label. */
export function isMissingLabel(label: string): boolean {
  return MISSING_LABELS.has(label);
}

const INTEGER = /^[+-]?\d+(\.0+)?$/;

/**
 * "007", "+7" and "7.0" all name the integer label "7"; other labels are kept as written, except for what cannot be
 * seen: invisible format characters (zero-width space, BOM ...) are removed and the text is NFC-normalized, so two
 * labels that print identically are one class.
 */
export function canonicalLabel(label: string): string {
  const visible = label
    .replace(/\p{Cf}/gu, '')
    .normalize('NFC')
    .trim();
  return INTEGER.test(visible) ? BigInt(visible.replace(/\.0+$/, '')).toString() : visible;
}

/** Sorted distinct labels: numerically when every label is an integer, else by code unit (like Python's `sorted`). */
export function buildVocabulary(labels: readonly string[]): string[] {
  const distinct = [...new Set(labels)];
  if (distinct.every((label) => INTEGER.test(label))) {
    return distinct.sort((a, b) => {
      const difference = BigInt(a) - BigInt(b);
      return difference < 0n ? -1 : difference > 0n ? 1 : 0;
    });
  }
  return distinct.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Maps canonical labels onto indices of an existing vocabulary (names compared after {@link canonicalLabel}). */
export function labelIndexer(labelNames: readonly string[], path: string): (label: string, row: number) => number {
  const index = new Map<string, number>();
  labelNames.forEach((name, i) => {
    if (!index.has(name)) index.set(name, i);
    const canonical = canonicalLabel(name.trim());
    if (!index.has(canonical)) index.set(canonical, i);
  });
  return (label, row) => {
    const found = index.get(label);
    if (found === undefined) {
      throw new DataError(
        'DATA_UNKNOWN_LABEL',
        `label ${quote(label)} in data row ${row} of ${quote(path)} is not one of the known labels: ${labelNames.map(escapeControl).join(', ')}`,
      );
    }
    return found;
  };
}
