import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary directory for one test file's data files. */
export function makeTempDir(): string {
  return mkdtempSync(join(tmpdir(), 'senti-data-test-'));
}

/** Writes `content` (text or raw bytes) to `name` inside `dir` and returns the path. */
export function writeDataFile(dir: string, name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
