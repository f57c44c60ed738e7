import { DataError } from '@senti/errors';
import { datasetFromTable, type Dataset, type LoadDatasetOptions } from './load-dataset.js';

/** One labelled example given in memory. */
export interface LabelledText {
  text: string;
  label: string | number;
}

/** Builds a dataset from in-memory `{ text, label }` rows, cleaned exactly like a loaded file; `source` names it in messages (a singular noun phrase: "... has 1 class"). */
export function datasetFromRows(
  rows: readonly LabelledText[],
  options: Omit<LoadDatasetOptions, 'textColumn' | 'labelColumn'> & { source?: string } = {},
): Dataset {
  const source = options.source ?? 'the given data';
  if (!Array.isArray(rows))
    throw new DataError('DATA_BAD_ROWS', `${source}: expected an array of { text, label } objects`);
  const table = {
    // In-memory rows have no bytes or delimiter; these fields only describe files.
    encoding: 'utf-8',
    delimiter: ',',
    delimiterSource: 'option' as const,
    columns: ['text', 'label'],
    rows: rows.map((row, index) => {
      if (
        row === null ||
        typeof row !== 'object' ||
        typeof row.text !== 'string' ||
        (typeof row.label !== 'string' && typeof row.label !== 'number')
      ) {
        throw new DataError('DATA_BAD_ROWS', `${source}: row ${index} is not { text: string, label: string | number }`);
      }
      return [row.text, String(row.label)];
    }),
  };
  return datasetFromTable(source, table, { ...options, textColumn: 'text', labelColumn: 'label' });
}
