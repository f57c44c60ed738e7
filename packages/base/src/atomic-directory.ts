import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode, fileSystemError } from './file-error.js';
import { removeStaleTemporaries } from './stale-temporaries.js';
import { makeDirectory, syncDirectory, syncFile, writeFileChecked, type FileData } from './atomic-write.js';

/**
 * A directory written under a temp name beside its final one, then put in place whole: a reader sees the old
 * directory or the new one, never a mix. Write its files with `writeFileChecked` (checked and fsynced).
 */
export interface AtomicDirectory {
  /** The temp directory to write into. */
  readonly temporary: string;
  /** Writes `relative` (parents created) checked and fsynced; errors name the file under its final directory. */
  write(relative: string, data: FileData): Promise<void>;
  /** Copies a file in as `relative`, fsynced; errors name the file under its final directory. */
  copy(source: string, relative: string): Promise<void>;
  /** Fsyncs the temp directory, swaps it in for the final name (the old one removed after), fsyncs the parent. */
  commit(): Promise<void>;
  /** Removes the temp directory; the final name is untouched. */
  abort(): Promise<void>;
}

/**
 * What is at `target` before a directory is written there: nothing, an empty directory or a directory with entries.
 * A file (or a path under a file) is a `FileError` (`cannot write package.json: not a directory (package.json is a
 * file)`), as is a directory that cannot be listed.
 */
export async function directoryState(target: string): Promise<'absent' | 'empty' | 'not-empty'> {
  let entries: string[];
  try {
    entries = await readdir(target);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return 'absent';
    throw fileSystemError(error, target);
  }
  return entries.length === 0 ? 'empty' : 'not-empty';
}

/**
 * The target's name as its temp names carry it: itself, or for a long name (a legal 240-byte name plus the temp
 * suffix would pass the 255-byte limit) a shortened one with a hash of the whole, so every legal name can be written.
 */
function temporaryBase(name: string): string {
  if (Buffer.byteLength(name) <= 200) return name;
  let short = name;
  while (Buffer.byteLength(short) > 180) short = short.slice(0, -1);
  return `${short}~${createHash('sha256').update(name).digest('hex').slice(0, 12)}`;
}

/** The names in `dir`, or none when it cannot be listed. */
function listNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Creates the temp directory for an atomic write of directory `target` (parents created; errors are one line). */
export async function openAtomicDirectory(target: string): Promise<AtomicDirectory> {
  const parent = path.dirname(target);
  await makeDirectory(parent);
  // Temp directories of killed writers of this target (half an export can be half a gigabyte) go first.
  const base = temporaryBase(path.basename(target));
  const prefix = `.${base}.`;
  await removeStaleTemporaries(
    parent,
    listNames(parent).filter((name) => name.startsWith(prefix)),
  ).catch(() => undefined);
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temporary = path.join(parent, `.${base}.tmp-${suffix}`);
  try {
    await mkdir(temporary);
  } catch (error) {
    throw fileSystemError(error, target);
  }
  // A process ended by a signal (process.exit) removes it on the way out instead of leaving it behind.
  const onExit = (): void => rmSync(temporary, { recursive: true, force: true });
  process.on('exit', onExit);
  const abort = async (): Promise<void> => {
    process.off('exit', onExit);
    await rm(temporary, { recursive: true, force: true }).catch(() => undefined);
  };
  const finalName = (relative: string): string => path.join(target, relative);
  return {
    temporary,
    abort,
    async write(relative, data) {
      await makeDirectory(path.dirname(path.join(temporary, relative)));
      await writeFileChecked(path.join(temporary, relative), data, finalName(relative));
    },
    async copy(source, relative) {
      const destination = path.join(temporary, relative);
      await makeDirectory(path.dirname(destination));
      try {
        await copyFile(source, destination);
      } catch (error) {
        throw fileSystemError(
          error,
          errnoCode(error) === 'ENOENT' && !existsSync(source) ? source : finalName(relative),
          errnoCode(error) === 'ENOENT' ? 'read' : 'write',
        );
      }
      await syncFile(destination, finalName(relative));
    },
    async commit() {
      try {
        await syncDirectory(temporary);
        if (existsSync(target)) {
          const previous = path.join(parent, `.${base}.old-${suffix}`);
          await rename(target, previous);
          await rename(temporary, target);
          await rm(previous, { recursive: true, force: true });
        } else {
          await rename(temporary, target);
        }
        process.off('exit', onExit);
        await syncDirectory(parent);
      } catch (error) {
        await abort();
        throw fileSystemError(error, target);
      }
    },
  };
}
