import { DataError } from '@senti/errors';
import { type CleaningSummary, cleanRows } from './clean-rows.js';
import { buildVocabulary, labelIndexer } from './label-vocabulary.js';
import { readTable, type Table } from './read-table.js';
import { columnNotFound, resolveTextColumn } from './resolve-columns.js';

/** Options for {@link loadDataset}. */
export interface LoadDatasetOptions {
  /** Column with the sentences (default `sentence`, falling back to `text` when there is no `sentence` column). */
  textColumn?: string;
  /** Column with the class labels (default `label`). */
  labelColumn?: string;
  /** Drop later rows with the same text and the same label as an earlier one (default true). */
  dropDuplicates?: boolean;
  /** Map labels onto this existing vocabulary (e.g. a trained model's); a label outside it is a DataError. */
  labelNames?: readonly string[];
}

/** A cleaned, labelled dataset. */
export interface Dataset {
  texts: string[];
  /** Index of each row's label in `labelNames`. */
  labels: number[];
  /** The label vocabulary: integers sorted numerically, other labels sorted as strings (or `options.labelNames`). */
  labelNames: string[];
  /** The column the texts came from. */
  textColumn: string;
  /** The column the labels came from. */
  labelColumn: string;
  summary: CleaningSummary;
}

/** Loads a labelled CSV/TSV file (via danfojs-node), cleans it and builds the label vocabulary. */
export async function loadDataset(path: string, options: LoadDatasetOptions = {}): Promise<Dataset> {
  return datasetFromTable(path, await readTable(path), options);
}

/** Cleans an already parsed table (header + string rows) into a dataset; `source` names it in messages. */
export function datasetFromTable(source: string, table: Table, options: LoadDatasetOptions = {}): Dataset {
  const path = source;
  const textColumn = resolveTextColumn(path, table.columns, options.textColumn);
  const labelColumn = options.labelColumn ?? 'label';
  if (!table.columns.includes(labelColumn)) throw columnNotFound(path, labelColumn, table.columns);

  const cleaned = cleanRows(path, table.rows, table.columns.indexOf(textColumn), table.columns.indexOf(labelColumn), options.dropDuplicates ?? true);
  if (cleaned.texts.length === 0) {
    throw new DataError('DATA_NO_ROWS', `no usable rows in ${path}: all ${table.rows.length} rows have an empty text or a missing label`);
  }
  const labelNames = options.labelNames ? [...options.labelNames] : buildVocabulary(cleaned.labels);
  if (labelNames.length < 2) {
    const found = labelNames.map((name) => `"${name}"`).join(', ');
    throw new DataError(
      'DATA_TOO_FEW_CLASSES',
      `${path} has ${labelNames.length} class${labelNames.length === 1 ? '' : 'es'} (${found || 'none'}) in column "${labelColumn}"; expected at least 2`,
    );
  }
  const indexOf = labelIndexer(labelNames, path);
  const labels = cleaned.labels.map((label, i) => indexOf(label, i + 1));
  return { texts: cleaned.texts, labels, labelNames, textColumn, labelColumn, summary: cleaned.summary };
}
