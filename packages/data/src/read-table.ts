import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { DataError } from '@senti/errors';

/**
 * The papaparse options we pass through `dfd.readCSV` (danfojs types them as papaparse's `ParseConfig`, but
 * `@types/papaparse` is not a dependency of danfojs, so the type resolves to an empty interface).
 */
interface PapaparseOptions {
  header: true;
  delimiter: string;
  encoding: BufferEncoding;
  /** false keeps "1", "007" and "NaN" as written; danfojs would otherwise turn them into numbers. */
  dynamicTyping: false;
  skipEmptyLines: 'greedy';
  transformHeader: (name: string) => string;
}

/** A parsed delimited file: header names and every data row as strings. */
export interface Table {
  columns: string[];
  rows: string[][];
}

/** Reads the file's bytes, turning file-system failures into one-line DataErrors. */
export async function readBytes(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataError('DATA_FILE_NOT_FOUND', `data file "${path}" not found`, 'input', { cause: error });
    const reason = code === 'EISDIR' ? 'is a directory, not a CSV file' : `cannot be read (${code ?? String(error)})`;
    throw new DataError('DATA_FILE_UNREADABLE', `data file "${path}" ${reason}`, 'input', { cause: error });
  }
}

/**
 * danfojs reads local files as a stream and papaparse decodes each 64 KiB chunk on its own, so a multi-byte UTF-8
 * character that straddles a chunk boundary turns into two U+FFFD. Files with any non-ASCII byte are therefore
 * decoded here (invalid bytes -> U+FFFD, BOM dropped) and handed to danfojs as a UTF-16LE copy, whose even-sized
 * chunks only ever split between code units that papaparse joins back. Pure-ASCII files are read in place.
 */
async function withReadableCopy<T>(path: string, bytes: Buffer, read: (file: string, encoding: BufferEncoding) => Promise<T>): Promise<T> {
  if (!bytes.some((byte) => byte >= 0x80)) return read(path, 'utf8');
  const directory = await mkdtemp(join(tmpdir(), 'senti-data-'));
  try {
    const copy = join(directory, 'data.csv');
    await writeFile(copy, Buffer.from(new TextDecoder('utf-8').decode(bytes), 'utf16le'));
    return await read(copy, 'utf16le');
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** Loads a CSV (or, by a `.tsv` extension, a TSV) file with danfojs-node, keeping every value as a string. */
export async function readTable(path: string): Promise<Table> {
  const bytes = await readBytes(path);
  if (new TextDecoder('utf-8').decode(bytes).trim() === '') throw new DataError('DATA_EMPTY', `data file "${path}" is empty`);
  const dfd = await loadDanfo();
  const delimiter = extname(path).toLowerCase() === '.tsv' ? '\t' : ',';
  try {
    const frame = await withReadableCopy(path, bytes, (file, encoding) => {
      const options: PapaparseOptions = {
        header: true,
        delimiter,
        encoding,
        dynamicTyping: false,
        skipEmptyLines: 'greedy',
        transformHeader: (name) => name.trim(),
      };
      return dfd.readCSV(file, options as Parameters<typeof dfd.readCSV>[1]);
    });
    return { columns: frame.columns.map(String), rows: (frame.values as unknown[][]).map((row) => row.map((value) => (value == null ? '' : String(value)))) };
  } catch (error) {
    if (error instanceof DataError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (message.includes('No data found')) {
      throw new DataError('DATA_NO_ROWS', `data file "${path}" has a header but no data rows`, 'input', { cause: error });
    }
    const details = [...new Set(message.replace(/^CSV parsing errors: /, '').split(', '))].slice(0, 3).join('; ');
    throw new DataError('DATA_PARSE_ERROR', `data file "${path}" is not valid ${delimiter === ',' ? 'CSV' : 'TSV'}: ${details}`, 'input', {
      cause: error,
    });
  }
}

type Danfo = typeof import('#danfojs');

/**
 * danfojs-node is CommonJS with an `__esModule` flag: depending on the loader (Node, tsx, vitest) its API is the
 * namespace's `default` or the namespace itself. Loaded lazily: importing it costs about a second.
 */
async function loadDanfo(): Promise<Danfo> {
  const namespace = (await import('#danfojs')) as unknown as { default?: Danfo } & Danfo;
  return typeof namespace.default?.readCSV === 'function' ? namespace.default : namespace;
}
