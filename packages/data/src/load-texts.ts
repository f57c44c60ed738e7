import { extname } from 'node:path';
import { DataError, escapeControl, quote } from '@senti/errors';
import { decodeText } from './decode-text.js';
import { readBytes, readTable } from './read-table.js';
import { resolveTextColumn } from './resolve-columns.js';

/** Options for {@link loadTexts}. */
export interface LoadTextsOptions {
  /** Column with the texts in a CSV/TSV (default `sentence`, falling back to `text`). */
  textColumn?: string;
  /** Text encoding when the file has no byte-order mark (see `LoadDatasetOptions.encoding`). Default `utf-8`. */
  encoding?: string;
  /** Column delimiter of a CSV/TSV (see `LoadDatasetOptions.delimiter`). */
  delimiter?: string;
}

/** Texts to classify, in file order. */
export interface TextFile {
  texts: string[];
  /** The column the texts came from (`null` for a plain-text file). */
  textColumn: string | null;
}

/** The texts of plain-text bytes, one per non-blank line, decoded with `encoding` (default utf-8; a BOM wins); `source` names them. */
export function textLines(bytes: Buffer, source: string, encoding?: string): string[] {
  const texts = decodeText(bytes, source, encoding)
    .text.split(/\r\n|\r|\n/)
    .filter((line) => line.trim().length > 0);
  if (texts.length === 0)
    throw new DataError('DATA_NO_ROWS', `${escapeControl(source)} has no texts; expected one text per line`);
  return texts;
}

/** Reads unlabelled texts: a CSV/TSV text column (via danfojs-node), or a `.txt` file with one text per line. */
export async function loadTexts(path: string, options: LoadTextsOptions = {}): Promise<TextFile> {
  if (extname(path).toLowerCase() === '.txt')
    return { texts: textLines(await readBytes(path), path, options.encoding), textColumn: null };
  const table = await readTable(path, { encoding: options.encoding, delimiter: options.delimiter });
  const textColumn = resolveTextColumn(path, table.columns, options.textColumn);
  const index = table.columns.indexOf(textColumn);
  const texts = table.rows.map((row) => row[index] ?? '').filter((text) => text.trim().length > 0);
  if (texts.length === 0)
    throw new DataError('DATA_NO_ROWS', `${escapeControl(path)} has no non-empty texts in column ${quote(textColumn)}`);
  return { texts, textColumn };
}
