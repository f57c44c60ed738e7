import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from './load-dataset.js';
import { makeTempDir, writeDataFile } from './testing/temp-files.js';

const dir = makeTempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function load(
  name: string,
  content: string | Uint8Array,
): Promise<{ texts: string[]; labelNames: string[]; labels: number[] }> {
  return loadDataset(writeDataFile(dir, name, content), { dropDuplicates: false });
}

describe('CSV edge cases (loaded through danfojs-node)', () => {
  it('strips a UTF-8 BOM from the header', async () => {
    const data = await load('bom.csv', '\ufeffsentence,label\nhello,1\nbye,0\n');
    expect(data.texts).toEqual(['hello', 'bye']);
  });

  it('reads CRLF line ends without leaving \\r in labels or texts', async () => {
    const data = await load('crlf.csv', 'sentence,label\r\nhello there,1\r\nbye,0\r\n');
    expect(data.texts).toEqual(['hello there', 'bye']);
    expect(data.labelNames).toEqual(['0', '1']);
  });

  it('reads quoted fields with commas, "" escapes and newlines', async () => {
    const data = await load(
      'quoted.csv',
      'sentence,label\n"a, b ""c""\nnew line",1\n"""Good case, Excellent value.""",0\n',
    );
    expect(data.texts).toEqual(['a, b "c"\nnew line', '"Good case, Excellent value."']);
    expect(data.labels).toEqual([1, 0]);
  });

  it('ignores trailing empty lines', async () => {
    const data = await load('trailing.csv', 'sentence,label\nhello,1\nbye,0\n\n\n\r\n');
    expect(data.texts).toEqual(['hello', 'bye']);
  });

  it('ignores extra columns', async () => {
    const data = await load('extra.csv', 'id,sentence,label,source\n1,hello,1,x\n2,bye,0,y\n');
    expect(data.texts).toEqual(['hello', 'bye']);
  });

  it('reads TSV by its extension', async () => {
    const data = await load('data.tsv', 'sentence\tlabel\nhello, world\t1\nbye\t0\n');
    expect(data.texts).toEqual(['hello, world', 'bye']);
  });

  it('keeps multi-byte characters that straddle danfojs read chunks (64 KiB)', async () => {
    let content = 'sentence,label\n';
    while (Buffer.byteLength(content) < 65_536 - 40) content += 'filler sentence,1\n';
    // 'é' takes bytes 65535 and 65536: the first chunk ends in the middle of it
    const sentence = `${'x'.repeat(65_536 - Buffer.byteLength(content) - 1)}é€😀 ok`;
    const data = await load('multibyte.csv', `${content}${sentence},0\nend,1\n`);
    expect(data.texts.at(-2)).toBe(sentence);
    expect(data.texts.at(-2)).not.toContain('\ufffd');
  });

  it('stops at bytes that are not UTF-8, naming the line, and reads them with the encoding given', async () => {
    const bytes = Buffer.concat([
      Buffer.from('sentence,label\ncaf'),
      Buffer.from([0xe9]),
      Buffer.from(' latin-1,1\nplain,0\n'),
    ]);
    await expect(load('latin1.csv', bytes)).rejects.toMatchObject({
      code: 'DATA_BAD_ENCODING',
      message: expect.stringContaining('byte 0xE9 at line 2, column 4 ("caf\\xE9 latin-1,1")'),
      hint: expect.stringContaining('`encoding: "cp1252"`'),
    });
    const data = await loadDataset(writeDataFile(dir, 'latin1-ok.csv', bytes), { encoding: 'latin1' });
    expect(data.texts).toEqual(['café latin-1', 'plain']);
    expect(data.encoding).toBe('windows-1252');
  });

  it('keeps string labels such as "positive" and integer-looking labels as written', async () => {
    const data = await load('labels.csv', 'sentence,label\na,positive\nb,negative\nc, positive \n');
    expect(data.labelNames).toEqual(['negative', 'positive']);
    expect(data.labels).toEqual([1, 0, 1]);
  });
});
