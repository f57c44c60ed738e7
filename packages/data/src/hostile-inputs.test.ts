// The data layer's table of hostile inputs: file content (+ options) -> error code and message, or what is read.
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadDataset, type LoadDatasetOptions } from './load-dataset.js';
import { loadTexts, textLines } from './load-texts.js';
import { parseTableBytes } from './read-table.js';
import { readAll } from './read-all.js';
import { stratifiedSplit } from './stratified-split.js';
import { makeTempDir, writeDataFile } from './testing/temp-files.js';

const dir = makeTempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));
const utf16le = (text: string) => Buffer.from(text, 'utf16le');
const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16();
const GOOD = 'sentence,label\ngood film,1\nbad film,0\n';

interface Row {
  /** What a user did. */
  name: string;
  /** File name (its extension matters) and content; `null` content: no file is written. */
  file: [string, string | Buffer | null];
  options?: LoadDatasetOptions;
  /** Expected error code and a substring of its message (and hint), or what loading gives. */
  error?: { code: string; message: string; hint?: string };
  texts?: string[];
  check?: (data: Awaited<ReturnType<typeof loadDataset>>) => void;
}

const rows: Row[] = [
  // Encodings (issue #12 item 1)
  {
    name: 'latin-1 é',
    file: ['latin1.csv', bytes('sentence,label\ncaf', [0xe9], ',1\nok,0\n')],
    error: {
      code: 'DATA_BAD_ENCODING',
      message: 'byte 0xE9 at line 2, column 4 ("caf\\xE9,1")',
      hint: '`encoding: "cp1252"`',
    },
  },
  {
    name: 'cp1252 smart quotes on line 3',
    file: ['smart.csv', bytes('sentence,label\nok,0\n', [0x93], 'quoted', [0x94], ',1\n')],
    error: { code: 'DATA_BAD_ENCODING', message: 'byte 0x93 at line 3, column 1' },
  },
  {
    name: 'latin-1 with encoding latin1',
    file: ['latin1-ok.csv', bytes('sentence,label\ncaf', [0xe9], ',1\nna', [0xef], 've,0\n')],
    options: { encoding: 'latin1' },
    texts: ['café', 'naïve'],
  },
  {
    name: 'cp1252 with encoding cp1252',
    file: ['cp1252.csv', bytes('sentence,label\n', [0x93], 'hi', [0x94], ' ', [0x80], '5,1\nok,0\n')],
    options: { encoding: 'cp1252' },
    texts: ['“hi” €5', 'ok'],
  },
  {
    name: 'UTF-16LE with BOM',
    file: ['u16le.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le('sentence,label\ncafé 😀,1\nok,0\n')])],
    texts: ['café 😀', 'ok'],
  },
  {
    name: 'UTF-16BE with BOM',
    file: ['u16be.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be('sentence,label\ncafé,1\nok,0\n')])],
    texts: ['café', 'ok'],
  },
  {
    name: 'UTF-16LE without BOM',
    file: ['u16-nobom.csv', utf16le('sentence,label\nhello,1\nok,0\n')],
    error: {
      code: 'DATA_BAD_ENCODING',
      message: 'looks like UTF-16LE text without a byte-order mark',
      hint: '`encoding: "utf-16le"`',
    },
  },
  {
    name: 'UTF-16LE without BOM, encoding given',
    file: ['u16-nobom-ok.csv', utf16le('sentence,label\nhello,1\nok,0\n')],
    options: { encoding: 'utf-16le' },
    texts: ['hello', 'ok'],
  },
  {
    name: 'UTF-16BE without BOM',
    file: ['u16be-nobom.csv', utf16be('sentence,label\nhello,1\nok,0\n')],
    error: { code: 'DATA_BAD_ENCODING', message: 'looks like UTF-16BE' },
  },
  {
    name: 'odd byte count in UTF-16',
    file: ['u16-odd.csv', Buffer.concat([utf16le('sentence,label\nhi,1\nok,0\n'), Buffer.from([0x41])])],
    options: { encoding: 'utf-16le' },
    error: { code: 'DATA_BAD_ENCODING', message: 'is not valid UTF-16LE text' },
  },
  {
    name: 'unknown encoding name',
    file: ['enc.csv', GOOD],
    options: { encoding: 'klingon' },
    error: { code: 'DATA_BAD_ENCODING', message: 'unknown encoding "klingon"; expected one of utf-8, latin1, cp1252' },
  },
  {
    name: 'encoding name with a NUL',
    file: ['enc2.csv', GOOD],
    options: { encoding: 'utf\0-8' },
    error: { code: 'DATA_BAD_ENCODING', message: 'unknown encoding "utf\\0-8"' },
  },
  {
    name: 'UTF-8 BOM and CRLF (Excel "CSV UTF-8")',
    file: ['excel.csv', bytes([0xef, 0xbb, 0xbf], 'sentence,label\r\ncafé,1\r\nok,0\r\n')],
    texts: ['café', 'ok'],
  },
  {
    name: 'UTF-8 BOM wins over a wrong encoding option',
    file: ['bom-wins.csv', bytes([0xef, 0xbb, 0xbf], 'sentence,label\ncafé,1\nok,0\n')],
    options: { encoding: 'latin1' },
    texts: ['café', 'ok'],
  },
  {
    name: 'truncated multi-byte character at the end',
    file: ['trunc.csv', bytes('sentence,label\nok,0\nprice ', [0xe2, 0x82])],
    error: { code: 'DATA_BAD_ENCODING', message: 'byte 0xE2 0x82 at line 3, column 7' },
  },
  {
    name: 'overlong UTF-8 encoding',
    file: ['overlong.csv', bytes('sentence,label\na', [0xc0, 0xaf], ',1\nok,0\n')],
    error: { code: 'DATA_BAD_ENCODING', message: 'byte 0xC0 at line 2, column 2' },
  },
  {
    name: 'UTF-8-encoded surrogate (CESU)',
    file: ['cesu.csv', bytes('sentence,label\na', [0xed, 0xa0, 0x80], ',1\nok,0\n')],
    error: { code: 'DATA_BAD_ENCODING', message: 'byte 0xED at line 2, column 2' },
  },
  {
    name: 'a long line around the bad byte is shortened',
    file: ['long-line.csv', bytes('sentence,label\n', 'x'.repeat(500), [0xff], 'y'.repeat(500), ',1\n')],
    error: { code: 'DATA_BAD_ENCODING', message: `("…${'x'.repeat(40)}\\xFF${'y'.repeat(40)}…")` },
  },
  // Other formats passed as CSV (item 8)
  {
    name: 'JSON array of objects',
    file: [
      'data.csv',
      JSON.stringify([
        { sentence: 'a', label: 1 },
        { sentence: 'b', label: 0 },
      ]),
    ],
    error: { code: 'DATA_NOT_CSV', message: 'is a JSON array of 2 objects, not CSV', hint: 'pd.read_json' },
  },
  {
    name: 'JSON array with one object',
    file: ['one.csv', '[{"sentence": "a", "label": 1}]'],
    error: { code: 'DATA_NOT_CSV', message: 'is a JSON array of 1 object, not CSV' },
  },
  {
    name: 'JSON object',
    file: ['obj.csv', '{"sentence": ["a"], "label": [1]}\n'],
    error: { code: 'DATA_NOT_CSV', message: 'is a JSON object, not CSV' },
  },
  {
    name: 'JSON Lines',
    file: ['lines.csv', '{"sentence":"a","label":1}\n{"sentence":"b","label":0}\n'],
    error: { code: 'DATA_NOT_CSV', message: 'is JSON Lines', hint: 'lines=True' },
  },
  {
    name: 'Excel workbook renamed .csv',
    file: ['book.csv', bytes([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00], 'xl/workbook.xml')],
    error: { code: 'DATA_NOT_CSV', message: 'is a ZIP archive (an Excel .xlsx workbook is one)', hint: 'CSV (UTF-8)' },
  },
  {
    name: 'old Excel .xls',
    file: ['old.csv', bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])],
    error: { code: 'DATA_NOT_CSV', message: 'old Excel .xls' },
  },
  {
    name: 'gzip-compressed CSV',
    file: ['data.csv.gz', bytes([0x1f, 0x8b, 0x08, 0x00, 0x00])],
    error: { code: 'DATA_NOT_CSV', message: 'is gzip-compressed', hint: 'gunzip' },
  },
  {
    name: 'an HTML page saved as CSV',
    file: ['page.csv', '<!DOCTYPE html>\n<html><body>sentence,label</body></html>\n'],
    error: { code: 'DATA_NOT_CSV', message: 'is an HTML/XML page', hint: 'raw file' },
  },
  { name: 'a PDF', file: ['doc.csv', '%PDF-1.7\n...'], error: { code: 'DATA_NOT_CSV', message: 'is a PDF document' } },
  // Delimiters (item 8)
  {
    name: 'semicolon-separated .csv (European Excel)',
    file: ['semi.csv', 'sentence;label\n"good, really";1\nbad, sadly;0\n'],
    texts: ['good, really', 'bad, sadly'],
    check: (data) => expect([data.delimiter, data.delimiterSniffed]).toEqual([';', true]),
  },
  {
    name: 'tab-separated .csv',
    file: ['tabs.csv', 'sentence\tlabel\ngood, really\t1\nbad\t0\n'],
    texts: ['good, really', 'bad'],
    check: (data) => expect(data.delimiter).toBe('\t'),
  },
  { name: 'comma-separated .tsv', file: ['commas.tsv', 'sentence,label\ngood,1\nbad,0\n'], texts: ['good', 'bad'] },
  {
    name: 'pipe-separated .txt-like .csv',
    file: ['pipes.csv', 'sentence|label\ngood|1\nbad|0\n'],
    texts: ['good', 'bad'],
  },
  {
    name: 'header with two candidate delimiters',
    file: ['two.csv', 'sentence;label|x\na;1|2\n'],
    error: {
      code: 'DATA_BAD_DELIMITER',
      message: 'has no comma but semicolon and pipe characters',
      hint: '`delimiter: ";"`',
    },
  },
  {
    name: 'delimiter option',
    file: ['opt.csv', 'sentence|label\ngood, fine; ok|1\nbad|0\n'],
    options: { delimiter: '|' },
    texts: ['good, fine; ok', 'bad'],
  },
  {
    name: 'unusable delimiter option',
    file: ['opt2.csv', GOOD],
    options: { delimiter: '::' },
    error: { code: 'DATA_BAD_DELIMITER', message: 'delimiter "::" is not usable' },
  },
  {
    name: 'semicolon data with an unclosed quote',
    file: ['semi-bad.csv', 'sentence;label\n"good;1\nbad;0\n'],
    error: {
      code: 'DATA_PARSE_ERROR',
      message:
        'is not valid semicolon-separated data (read as semicolon-separated data because its header has no commas)',
    },
  },
  {
    name: 'unclosed quote in a CSV',
    file: ['quote.csv', 'sentence,label\n"good,1\nbad,0\n'],
    error: { code: 'DATA_PARSE_ERROR', message: 'is not valid CSV', hint: 'quote fields' },
  },
  {
    name: 'a row with more fields than the header',
    file: ['more.csv', 'sentence,label\ngood,1\nbad, sadly,0\n'],
    error: { code: 'DATA_PARSE_ERROR', message: 'Too many fields: expected 2 fields but parsed 3 in data row 2' },
  },
  {
    name: 'a row with fewer fields than the header',
    file: ['fewer.csv', 'sentence,label\ngood,1\nok,0\nbad\n'],
    error: { code: 'DATA_PARSE_ERROR', message: 'Too few fields: expected 2 fields but parsed 1 in data row 3' },
  },
  {
    name: 'mixed CRLF and LF line ends',
    file: ['mixed.csv', 'sentence,label\r\ngood,1\nbad,0\r\nfine,1\n'],
    texts: ['good', 'bad', 'fine'],
  },
  { name: 'classic Mac CR line ends', file: ['cr.csv', 'sentence,label\rgood,1\rbad,0\r'], texts: ['good', 'bad'] },
  {
    name: 'quoted header names',
    file: ['quoted-header.csv', '"sentence","label"\ngood,1\nbad,0\n'],
    texts: ['good', 'bad'],
  },
  {
    name: 'a trailing comma on every line',
    file: ['trailing-comma.csv', 'sentence,label,\ngood,1,\nbad,0,\n'],
    texts: ['good', 'bad'],
  },
  {
    name: 'an empty header name',
    file: ['empty-name.csv', ',label\ngood,1\nbad,0\n'],
    error: { code: 'DATA_COLUMN_NOT_FOUND', message: 'columns are: (empty), label' },
  },
  {
    name: 'only a byte-order mark',
    file: ['only-bom.csv', bytes([0xef, 0xbb, 0xbf])],
    error: { code: 'DATA_EMPTY', message: 'is empty' },
  },
  {
    name: 'a byte-order mark and a header only',
    file: ['bom-header.csv', bytes([0xef, 0xbb, 0xbf], 'sentence,label\r\n')],
    error: { code: 'DATA_NO_ROWS', message: 'has a header but no data rows' },
  },
  {
    name: 'space-separated header',
    file: ['spaces.csv', 'sentence label\ngood 1\n'],
    error: { code: 'DATA_COLUMN_NOT_FOUND', message: 'columns are: sentence label', hint: 'check the delimiter' },
  },
  // Column names (items 5 and 7)
  {
    name: 'duplicate label column',
    file: ['dup-label.csv', 'sentence,label,label\na,1,0\nb,0,1\n'],
    error: {
      code: 'DATA_DUPLICATE_COLUMN',
      message: 'column "label" appears 2 times in the header of',
      hint: 'rename',
    },
  },
  {
    name: 'duplicate text column',
    file: ['dup-text.csv', 'sentence,sentence,label\na,b,1\nc,d,0\n'],
    error: { code: 'DATA_DUPLICATE_COLUMN', message: '(columns 1, 2); expected exactly one' },
  },
  {
    name: 'duplicate after trimming spaces',
    file: ['dup-trim.csv', 'sentence, label,label \na,1,0\nb,0,1\n'],
    error: { code: 'DATA_DUPLICATE_COLUMN', message: 'column "label" appears 2 times' },
  },
  {
    name: 'duplicate column nobody uses',
    file: ['dup-other.csv', 'note,sentence,label,note\nx,a,1,y\nx,b,0,y\n'],
    texts: ['a', 'b'],
  },
  {
    name: 'same column for text and label',
    file: ['same.csv', GOOD],
    options: { textColumn: 'label', labelColumn: 'label' },
    error: { code: 'DATA_SAME_COLUMN', message: 'text and label columns are both "label"' },
  },
  {
    name: 'NUL byte in the header',
    file: ['nul.csv', 'sentence,la\0bel\na,1\nb,0\n'],
    error: { code: 'DATA_COLUMN_NOT_FOUND', message: 'column "label" not found in', hint: undefined },
  },
  {
    name: 'escape sequence in a requested column',
    file: ['esc.csv', GOOD],
    options: { labelColumn: '\x1b[31mlabel' },
    error: { code: 'DATA_COLUMN_NOT_FOUND', message: 'column "\\x1b[31mlabel" not found' },
  },
  {
    name: 'very long requested column name',
    file: ['long-col.csv', GOOD],
    options: { textColumn: 'c'.repeat(5000) },
    error: { code: 'DATA_COLUMN_NOT_FOUND', message: '(5000 characters)' },
  },
  {
    name: 'label with control characters outside the known labels',
    file: ['ctrl-label.csv', 'sentence,label\na,pos\x07\nb,neg\n'],
    options: { labelNames: ['neg', 'pos'] },
    error: { code: 'DATA_UNKNOWN_LABEL', message: 'label "pos\\x07" in data row 1' },
  },
  // Files and rows
  { name: 'empty file', file: ['empty.csv', ''], error: { code: 'DATA_EMPTY', message: 'is empty' } },
  {
    name: 'only whitespace and line breaks',
    file: ['blank.csv', ' \n\r\n\t\n'],
    error: { code: 'DATA_EMPTY', message: 'is empty' },
  },
  {
    name: 'header but no rows',
    file: ['header.csv', 'sentence,label\n'],
    error: { code: 'DATA_NO_ROWS', message: 'has a header but no data rows' },
  },
  // Invisible characters (issue #28 item 13)
  {
    name: 'texts of only zero-width characters count as empty',
    file: ['zero-width.csv', 'sentence,label\n\u200b\u200b,1\n\ufeff\u2060,0\ngood,1\nbad,0\n'],
    texts: ['good', 'bad'],
    check: (data) => expect(data.summary.emptyTextDropped).toBe(2),
  },
  {
    name: 'labels differing by an invisible character are one class',
    file: ['invisible-label.csv', 'sentence,label\ngood,pos\nfine,pos\u200b\nbad,neg\ndull,\ufeffneg\n'],
    texts: ['good', 'fine', 'bad', 'dull'],
    check: (data) => expect(data.labelNames).toEqual(['neg', 'pos']),
  },
  {
    name: 'every label missing',
    file: ['nan.csv', 'sentence,label\na,NaN\nb,\n'],
    error: { code: 'DATA_NO_ROWS', message: 'all 2 rows have an empty text or a missing label' },
  },
  {
    name: 'one class only',
    file: ['one.csv', 'sentence,label\na,1\nb,1\n'],
    error: { code: 'DATA_TOO_FEW_CLASSES', message: 'has 1 class ("1") in column "label"; expected at least 2' },
  },
  {
    name: 'missing file with a newline in its name',
    file: ['no\nsuch.csv', null],
    error: { code: 'DATA_FILE_NOT_FOUND', message: 'no\\nsuch.csv" not found' },
  },
  {
    name: 'a directory',
    file: ['a-dir.csv', null],
    error: { code: 'DATA_FILE_UNREADABLE', message: 'is a directory, not a CSV file' },
  },
];

describe('hostile data files (table)', () => {
  let noise: string[];
  beforeEach(() => {
    noise = [];
    for (const method of ['log', 'warn', 'error', 'info'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void noise.push(args.map(String).join(' ')));
    }
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  mkdirSync(join(dir, 'a-dir.csv'));

  it.each(rows.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const [name, content] = row.file;
    const path = content === null ? join(dir, name) : writeDataFile(dir, name, content);
    const result = loadDataset(path, { dropDuplicates: false, ...row.options });
    if (row.error) {
      const error = (await result.then(
        () => undefined,
        (caught: unknown) => caught,
      )) as { code: string; message: string; hint?: string } | undefined;
      expect(error, 'expected an error').toBeDefined();
      expect(error!.code).toBe(row.error.code);
      expect(error!.message).toContain(row.error.message);
      if (row.error.hint !== undefined) expect(error!.hint).toContain(row.error.hint);
      expect(error!.message, 'messages never carry raw control characters').not.toMatch(/[\u0000-\u001f\u007f]/);
      expect(error!.message.split('\n')).toHaveLength(1);
    } else {
      const data = await result;
      if (row.texts) expect(data.texts).toEqual(row.texts);
      row.check?.(data);
    }
    expect(noise, 'no library noise on the console').toEqual([]);
  });

  it('escapes a label with control characters when its class is too small to split', async () => {
    const data = await loadDataset(
      writeDataFile(
        dir,
        'tiny-class.csv',
        `sentence,label\n${Array.from({ length: 12 }, (_, i) => `t${i},ok`).join('\n')}\nodd,bell\x07\n`,
      ),
    );
    const error = (() => {
      try {
        stratifiedSplit(data.labels, { labelNames: data.labelNames });
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error?.message).toContain('class "bell\\x07" (0) has only 1 row;');
    expect(error?.message).not.toMatch(/[\u0000-\u001f]/);
  });

  /** A named pipe with `content` written into it once a reader opens it (the writer's open waits for the reader). */
  function fifoWith(name: string, content: string): string {
    const path = join(dir, name);
    execFileSync('mkfifo', [path]);
    createWriteStream(path).end(content);
    return path;
  }

  it('reads an ASCII CSV from a FIFO once (it used to be re-opened by path and hang)', async () => {
    const data = await loadDataset(fifoWith('data-fifo.csv', GOOD));
    expect(data.texts).toEqual(['good film', 'bad film']);
    expect(data.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await loadTexts(fifoWith('texts-fifo.csv', 'sentence\nfine\n'))).texts).toEqual(['fine']);
  });

  it('parses stdin bytes read once, with the encoding given (ASCII and cp1252)', async () => {
    const stdin = new PassThrough();
    stdin.end(GOOD);
    const table = await parseTableBytes(await readAll(stdin), 'stdin');
    expect(table.rows).toEqual([
      ['good film', '1'],
      ['bad film', '0'],
    ]);
    const cp1252 = await parseTableBytes(bytes('sentence,label\n', [0x93], 'hi', [0x94], ',1\n'), 'stdin', {
      encoding: 'cp1252',
    });
    expect(cp1252.rows).toEqual([['“hi”', '1']]);
    await expect(parseTableBytes(Buffer.from('sentence,label\n'), 'stdin')).rejects.toMatchObject({
      code: 'DATA_NO_ROWS',
      message: 'data file "stdin" has a header but no data rows',
    });
    expect(textLines(bytes('caf', [0xe9], '\r\nok\n'), 'stdin', 'latin1')).toEqual(['café', 'ok']);
  });

  it('reads plain-text files with the encoding too', async () => {
    const path = writeDataFile(dir, 'texts.txt', bytes('caf', [0xe9], '\nok\n'));
    await expect(loadTexts(path)).rejects.toMatchObject({
      code: 'DATA_BAD_ENCODING',
      message: expect.stringContaining('line 1, column 4'),
    });
    expect((await loadTexts(path, { encoding: 'latin1' })).texts).toEqual(['café', 'ok']);
  });
});
