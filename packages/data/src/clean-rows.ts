import { canonicalLabel, isMissingLabel } from './label-vocabulary.js';

/** Whitespace and invisible format characters (zero-width space and joiners, BOM, soft hyphen, word joiner ...). */
const INVISIBLE_ONLY = /^[\s\p{Cf}]*$/u;

/** What cleaning did to a data file. */
export interface CleaningSummary {
  /** The file as given. */
  path: string;
  /** Data rows parsed (blank lines are not rows). */
  rowsRead: number;
  /** Rows dropped because the text was empty or only whitespace and invisible characters (zero-width space, BOM ...). */
  emptyTextDropped: number;
  /** Rows dropped because the label was empty or a missing-value marker (NaN, NA, null, ...). */
  missingLabelDropped: number;
  /** Later copies of a row with the same text and the same label (the first is kept). */
  duplicatesDropped: number;
  /** Kept rows whose exact text also appears with a different label; they are kept, only counted. */
  conflictingDuplicates: number;
  /** Rows in the dataset. */
  rowsKept: number;
}

/** Kept texts with their canonical label strings, and the counts of what was dropped. */
export interface CleanedRows {
  texts: string[];
  labels: string[];
  /** Index in the parsed rows (0-based, header and blank lines not counted) of each kept row. */
  rowIndices: number[];
  summary: CleaningSummary;
}

/** Drops rows with empty text or a missing label and (optionally) exact duplicates; counts conflicting ones. */
export function cleanRows(
  path: string,
  rows: readonly string[][],
  textIndex: number,
  labelIndex: number,
  dropDuplicates: boolean,
): CleanedRows {
  const summary: CleaningSummary = {
    path,
    rowsRead: rows.length,
    emptyTextDropped: 0,
    missingLabelDropped: 0,
    duplicatesDropped: 0,
    conflictingDuplicates: 0,
    rowsKept: 0,
  };
  const texts: string[] = [];
  const labels: string[] = [];
  const rowIndices: number[] = [];
  const labelsByText = new Map<string, Set<string>>();
  for (const [rowIndex, row] of rows.entries()) {
    const text = row[textIndex] ?? '';
    const rawLabel = (row[labelIndex] ?? '').trim();
    if (INVISIBLE_ONLY.test(text)) {
      summary.emptyTextDropped++;
      continue;
    }
    if (isMissingLabel(rawLabel)) {
      summary.missingLabelDropped++;
      continue;
    }
    const label = canonicalLabel(rawLabel);
    const seen = labelsByText.get(text) ?? new Set<string>();
    if (dropDuplicates && seen.has(label)) {
      summary.duplicatesDropped++;
      continue;
    }
    seen.add(label);
    labelsByText.set(text, seen);
    texts.push(text);
    labels.push(label);
    rowIndices.push(rowIndex);
  }
  summary.rowsKept = texts.length;
  summary.conflictingDuplicates = texts.filter((text) => (labelsByText.get(text)?.size ?? 0) > 1).length;
  return { texts, labels, rowIndices, summary };
}
