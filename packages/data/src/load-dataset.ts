import { DataError, escapeControl, quote, quoteList } from '@senti/errors';
import { type CleaningSummary, cleanRows } from './clean-rows.js';
import { buildVocabulary, labelIndexer } from './label-vocabulary.js';
import { readTable, type Table } from './read-table.js';
import { checkUnique, columnNotFound, resolveTextColumn } from './resolve-columns.js';

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
  /**
   * Text encoding when the file has no byte-order mark: any WHATWG label (`utf-8`, `latin1`, `cp1252`, `utf-16le`,
   * ...). Default `utf-8`; bytes that are not valid in it are an error naming the line, never silently replaced.
   */
  encoding?: string;
  /** Column delimiter; default by extension (`.tsv` tab, else comma), or the one other delimiter the header uses. */
  delimiter?: string;
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
  /** The encoding the file was decoded with (WHATWG name, e.g. `utf-8`, `windows-1252`). */
  encoding: string;
  /** Index in the parsed data rows (0-based; header and blank lines not counted) of each kept row. */
  rowIndices: number[];
  /** The column delimiter used; `delimiterSniffed` is true when the header, not the extension, decided it. */
  delimiter: string;
  delimiterSniffed: boolean;
  summary: CleaningSummary;
  /** sha256 (hex) of the file's bytes as read (absent for in-memory rows). */
  sha256?: string;
  /** The parsed file as read, every column (absent for in-memory rows): what a report of input rows quotes. */
  table?: { columns: string[]; rows: string[][] };
}

/** Loads a labelled CSV/TSV file (via danfojs-node), cleans it and builds the label vocabulary. */
export async function loadDataset(path: string, options: LoadDatasetOptions = {}): Promise<Dataset> {
  return datasetFromTable(
    path,
    await readTable(path, { encoding: options.encoding, delimiter: options.delimiter }),
    options,
  );
}

/** Cleans an already parsed table (header + string rows) into a dataset; `source` names it in messages. */
export function datasetFromTable(source: string, table: Table, options: LoadDatasetOptions = {}): Dataset {
  const path = source;
  const textColumn = resolveTextColumn(path, table.columns, options.textColumn);
  const labelColumn = options.labelColumn ?? 'label';
  if (!table.columns.includes(labelColumn)) throw columnNotFound(path, labelColumn, table.columns);
  checkUnique(path, labelColumn, table.columns);
  if (labelColumn === textColumn) {
    throw new DataError(
      'DATA_SAME_COLUMN',
      `text and label columns are both ${quote(labelColumn)} in ${escapeControl(path)}; expected two different columns`,
      'usage',
    );
  }

  const cleaned = cleanRows(
    path,
    table.rows,
    table.columns.indexOf(textColumn),
    table.columns.indexOf(labelColumn),
    options.dropDuplicates ?? true,
  );
  if (cleaned.texts.length === 0) {
    throw new DataError(
      'DATA_NO_ROWS',
      `no usable rows in ${escapeControl(path)}: ${table.rows.length === 1 ? 'its only row has' : `all ${table.rows.length} rows have`} an empty text or a missing label`,
    );
  }
  const labelNames = options.labelNames ? [...options.labelNames] : buildVocabulary(cleaned.labels);
  if (labelNames.length < 2) {
    const found = quoteList(labelNames);
    throw new DataError(
      'DATA_TOO_FEW_CLASSES',
      `${escapeControl(path)} has ${labelNames.length} class${labelNames.length === 1 ? '' : 'es'} (${found || 'none'}) in column ${quote(labelColumn)}; expected at least 2`,
    );
  }
  const indexOf = labelIndexer(labelNames, path);
  const labels = cleaned.labels.map((label, i) => indexOf(label, i + 1));
  return {
    texts: cleaned.texts,
    labels,
    labelNames,
    textColumn,
    labelColumn,
    rowIndices: cleaned.rowIndices,
    encoding: table.encoding,
    delimiter: table.delimiter,
    delimiterSniffed: table.delimiterSource === 'sniffed',
    summary: cleaned.summary,
    ...(table.sha256 === undefined ? {} : { sha256: table.sha256 }),
    table: { columns: table.columns, rows: table.rows },
  };
}
