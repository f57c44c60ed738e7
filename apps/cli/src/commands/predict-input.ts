import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseTableBytes, readAll, readTable, textLines, type ReadTableOptions, type Table } from '@senti/data';
import { DataError, UsageError } from '@senti/errors';
import { loadTexts } from '@senti/data';

/** Rows to predict: every input column, and which one holds the texts. */
export interface PredictInput {
  columns: string[];
  rows: string[][];
  /** Index of the text column in `columns`. */
  textIndex: number;
  /** Where the rows came from, for messages. */
  source: string;
}

/**
 * Reads `--input`: a CSV/TSV (all columns kept), a .txt file (one text per line), or `-` (stdin: a CSV with a known
 * header, else one text per line); stdin, pipes and FIFOs are read once. The text column
 * is the one asked for, else the model's training text column, else `sentence`, else `text`.
 */
export async function readPredictInput(
  input: string,
  stdin: NodeJS.ReadableStream,
  textColumn: string | undefined,
  trainedColumn: string | undefined,
  read: { encoding?: string; delimiter?: string } = {},
): Promise<PredictInput> {
  if (input !== '-' && extname(input).toLowerCase() === '.txt') {
    const { texts } = await loadTexts(input, { encoding: read.encoding });
    return { columns: ['text'], rows: texts.map((text) => [text]), textIndex: 0, source: input };
  }
  const candidates =
    textColumn !== undefined
      ? [textColumn]
      : [...new Set([trainedColumn, 'sentence', 'text'].filter((name): name is string => name !== undefined))];
  if (input === '-') return readStdin(stdin, textColumn, candidates, read);
  return tableInput(await readTable(input, read), input, textColumn, candidates);
}

/** The rows of a parsed table with its text column found among `candidates`. */
function tableInput(
  table: Table,
  source: string,
  textColumn: string | undefined,
  candidates: readonly string[],
): PredictInput {
  const found = candidates.find((name) => table.columns.includes(name));
  if (found === undefined) {
    const which =
      textColumn !== undefined
        ? `--text-column "${textColumn}"`
        : `no text column (tried ${candidates.map((name) => `"${name}"`).join(', ')})`;
    throw new DataError('DATA_COLUMN_NOT_FOUND', `${which} in ${source}; columns are: ${table.columns.join(', ')}`);
  }
  if (!table.rows.some((row) => (row[table.columns.indexOf(found)] ?? '').trim().length > 0)) {
    throw new DataError('DATA_NO_ROWS', `${source} has no non-empty texts in column "${found}"`);
  }
  return { columns: table.columns, rows: table.rows, textIndex: table.columns.indexOf(found), source };
}

/** Fails fast (before any model is loaded) when `--input` names no readable file. */
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
 * `--input -`: the bytes on stdin, read once. A CSV/TSV when `--text-column` is given or the first line names one of the
 * candidate text columns; otherwise plain text, one text per line (as a .txt file).
 */
async function readStdin(
  stdin: NodeJS.ReadableStream,
  textColumn: string | undefined,
  candidates: readonly string[],
  read: ReadTableOptions,
): Promise<PredictInput> {
  if ((stdin as NodeJS.ReadStream).isTTY)
    throw new UsageError(
      'CLI_STDIN_TTY',
      '--input - reads texts from stdin, but stdin is a terminal; pipe a file in (senti predict ... --input - < texts.csv)',
    );
  const bytes = await readAll(stdin);
  if (bytes.toString('latin1').trim() === '')
    throw new DataError('DATA_EMPTY', 'stdin is empty; expected a CSV with a header or one text per line');
  const lines = textLines(bytes, 'stdin', read.encoding);
  const names = headerNames(lines[0]!);
  if (textColumn === undefined && !candidates.some((name) => names.includes(name))) {
    return { columns: ['text'], rows: lines.map((text) => [text]), textIndex: 0, source: 'stdin' };
  }
  return tableInput(await parseTableBytes(bytes, 'stdin', read), 'stdin', textColumn, candidates);
}
