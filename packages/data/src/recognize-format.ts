import { DataError, quote } from '@senti/errors';

const SAVE_AS_CSV = 'save or export it as CSV (UTF-8) with a header row such as sentence,label';

/** Binary formats people pass by mistake, by their first bytes. */
const SIGNATURES: { bytes: number[]; what: string; hint: string }[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive (an Excel .xlsx workbook is one)', hint: SAVE_AS_CSV },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'an old Excel .xls (or other Office) file', hint: SAVE_AS_CSV },
  { bytes: [0x1f, 0x8b], what: 'gzip-compressed', hint: 'decompress it first (gunzip FILE)' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document', hint: SAVE_AS_CSV },
  {
    bytes: [0x50, 0x41, 0x52, 0x31],
    what: 'a Parquet file',
    hint: 'convert it to CSV first (e.g. pandas: pd.read_parquet(f).to_csv(out, index=False))',
  },
  { bytes: [...Buffer.from('SQLite format 3\0')], what: 'an SQLite database', hint: SAVE_AS_CSV },
];

/** Rejects well-known binary formats by their signature, before decoding their bytes as text. */
export function rejectBinaryFormats(bytes: Uint8Array, path: string): void {
  const match = SIGNATURES.find((signature) => signature.bytes.every((byte, i) => bytes[i] === byte));
  if (match)
    throw new DataError('DATA_NOT_CSV', `data file ${quote(path)} is ${match.what}, not a CSV text file`, 'input', {
      hint: match.hint,
    });
}

/** What a JSON document holds, in a few words. */
function describeJson(value: unknown): string {
  if (Array.isArray(value)) {
    const objects =
      value.length > 0 && value.every((item) => item !== null && typeof item === 'object' && !Array.isArray(item));
    const noun = objects ? 'object' : 'value';
    return `a JSON array of ${value.length} ${value.length === 1 ? noun : `${noun}s`}`;
  }
  return value !== null && typeof value === 'object' ? 'a JSON object' : 'JSON';
}

/** Rejects JSON, JSON Lines and HTML given as CSV/TSV, naming what the file is. */
export function rejectTextFormats(text: string, path: string): void {
  const start = text.trimStart();
  if (start.startsWith('[') || start.startsWith('{')) {
    const hint = 'convert it to CSV with a header row, e.g. with pandas: pd.read_json(f).to_csv(out, index=False)';
    try {
      const value: unknown = JSON.parse(text);
      throw new DataError('DATA_NOT_CSV', `data file ${quote(path)} is ${describeJson(value)}, not CSV`, 'input', {
        hint,
      });
    } catch (error) {
      if (DataError.isInstance(error)) throw error;
    }
    const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
    if (lines.length > 0 && lines.slice(0, 20).every((line) => isJsonObject(line))) {
      throw new DataError(
        'DATA_NOT_CSV',
        `data file ${quote(path)} is JSON Lines (one JSON object per line), not CSV`,
        'input',
        {
          hint: hint.replace('pd.read_json(f)', 'pd.read_json(f, lines=True)'),
        },
      );
    }
  }
  if (/^<(!doctype html|html|\?xml)/i.test(start)) {
    throw new DataError('DATA_NOT_CSV', `data file ${quote(path)} is an HTML/XML page, not CSV`, 'input', {
      hint: 'if it was downloaded from a web page, download the raw file instead',
    });
  }
}

function isJsonObject(line: string): boolean {
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}
