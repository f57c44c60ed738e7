import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { readTable } from '@senti/data';
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
 * Reads `--input`: a CSV/TSV (all columns kept), a .txt file (one text per line), or `-` (a CSV on stdin). The text column
 * is the one asked for, else the model's training text column, else `sentence`, else `text`.
 */
export async function readPredictInput(input: string, stdin: NodeJS.ReadableStream, textColumn: string | undefined, trainedColumn: string | undefined): Promise<PredictInput> {
  if (input !== '-' && extname(input).toLowerCase() === '.txt') {
    const { texts } = await loadTexts(input);
    return { columns: ['text'], rows: texts.map((text) => [text]), textIndex: 0, source: input };
  }
  const source = input === '-' ? 'stdin' : input;
  const table = input === '-' ? await readStdinTable(stdin) : await readTable(input);
  const candidates = textColumn !== undefined ? [textColumn] : [...new Set([trainedColumn, 'sentence', 'text'].filter((name): name is string => name !== undefined))];
  const found = candidates.find((name) => table.columns.includes(name));
  if (found === undefined) {
    const which = textColumn !== undefined ? `--text-column "${textColumn}"` : `no text column (tried ${candidates.map((name) => `"${name}"`).join(', ')})`;
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
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new DataError('DATA_FILE_NOT_FOUND', `data file "${input}" not found`, 'input', { cause: error });
    throw new DataError('DATA_FILE_UNREADABLE', `data file "${input}" cannot be read (${code ?? String(error)})`, 'input', { cause: error });
  }
  if (info.isDirectory()) throw new DataError('DATA_FILE_UNREADABLE', `data file "${input}" is a directory, not a CSV file`);
}

async function readStdinTable(stdin: NodeJS.ReadableStream): Promise<Awaited<ReturnType<typeof readTable>>> {
  if ((stdin as NodeJS.ReadStream).isTTY) throw new UsageError('CLI_STDIN_TTY', '--input - reads a CSV from stdin, but stdin is a terminal; pipe a file in (senti predict ... --input - < texts.csv)');
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  const directory = await mkdtemp(join(tmpdir(), 'senti-stdin-'));
  try {
    const file = join(directory, 'stdin.csv');
    await writeFile(file, Buffer.concat(chunks));
    return await readTable(file).catch((error: unknown) => {
      if (error instanceof Error) error.message = error.message.replaceAll(file, 'stdin');
      throw error;
    });
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
