import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTexts } from '@senti/data';

/** Writes SST-2 train + dev + test as one `sentence,label` CSV (70,042 rows), for the end-to-end run. */
export async function combinedSst2(sharedDir: string, workDir: string): Promise<string> {
  await mkdir(workDir, { recursive: true });
  const parts = await Promise.all(
    ['train', 'dev', 'test'].map((name) => readFile(join(sharedDir, 'datasets', `sst2-${name}.csv`), 'utf8')),
  );
  const body = parts
    .map((text, index) => (index === 0 ? text : text.slice(text.indexOf('\n') + 1)))
    .map((text) => (text.endsWith('\n') ? text : `${text}\n`));
  const path = join(workDir, 'sst2-all.csv');
  await writeFile(path, body.join(''));
  return path;
}

/** The first `count` sentences of a CSV, for encoder-only measurements. */
export async function firstSentences(path: string, count: number): Promise<string[]> {
  return (await loadTexts(path)).texts.slice(0, count);
}
