import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

let runScratch: string | undefined;

/** A directory of this process's own, removed when it exits: where `cache: false` runs build what they must build. */
function scratchDirectory(): string {
  if (runScratch === undefined) {
    const dir = mkdtempSync(path.join(tmpdir(), `senti-build-${process.pid}-`));
    runScratch = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return runScratch;
}

/**
 * Where the encoder keeps what it builds (the int8 graph, file hashes) for these settings: `cacheDir` when given,
 * the default cache when not, and with `cache: false` a temporary directory of this process (nothing is written
 * to the user's cache, so a read-only HOME works with `--no-cache` or `--cache-dir`).
 */
export function encoderBuildDir(settings: { cacheDir?: string; cache?: boolean }): string | undefined {
  if (settings.cache === false) return scratchDirectory();
  return settings.cacheDir;
}
