import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  classWeights,
  datasetFromRows,
  loadDataset,
  pick,
  stratifiedSplit,
  type CleaningSummary,
  type Dataset,
  type LabelledText,
  type LoadDatasetOptions,
} from '@senti/data';
import { TrainError } from '@senti/errors';
import type { FineTuneSettings } from './settings.js';

/** Texts and label indices of one split. */
export interface TextSplit {
  texts: string[];
  labels: number[];
}

/** Where a split came from, so that a saved run can rebuild it exactly (see `split.json`). */
export interface SplitRecord {
  /**
   * `split`: stratified 70/15/15 of `data`; `files`: train, val and test given separately; `whole`: every row of
   * `data` in train, val and test empty (a label audit, whose folds hold rows out; never saved with a run).
   */
  origin: 'split' | 'files' | 'whole';
  /** Each data source: a file path with its sha256, or `rows` for in-memory data (not re-readable). */
  sources: { train: SourceRecord; val?: SourceRecord; test?: SourceRecord };
  /** Cleaning and column settings the rows were read with. */
  read: { textColumn: string; labelColumn: string; dropDuplicates: boolean; encoding?: string; delimiter?: string };
  /** Row indices into the cleaned `data` (origin `split` only). */
  indices?: { train: number[]; val: number[]; test: number[] };
  /** Seed of the split. */
  seed: number;
}

/** A data source of a run. */
export type SourceRecord = { kind: 'file'; path: string; sha256: string } | { kind: 'rows'; count: number };

/** The three splits, the label vocabulary, the class weights and what cleaning did. */
export interface PreparedSplits {
  train: TextSplit;
  val: TextSplit;
  test: TextSplit;
  labelNames: string[];
  /** sklearn 'balanced' weights of the training labels. */
  classWeights: number[];
  /** One summary per source read. */
  cleaning: CleaningSummary[];
  textColumn: string;
  labelColumn: string;
  record: SplitRecord;
  /**
   * The `data` source's rows as read once (every column) and, per cleaned row, its index among them: reports that
   * quote input rows use these instead of reading the file again (it may have changed, or be a pipe).
   */
  input: { columns: string[]; rows: string[][]; rowIndices: number[] };
}

type DataSettings = Pick<
  FineTuneSettings,
  | 'data'
  | 'val'
  | 'test'
  | 'textColumn'
  | 'labelColumn'
  | 'labelNames'
  | 'dropDuplicates'
  | 'seed'
  | 'encoding'
  | 'delimiter'
>;

/**
 * Loads the data and makes the train/validation/test splits (stratified, seeded) or reads them as given. With
 * `whole`, nothing is split: every row goes to train (so no class needs rows enough for a 70/15/15 split).
 */
export async function prepareSplits(
  settings: DataSettings,
  options: { whole?: boolean } = {},
): Promise<PreparedSplits> {
  const columns = {
    textColumn: settings.textColumn,
    labelColumn: settings.labelColumn,
    dropDuplicates: settings.dropDuplicates,
    encoding: settings.encoding,
    delimiter: settings.delimiter,
  };
  const dataset = await readSource(settings.data, columns, 'data');
  const labelNames = displayLabelNames(
    dataset.labelNames,
    settings.labelNames,
    typeof settings.data === 'string' ? settings.data : 'the data',
  );
  // The encoding and delimiter actually used, so evaluation re-reads the file the same way.
  const read = {
    textColumn: dataset.textColumn,
    labelColumn: dataset.labelColumn,
    dropDuplicates: settings.dropDuplicates,
    encoding: dataset.encoding,
    delimiter: dataset.delimiter,
  };
  const cleaning = [dataset.summary];
  const sources: SplitRecord['sources'] = { train: await sourceRecord(settings.data, dataset) };
  let splits: Pick<PreparedSplits, 'train' | 'val' | 'test'>;
  let indices: SplitRecord['indices'];
  if (settings.val !== undefined && settings.test !== undefined) {
    const known = { ...columns, labelNames: dataset.labelNames };
    const val = await readSource(settings.val, known, 'val');
    const test = await readSource(settings.test, known, 'test');
    cleaning.push(val.summary, test.summary);
    sources.val = await sourceRecord(settings.val, val);
    sources.test = await sourceRecord(settings.test, test);
    splits = {
      train: { texts: dataset.texts, labels: dataset.labels },
      val: { texts: val.texts, labels: val.labels },
      test: { texts: test.texts, labels: test.labels },
    };
  } else if (options.whole === true) {
    indices = { train: dataset.labels.map((_, row) => row), val: [], test: [] };
    splits = { train: take(dataset, indices.train), val: take(dataset, []), test: take(dataset, []) };
  } else {
    const made = stratifiedSplit(dataset.labels, { seed: settings.seed, labelNames });
    indices = made;
    splits = { train: take(dataset, made.train), val: take(dataset, made.val), test: take(dataset, made.test) };
  }
  return {
    ...splits,
    labelNames,
    classWeights: classWeights(splits.train.labels, labelNames.length, { labelNames, where: 'the training split' }),
    cleaning,
    textColumn: dataset.textColumn,
    labelColumn: dataset.labelColumn,
    record: {
      origin: options.whole === true ? 'whole' : indices ? 'split' : 'files',
      sources,
      read,
      seed: settings.seed,
      ...(indices ? { indices } : {}),
    },
    input: inputRows(settings.data, dataset),
  };
}

/** The rows of the data source as read: the file's table, or the in-memory rows as text and label. */
function inputRows(source: string | readonly LabelledText[], dataset: Dataset): PreparedSplits['input'] {
  if (typeof source !== 'string')
    return {
      columns: ['text', 'label'],
      rows: source.map((row) => [row.text, String(row.label)]),
      rowIndices: dataset.rowIndices,
    };
  return { columns: dataset.table?.columns ?? [], rows: dataset.table?.rows ?? [], rowIndices: dataset.rowIndices };
}

/** The label values renamed by `names` (value -> display name); every name must be a value of the data. */
export function displayLabelNames(
  values: readonly string[],
  names: Readonly<Record<string, string>> | undefined,
  source: string,
): string[] {
  if (names === undefined) return [...values];
  for (const value of Object.keys(names)) {
    if (!values.includes(value)) {
      throw new TrainError(
        'TRAIN_BAD_LABEL_NAMES',
        `label names: "${value}" is not a label of ${source}; its labels are: ${values.join(', ')}`,
        'usage',
      );
    }
  }
  const renamed = values.map((value) => names[value] ?? value);
  const clash = renamed.find((name, index) => renamed.indexOf(name) !== index);
  if (clash !== undefined)
    throw new TrainError(
      'TRAIN_BAD_LABEL_NAMES',
      `label names: two labels of ${source} would both be called "${clash}"`,
      'usage',
    );
  return renamed;
}

/** The label values of a model whose labels were renamed (the inverse of {@link displayLabelNames}). */
export function labelValues(labelNames: readonly string[], names: unknown): string[] {
  if (names === null || typeof names !== 'object') return [...labelNames];
  const inverse = new Map(Object.entries(names as Record<string, string>).map(([value, name]) => [name, value]));
  return labelNames.map((name) => inverse.get(name) ?? name);
}

/** The rows of a dataset at `rows`. */
export function take(dataset: Pick<Dataset, 'texts' | 'labels'>, rows: readonly number[]): TextSplit {
  return { texts: pick(dataset.texts, rows), labels: pick(dataset.labels, rows) };
}

/** Reads a CSV path or cleans in-memory rows (named in messages as one noun, "the in-memory val data has 1 class"). */
export function readSource(
  source: string | readonly LabelledText[],
  options: LoadDatasetOptions,
  name: string,
): Promise<Dataset> {
  return typeof source === 'string'
    ? loadDataset(source, options)
    : Promise.resolve(
        datasetFromRows(source, { ...options, source: `the in-memory ${name === 'data' ? '' : `${name} `}data` }),
      );
}

/** sha256 of a data file, so a later evaluation knows it reads the same bytes. */
export async function fileSha256(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

/** The record of a source; a file's hash is of the bytes already parsed (stdin or a FIFO cannot be read a second time). */
async function sourceRecord(
  source: string | readonly LabelledText[],
  read: Pick<Dataset, 'sha256'>,
): Promise<SourceRecord> {
  if (typeof source !== 'string') return { kind: 'rows', count: source.length };
  return { kind: 'file', path: source, sha256: read.sha256 ?? (await fileSha256(source)) };
}
