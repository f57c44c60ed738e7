import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileSha256, knownFileSha256, rememberFileSha256 } from './file-hash.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'senti-file-hash-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('file sha256, remembered by file stamp', () => {
  it('hashes once, stores the hash in the cache directory, and forgets it when the file changes', async () => {
    const dir = await tempDir();
    const cacheDir = path.join(dir, 'cache');
    const file = path.join(dir, 'weights.bin');
    await writeFile(file, 'first version');
    expect(await knownFileSha256(file, { cacheDir })).toBeUndefined();
    expect(await fileSha256(file, { cacheDir })).toBe(sha('first version'));
    expect(await knownFileSha256(file, { cacheDir })).toBe(sha('first version'));
    const [entry] = await readdir(path.join(cacheDir, 'file-hashes'));
    expect(JSON.parse(await readFile(path.join(cacheDir, 'file-hashes', entry!), 'utf8')).sha256).toBe(
      sha('first version'),
    );

    await writeFile(file, 'second, longer version');
    expect(await knownFileSha256(file, { cacheDir })).toBeUndefined();
    expect(await fileSha256(file, { cacheDir })).toBe(sha('second, longer version'));
  });

  it('takes a hash the caller computed from bytes it holds, and keeps it only in memory with cacheDir false', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'model.onnx');
    await writeFile(file, 'graph bytes');
    await rememberFileSha256(file, sha('graph bytes'), { cacheDir: false });
    expect(await knownFileSha256(file, { cacheDir: false })).toBe(sha('graph bytes'));
    expect(await fileSha256(file, { cacheDir: false })).toBe(sha('graph bytes'));
    await expect(readdir(path.join(dir, 'file-hashes'))).rejects.toThrow();
  });
});
