import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode, fileSystemError, shortWriteError } from './file-error.js';

/** Bytes to write: a string (UTF-8), one buffer, or several written in order. */
export type FileData = string | Uint8Array | readonly Uint8Array[];

function chunksOf(data: FileData): readonly Uint8Array[] {
  return typeof data === 'string' ? [Buffer.from(data)] : data instanceof Uint8Array ? [data] : data;
}

/**
 * Writes every byte of `chunk` at the handle's position: a short write is retried for the rest, and a write that
 * stores nothing fails as a full disk (so a cut file is never taken for a whole one).
 */
export async function writeAll(handle: FileHandle, chunk: Uint8Array, file: string): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
    if (bytesWritten <= 0) throw shortWriteError(file, offset, chunk.length);
    offset += bytesWritten;
  }
}

/** Errors of fsync on a directory that mean "not supported here" (Windows, some FUSE mounts), not a failed write. */
const DIRECTORY_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EINVAL', 'EPERM', 'EACCES', 'ENOTSUP', 'EBADF']);

/** Flushes a directory's entries (a rename into it) to disk, where the platform supports it. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(dir, 'r');
  } catch (error) {
    if (DIRECTORY_SYNC_UNSUPPORTED.has(errnoCode(error) ?? '')) return;
    throw fileSystemError(error, dir);
  }
  try {
    await handle.sync();
  } catch (error) {
    if (!DIRECTORY_SYNC_UNSUPPORTED.has(errnoCode(error) ?? '')) throw fileSystemError(error, dir);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Flushes a file already written (a copy, a hard link) to disk; errors name `shownAs`. */
export async function syncFile(file: string, shownAs: string = file): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'r+');
    await handle.sync();
    const closing = handle;
    handle = undefined;
    await closing.close();
  } catch (error) {
    await handle?.close().catch(() => undefined);
    throw fileSystemError(error, shownAs);
  }
}

/** Creates `dir` and its parents; a file in the way or an unwritable parent is one `FileError` line. */
export async function makeDirectory(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    const real = await realMkdirError(dir, error);
    throw fileSystemError(
      errnoCode(real) === 'EEXIST' ? Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }) : real,
      dir,
      'create directory',
    );
  }
}

/**
 * Node's recursive mkdir reports some failures as ENOENT (a read-only file system, for one); creating the missing
 * levels one at a time gives the real reason.
 */
async function realMkdirError(dir: string, error: unknown): Promise<unknown> {
  if (errnoCode(error) !== 'ENOENT') return error;
  const missing: string[] = [];
  for (let current = path.resolve(dir); current !== path.dirname(current); current = path.dirname(current)) {
    try {
      await stat(current);
      break;
    } catch {
      missing.unshift(current);
    }
  }
  for (const level of missing) {
    try {
      await mkdir(level);
    } catch (levelError) {
      return levelError;
    }
  }
  return error;
}

/** A temp name beside `file` (same directory, so the final rename stays on one file system). */
export function tempNameFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Writes `file` completely and durably at its final name, not atomically: for files inside a temp directory that is
 * renamed into place as a whole. Checks every write, fsyncs, closes; errors are one `FileError` line naming `file`.
 */
export async function writeFileChecked(file: string, data: FileData, shownAs: string = file): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'w');
    for (const chunk of chunksOf(data)) await writeAll(handle, chunk, shownAs);
    await handle.sync();
    const closing = handle;
    handle = undefined;
    await closing.close(); // close can report a failed write-back (NFS): checked too
  } catch (error) {
    await handle?.close().catch(() => undefined);
    throw fileSystemError(error, shownAs);
  }
}

/**
 * Writes a file atomically and checked: a temp file in the same directory, every write checked (short writes,
 * ENOSPC, EDQUOT, EIO), fsynced and closed, renamed over the target, then the directory fsynced. On any failure the
 * temp file is removed, the target keeps its old content (or stays absent), and the error is one `FileError` line:
 * `cannot write PATH: disk full`.
 */
export async function writeFileAtomic(file: string, data: FileData): Promise<void> {
  const writer = await openAtomicFile(file);
  try {
    for (const chunk of chunksOf(data)) await writer.write(chunk);
  } catch (error) {
    await writer.abort();
    throw error;
  }
  await writer.commit();
}

/** A file being written under a temp name; `commit` puts it in place, `abort` removes it. */
export interface AtomicFile {
  /** The final name. */
  readonly path: string;
  /** Appends bytes (a string is UTF-8); every byte checked. */
  write(data: string | Uint8Array): Promise<void>;
  /** Fsyncs, closes, renames over the final name and fsyncs the directory. */
  commit(): Promise<void>;
  /** Closes and removes the temp file; the final name is untouched. Safe to call twice or after a failed commit. */
  abort(): Promise<void>;
}

/**
 * Opens `file` for a streamed atomic write (CSV rows, cache segments as they come): the same checks as
 * {@link writeFileAtomic}. Call `commit` when done; on failure or cancel, `abort`.
 */
export async function openAtomicFile(file: string): Promise<AtomicFile> {
  const dir = path.dirname(file);
  await makeDirectory(dir);
  const temp = tempNameFor(file);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, 'wx');
  } catch (error) {
    throw fileSystemError(error, file);
  }
  let done = false;
  const discard = async (): Promise<void> => {
    const open = handle;
    handle = undefined;
    await open?.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
  };
  return {
    path: file,
    async write(data) {
      if (handle === undefined) throw new Error(`write after commit or abort of ${file}`);
      try {
        await writeAll(handle, typeof data === 'string' ? Buffer.from(data) : data, file);
      } catch (error) {
        await discard();
        throw fileSystemError(error, file);
      }
    },
    async commit() {
      if (handle === undefined) throw new Error(`commit after commit or abort of ${file}`);
      try {
        await handle.sync();
        const closing = handle;
        handle = undefined;
        await closing.close();
        await rename(temp, file);
        done = true;
      } catch (error) {
        await discard();
        throw fileSystemError(error, file);
      }
      await syncDirectory(dir);
    },
    async abort() {
      if (!done) await discard();
    },
  };
}

/**
 * Writes every byte to an existing character device or FIFO (`/dev/stdout`, a named pipe): in place, since a device
 * cannot be replaced by a renamed temp file; every write checked, no fsync (devices do not support it). Errors are
 * one `FileError` line, e.g. `cannot write /dev/full: disk full`.
 */
export async function writeToDevice(file: string, data: FileData): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'w');
    for (const chunk of chunksOf(data)) await writeAll(handle, chunk, file);
    const closing = handle;
    handle = undefined;
    await closing.close();
  } catch (error) {
    await handle?.close().catch(() => undefined);
    throw fileSystemError(error, file);
  }
}
