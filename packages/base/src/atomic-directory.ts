import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileSystemError } from './file-error.js';
import { makeDirectory, syncDirectory } from './atomic-write.js';

/**
 * A directory written under a temp name beside its final one, then put in place whole: a reader sees the old
 * directory or the new one, never a mix. Write its files with `writeFileChecked` (checked and fsynced).
 */
export interface AtomicDirectory {
  /** The temp directory to write into. */
  readonly temporary: string;
  /** Fsyncs the temp directory, swaps it in for the final name (the old one removed after), fsyncs the parent. */
  commit(): Promise<void>;
  /** Removes the temp directory; the final name is untouched. */
  abort(): Promise<void>;
}

/** Creates the temp directory for an atomic write of directory `target` (parents created; errors are one line). */
export async function openAtomicDirectory(target: string): Promise<AtomicDirectory> {
  const parent = path.dirname(target);
  await makeDirectory(parent);
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temporary = path.join(parent, `.${path.basename(target)}.tmp-${suffix}`);
  try {
    await mkdir(temporary);
  } catch (error) {
    throw fileSystemError(error, target);
  }
  const abort = async (): Promise<void> => {
    await rm(temporary, { recursive: true, force: true }).catch(() => undefined);
  };
  return {
    temporary,
    abort,
    async commit() {
      try {
        await syncDirectory(temporary);
        if (existsSync(target)) {
          const previous = path.join(parent, `.${path.basename(target)}.old-${suffix}`);
          await rename(target, previous);
          await rename(temporary, target);
          await rm(previous, { recursive: true, force: true });
        } else {
          await rename(temporary, target);
        }
        await syncDirectory(parent);
      } catch (error) {
        await abort();
        throw fileSystemError(error, target);
      }
    },
  };
}
