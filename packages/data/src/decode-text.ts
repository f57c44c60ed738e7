import { TextDecoder } from 'node:util';
import { DataError, quote } from '@senti/errors';
import { firstInvalidUtf8, lineAndColumn } from './invalid-utf8.js';

/** A file's text and the encoding it was decoded with. */
export interface DecodedText {
  text: string;
  /** The WHATWG name of the encoding used, e.g. `utf-8`, `windows-1252`, `utf-16le`. */
  encoding: string;
  /** True when a byte-order mark chose the encoding. */
  bom: boolean;
}

/** Examples of encodings the `encoding` option accepts (any WHATWG encoding label works). */
export const ENCODING_EXAMPLES = [
  'utf-8',
  'latin1',
  'cp1252',
  'utf-16le',
  'utf-16be',
  'iso-8859-15',
  'shift_jis',
  'gb18030',
];

const BOMS: { bytes: number[]; encoding: string }[] = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'utf-8' },
  { bytes: [0xff, 0xfe], encoding: 'utf-16le' },
  { bytes: [0xfe, 0xff], encoding: 'utf-16be' },
];

/** Windows-1252 characters of bytes 0x80-0x9F (undefined bytes keep their C1 code point, as the WHATWG spec says). */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/** Node 20's TextDecoder decodes windows-1252 (and so `latin1`, `cp1252`) bytes 0x80-0x9F as C1 controls; fix them. */
function fixWindows1252(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, (character) => CP1252_HIGH[character.charCodeAt(0) - 0x80]!);
}

const ENCODING_HINT =
  'if the file came from Excel or an older Windows/Mac program it is probably Windows-1252: pass the encoding (`encoding: "cp1252"`), or save it as "CSV UTF-8"';

/** A TextDecoder for a user-given label, or a usage error naming the label. */
function decoderFor(label: string, fatal: boolean): TextDecoder {
  try {
    return new TextDecoder(label.trim(), { fatal });
  } catch (cause) {
    throw new DataError(
      'DATA_BAD_ENCODING',
      `unknown encoding ${quote(label)}; expected one of ${ENCODING_EXAMPLES.join(', ')}`,
      'usage',
      { cause },
    );
  }
}

/** "utf-16le" or "utf-16be" when most bytes at odd (or even) positions are zero: UTF-16 text saved without a BOM. */
function looksLikeUtf16(bytes: Uint8Array): string | undefined {
  const sample = bytes.subarray(0, Math.min(bytes.length, 4096));
  if (sample.length < 4) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  sample.forEach((byte, i) => {
    if (byte === 0) i % 2 === 0 ? (evenZeros += 1) : (oddZeros += 1);
  });
  const half = sample.length / 2;
  if (oddZeros > half * 0.6 && evenZeros < half * 0.1) return 'utf-16le';
  if (evenZeros > half * 0.6 && oddZeros < half * 0.1) return 'utf-16be';
  return undefined;
}

/**
 * Decodes a data file: a byte-order mark (UTF-8, UTF-16LE/BE) decides the encoding, else `encoding` (default UTF-8).
 * Bytes that are not valid in that encoding stop with the file, line and column and a hint, never U+FFFD.
 */
export function decodeText(bytes: Uint8Array, path: string, encoding?: string): DecodedText {
  const bom = BOMS.find((candidate) => candidate.bytes.every((byte, i) => bytes[i] === byte));
  const label = bom?.encoding ?? encoding ?? 'utf-8';
  const decoder = decoderFor(label, true);
  if (bom === undefined && decoder.encoding === 'utf-8') {
    const utf16 = looksLikeUtf16(bytes);
    if (utf16 !== undefined) {
      throw new DataError(
        'DATA_BAD_ENCODING',
        `data file ${quote(path)} looks like ${utf16.toUpperCase()} text without a byte-order mark (every other byte is 0)`,
        'input',
        {
          hint: `pass the encoding (\`encoding: "${utf16}"\`), or save the file as UTF-8`,
        },
      );
    }
  }
  try {
    const text = decoder.decode(bytes);
    return {
      text: decoder.encoding === 'windows-1252' ? fixWindows1252(text) : text,
      encoding: decoder.encoding,
      bom: bom !== undefined,
    };
  } catch (cause) {
    throw invalidBytes(bytes, path, decoder.encoding, cause);
  }
}

/** The error for bytes that are not valid text in `encoding`, pointing at the first bad byte when it is UTF-8. */
function invalidBytes(bytes: Uint8Array, path: string, encoding: string, cause: unknown): DataError {
  const where = encoding === 'utf-8' ? firstInvalidUtf8(bytes) : undefined;
  if (where === undefined) {
    return new DataError(
      'DATA_BAD_ENCODING',
      `data file ${quote(path)} is not valid ${encoding.toUpperCase()} text`,
      'input',
      {
        cause,
        hint: 'pass the encoding the file was saved with (e.g. `encoding: "cp1252"` or `encoding: "utf-16le"`)',
      },
    );
  }
  const { line, column } = lineAndColumn(bytes, where.offset);
  const shown = [...bytes.subarray(where.offset, where.offset + where.length)]
    .map((byte) => `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`)
    .join(' ');
  const lineStart = bytes.lastIndexOf(0x0a, where.offset - 1) + 1;
  const lineEnd = bytes.indexOf(0x0a, where.offset);
  const decode = (from: number, to: number) => new TextDecoder('utf-8').decode(bytes.subarray(from, to));
  const badBytes = [...bytes.subarray(where.offset, where.offset + where.length)]
    .map((byte) => `\\x${byte.toString(16).toUpperCase()}`)
    .join('');
  const before = decode(lineStart, where.offset);
  const after = decode(where.offset + where.length, lineEnd === -1 ? bytes.length : lineEnd).replace(/\r$/, '');
  const lineText = `${before.length > 40 ? `…${before.slice(-40)}` : before}${badBytes}${after.length > 40 ? `${after.slice(0, 40)}…` : after}`;
  return new DataError(
    'DATA_BAD_ENCODING',
    `data file ${quote(path)} is not valid UTF-8: byte ${shown} at line ${line}, column ${column} (${quote(lineText)})`,
    'input',
    { cause, hint: ENCODING_HINT },
  );
}
