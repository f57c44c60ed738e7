import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataError, quote } from '@senti/errors';
import { chooseDelimiter, DELIMITER_NAMES, type DelimiterChoice } from './choose-delimiter.js';
import { decodeText } from './decode-text.js';
import { parseProblems } from './parse-problems.js';
import { rejectBinaryFormats, rejectTextFormats } from './recognize-format.js';

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
  transformHeader: (name: string, index: number) => string;
}

/** A parsed delimited file: header names and every data row as strings. */
export interface Table {
  /** Header names (trimmed) in file order; repeated names stay repeated. */
  columns: string[];
  rows: string[][];
  /** The encoding the file was decoded with (WHATWG name, e.g. `utf-8`, `windows-1252`). */
  encoding: string;
  /** The column delimiter used. */
  delimiter: string;
  /** How the delimiter was chosen. */
  delimiterSource: DelimiterChoice['source'];
  /** sha256 (hex) of the bytes parsed, so a record of what was read needs no second read (stdin and pipes have none). */
  sha256?: string;
}

/** Reads the file's bytes, turning file-system failures into one-line DataErrors. */
export async function readBytes(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new DataError('DATA_FILE_NOT_FOUND', `data file ${quote(path)} not found`, 'input', { cause: error });
    const reason = code === 'EISDIR' ? 'is a directory, not a CSV file' : `cannot be read (${code ?? String(error)})`;
    throw new DataError('DATA_FILE_UNREADABLE', `data file ${quote(path)} ${reason}`, 'input', { cause: error });
  }
}

/** Options for {@link readTable}. */
export interface ReadTableOptions {
  /** Text encoding when the file has no byte-order mark (any WHATWG label: utf-8, latin1, cp1252, utf-16le, ...). Default utf-8. */
  encoding?: string;
  /** Column delimiter; default by extension (`.tsv` tab, else comma), or the only other one the header uses. */
  delimiter?: string;
}

/** True when `path` is a regular file, which (unlike stdin, a pipe or a FIFO) gives the same bytes when read again. */
async function isRegularFile(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
}

/**
 * danfojs reads local files as a stream and papaparse decodes each 64 KiB chunk on its own, so a multi-byte UTF-8
 * character that straddles a chunk boundary turns into two U+FFFD. Files are therefore decoded here (see
 * {@link decodeText}) and, unless they are plain ASCII, handed to danfojs as a UTF-16LE copy, whose even-sized chunks
 * only ever split between code units that papaparse joins back. Pure-ASCII regular files are read in place; anything
 * that cannot be read twice (stdin, a pipe, a FIFO) is parsed from a copy of the bytes already read.
 */
async function withReadableCopy<T>(
  path: string | undefined,
  bytes: Buffer,
  text: string,
  read: (file: string, encoding: BufferEncoding) => Promise<T>,
): Promise<T> {
  const ascii = bytes.length === text.length && !bytes.some((byte) => byte >= 0x80);
  if (ascii && path !== undefined && (await isRegularFile(path))) return read(path, 'utf8');
  const directory = await mkdtemp(join(tmpdir(), 'senti-data-'));
  try {
    const copy = join(directory, 'data.csv');
    await writeFile(copy, ascii ? bytes : Buffer.from(text, 'utf16le'));
    return await read(copy, ascii ? 'utf8' : 'utf16le');
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/**
 * Header names as written (trimmed) by column index. Repeated names are passed on to papaparse made unique, so it
 * neither renames them nor prints "Duplicate headers found and renamed."; callers see the real, repeated names.
 */
function headerCollector(): { names: string[]; transform: (name: string, index: number) => string } {
  const names: string[] = [];
  const seen = new Set<string>();
  return {
    names,
    transform: (name, index) => {
      const trimmed = name.trim();
      names[index] = trimmed;
      const unique = seen.has(trimmed) ? `${trimmed}\u0000${index}` : trimmed;
      seen.add(trimmed);
      return unique;
    },
  };
}

/**
 * Loads a CSV (or, by a `.tsv` extension, a TSV) file with danfojs-node, keeping every value as a string. Rejects
 * files that are something else (JSON, Excel, gzip, HTML), bytes that are not text in the encoding, and picks the
 * delimiter the header uses when it is unambiguous.
 */
export async function readTable(path: string, options: ReadTableOptions = {}): Promise<Table> {
  return parseTableBytes(await readBytes(path), path, options, path);
}

/**
 * Parses the bytes of a delimited file already read (stdin, a pipe, a download) as {@link readTable} parses a file;
 * `path` names it in messages and picks the delimiter by extension. `file`, when given, is a path that holds the same
 * bytes and may be read in place (a regular file).
 */
export async function parseTableBytes(
  bytes: Buffer,
  path: string,
  options: ReadTableOptions = {},
  file?: string,
): Promise<Table> {
  if (bytes.length === 0) throw new DataError('DATA_EMPTY', `data file ${quote(path)} is empty`);
  rejectBinaryFormats(bytes, path);
  const { text, encoding } = decodeText(bytes, path, options.encoding);
  if (text.trim() === '') throw new DataError('DATA_EMPTY', `data file ${quote(path)} is empty`);
  rejectTextFormats(text, path);
  const { delimiter, source, byExtension } = chooseDelimiter(path, text, options.delimiter);
  // Mixed line ends (CRLF and LF in one file) would make papaparse read two rows as one: one kind for all.
  const normalized = text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
  const dfd = await loadDanfo();
  const header = headerCollector();
  const format = delimiter === ',' ? 'CSV' : `${DELIMITER_NAMES[delimiter] ?? quote(delimiter)}-separated data`;
  try {
    const frame = await withReadableCopy(file, bytes, normalized, (file, fileEncoding) => {
      const parseOptions: PapaparseOptions = {
        header: true,
        delimiter,
        encoding: fileEncoding,
        dynamicTyping: false,
        skipEmptyLines: 'greedy',
        transformHeader: header.transform,
      };
      return dfd.readCSV(file, parseOptions as Parameters<typeof dfd.readCSV>[1]);
    });
    const rows = (frame.values as unknown[][]).map((row) => row.map((value) => (value == null ? '' : String(value))));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return {
      columns: header.names.length > 0 ? [...header.names] : frame.columns.map(String),
      rows,
      encoding,
      delimiter,
      delimiterSource: source,
      sha256,
    };
  } catch (error) {
    if (DataError.isInstance(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (message.includes('No data found')) {
      throw new DataError('DATA_NO_ROWS', `data file ${quote(path)} has a header but no data rows`, 'input', {
        cause: error,
      });
    }
    const problems = await parseProblems(normalized, delimiter).catch(() => []);
    const details =
      problems.length > 0
        ? problems
            .map((problem) => `${problem.message}${problem.row === undefined ? '' : ` in data row ${problem.row}`}`)
            .join('; ')
        : [...new Set(message.replace(/^CSV parsing errors: /, '').split(', '))].slice(0, 3).join('; ');
    const how =
      source === 'sniffed'
        ? ` (read as ${format} because its header has no ${byExtension === '\t' ? 'tabs' : 'commas'})`
        : '';
    throw new DataError(
      'DATA_PARSE_ERROR',
      `data file ${quote(path)} is not valid ${format}${how}: ${details}`,
      'input',
      {
        cause: error,
        hint: 'quote fields that contain the delimiter, a quote (as "") or a line break, e.g. "good, really",1',
      },
    );
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
