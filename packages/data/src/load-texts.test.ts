import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTexts } from './index.js';

describe('loadTexts', () => {
  it('reads the text column of a CSV, with or without labels, in file order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'senti-texts-'));
    const path = join(dir, 'in.csv');
    await writeFile(path, 'id,text\n1,"great, really"\n2,\n3,awful\n');
    expect(await loadTexts(path)).toEqual({ texts: ['great, really', 'awful'], textColumn: 'text' });
  });

  it('reads a .txt file as one text per line, skipping blank lines', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'senti-texts-'));
    const path = join(dir, 'in.txt');
    await writeFile(path, '\uFEFFfirst line\r\n\r\nsecond, with comma\n');
    expect((await loadTexts(path)).texts).toEqual(['first line', 'second, with comma']);
  });

  it('names the file and the missing column', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'senti-texts-'));
    const path = join(dir, 'in.csv');
    await writeFile(path, 'review\nok\n');
    await expect(loadTexts(path, { textColumn: 'body' })).rejects.toThrow(
      `column "body" not found in ${path}; columns are: review`,
    );
    await expect(loadTexts(join(dir, 'missing.txt'))).rejects.toMatchObject({ code: 'DATA_FILE_NOT_FOUND' });
  });
});
