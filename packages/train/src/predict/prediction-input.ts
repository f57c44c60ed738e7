import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import {
  loadTexts,
  parseTableBytes,
  readAll,
  readTable,
  textLines,
  type ReadTableOptions,
  type Table,
} from '@senti/data';
import { DataError } from '@senti/errors';

/** Rows to predict: every input column, and which one holds the texts. */
export interface PredictionInput {
  columns: string[];
  rows: string[][];
  /** Index of the text column in `columns`. */
  textIndex: number;
  /** Where the rows came from, for messages (a path, `stdin`, `input stream` or `texts`). */
  source: string;
}

/**
 * What to predict: a CSV/TSV path (all columns kept), a .txt path (one text per line), `-` (stdin), a stream (as
 * stdin), or the texts themselves.
 */
export type PredictionSource = string | NodeJS.ReadableStream | readonly string[];

/** Options of {@link readPredictionInput}. */
export interface ReadPredictionInputOptions {
  /** Column holding the texts; default: `modelTextColumn`, else `sentence`, else `text`. */
  textColumn?: string;
  /** The text column the model was trained on (its senti.json's `training.textColumn`), tried first by default. */
  modelTextColumn?: string;
  /** Text encoding (default utf-8, or the byte-order mark's). */
  encoding?: string;
  /** Column delimiter; default by extension, or the one other delimiter the header uses. */
  delimiter?: string;
  /** What `-` reads; default `process.stdin`. */
  stdin?: NodeJS.ReadableStream;
}

/**
 * Reads rows to predict: a CSV/TSV (all columns kept), a .txt file (one text per line), `-` or a stream (read once: a
 * CSV when `textColumn` is given or its first line names a candidate text column, else one text per line), or texts.
 * The text column is `textColumn`, else the model's training text column, else `sentence`, else `text`.
 */
export async function readPredictionInput(
  source: PredictionSource,
  options: ReadPredictionInputOptions = {},
): Promise<PredictionInput> {
  const read = { encoding: options.encoding, delimiter: options.delimiter };
  if (typeof source !== 'string') {
    if (isTextList(source))
      return { columns: ['text'], rows: source.map((text) => [text]), textIndex: 0, source: 'texts' };
    return readStream(source, 'input stream', options, read);
  }
  if (source !== '-' && extname(source).toLowerCase() === '.txt') {
    const { texts } = await loadTexts(source, { encoding: read.encoding });
    return { columns: ['text'], rows: texts.map((text) => [text]), textIndex: 0, source };
  }
  if (source === '-') return readStream(options.stdin ?? process.stdin, 'stdin', options, read);
  return tableInput(await readTable(source, read), source, options);
}

function isTextList(source: NodeJS.ReadableStream | readonly string[]): source is readonly string[] {
  return Array.isArray(source);
}

/** The text columns tried, in order. */
function candidates(options: ReadPredictionInputOptions): string[] {
  if (options.textColumn !== undefined) return [options.textColumn];
  const names = [options.modelTextColumn, 'sentence', 'text'].filter((name): name is string => name !== undefined);
  return [...new Set(names)];
}

/** The rows of a parsed table with its text column found among the candidates. */
function tableInput(table: Table, source: string, options: ReadPredictionInputOptions): PredictionInput {
  const tried = candidates(options);
  const found = tried.find((name) => table.columns.includes(name));
  if (found === undefined) {
    // `textColumn` names the option; the CLI shows its flag there.
    const which =
      options.textColumn !== undefined
        ? `\`textColumn\` "${options.textColumn}"`
        : `no text column (tried ${tried.map((name) => `"${name}"`).join(', ')})`;
    throw new DataError('DATA_COLUMN_NOT_FOUND', `${which} in ${source}; columns are: ${table.columns.join(', ')}`);
  }
  const textIndex = table.columns.indexOf(found);
  if (!table.rows.some((row) => (row[textIndex] ?? '').trim().length > 0)) {
    throw new DataError('DATA_NO_ROWS', `${source} has no non-empty texts in column "${found}"`);
  }
  return { columns: table.columns, rows: table.rows, textIndex, source };
}

/** Fails fast (before any model is loaded) when `input` names no readable file; `-` (stdin) passes. */
export async function checkInputFile(input: string): Promise<void> {
  if (input === '-') return;
  let info;
  try {
    info = await stat(input);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new DataError('DATA_FILE_NOT_FOUND', `data file "${input}" not found`, 'input', { cause: error });
    throw new DataError(
      'DATA_FILE_UNREADABLE',
      `data file "${input}" cannot be read (${code ?? String(error)})`,
      'input',
      { cause: error },
    );
  }
  if (info.isDirectory())
    throw new DataError('DATA_FILE_UNREADABLE', `data file "${input}" is a directory, not a CSV file`);
}

/** The column names a header line may hold, split on any delimiter senti recognises, quotes and spaces removed. */
function headerNames(line: string): string[] {
  return line.split(/[,\t;|]/).map((name) =>
    name
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .trim(),
  );
}

/**
 * The bytes of a stream (stdin), read once: a CSV/TSV when `textColumn` is given or the first line names one of the
 * candidate text columns; otherwise plain text, one text per line (as a .txt file).
 */
async function readStream(
  stream: NodeJS.ReadableStream,
  source: string,
  options: ReadPredictionInputOptions,
  read: ReadTableOptions,
): Promise<PredictionInput> {
  const bytes = await readAll(stream);
  if (bytes.toString('latin1').trim() === '')
    throw new DataError('DATA_EMPTY', `${source} is empty; expected a CSV with a header or one text per line`);
  const lines = textLines(bytes, source, read.encoding);
  const names = headerNames(lines[0]!);
  if (options.textColumn === undefined && !candidates(options).some((name) => names.includes(name))) {
    return { columns: ['text'], rows: lines.map((text) => [text]), textIndex: 0, source };
  }
  return tableInput(await parseTableBytes(bytes, source, read), source, options);
}
