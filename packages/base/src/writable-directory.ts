import { mkdir, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { SentiError, UsageError } from '@senti/errors';
import { fileSystemReason } from './file-error.js';

/**
 * Creates the directory `path` (and missing parents) and proves it writable, or throws one line naming `flag` (how
 * the caller's user gave the path, e.g. `--out`). Parents are made one level at a time: Node's recursive mkdir spins
 * forever under /proc. Returns what it created, outermost first, so a failed run can remove exactly that.
 */
export async function makeWritableDirectory(path: string, flag: string, given = path): Promise<string[]> {
  const target = resolve(path);
  checkNameLengths(target, flag, given);
  const missing: string[] = [];
  let existing = target;
  while ((await pathKind(existing)) === 'missing' && dirname(existing) !== existing) {
    missing.unshift(existing);
    existing = dirname(existing);
  }
  if (existing === target && (await pathKind(target)) !== 'directory') {
    throw new UsageError(
      'CLI_OUT_NOT_A_DIRECTORY',
      `${flag} ${given} is a file; expected a directory (or a path that does not exist yet)`,
    );
  }
  await assertUnderDirectory(existing, given, flag);
  const created: string[] = [];
  try {
    for (const directory of missing) {
      await mkdir(directory);
      created.push(directory);
    }
    const probe = resolve(target, `.senti-write-test-${process.pid}`);
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (error) {
    await removeCreated(created);
    throw new SentiError(
      'CLI_OUT_UNWRITABLE',
      `${flag} ${given}: cannot create or write there (${fileSystemReason(error)}); choose a directory you can write to`,
      'input',
      { cause: error },
    );
  }
  return created;
}

/** Removes directories made by {@link makeWritableDirectory} (innermost first), with everything in them. */
export async function removeCreated(created: readonly string[]): Promise<void> {
  const outermost = created[0];
  if (outermost !== undefined) await rm(outermost, { recursive: true, force: true }).catch(() => {});
  for (const directory of [...created].reverse()) await rmdir(directory).catch(() => {});
}

/** The nearest existing ancestor of `path` must be a directory (a path under a file can never be created). */
export async function assertUnderDirectory(path: string, given: string, flag: string): Promise<void> {
  let current = resolve(path);
  let kind = await pathKind(current);
  while (kind === 'missing' && dirname(current) !== current) {
    current = dirname(current);
    kind = await pathKind(current);
  }
  if (kind !== 'directory') {
    throw new UsageError(
      'CLI_OUT_UNDER_A_FILE',
      `${flag} ${given}: ${current} is a file, so nothing can be created under it`,
    );
  }
}

/** Most file systems take names of at most 255 bytes; senti's hidden temp names add a few bytes to the last one. */
const MAX_NAME_BYTES = 255;

/** Refuses a path with a component longer than a file system allows, naming it (it used to read as "is a file"). */
function checkNameLengths(target: string, flag: string, given: string): void {
  for (const name of target.split(sep)) {
    const bytes = Buffer.byteLength(name);
    if (bytes > MAX_NAME_BYTES) {
      const shown = name.length > 40 ? `${name.slice(0, 20)}…${name.slice(-12)}` : name;
      throw new UsageError(
        'CLI_BAD_OPTION',
        `${flag} ${given.length > 80 ? `${given.slice(0, 40)}…` : given}: the name "${shown}" is ${bytes} bytes; file names are limited to ${MAX_NAME_BYTES} bytes`,
      );
    }
  }
}

/** What is at `path`: nothing (or a path through a file), a directory, a regular file, or something else. */
export async function pathKind(path: string): Promise<'missing' | 'directory' | 'file' | 'other'> {
  try {
    const info = await stat(path);
    return info.isDirectory() ? 'directory' : info.isFile() ? 'file' : 'other';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'other';
  }
}
