import { statSync } from 'node:fs';
import path from 'node:path';
import { escapeControl, FileError, type FileErrorCode, isSentiError } from '@senti/errors';

/** What the caller was doing with the path, for the message: "cannot write PATH: disk full". */
export type FileAction = 'write' | 'read' | 'open' | 'create directory' | 'replace';

/** The reason each errno stands for, in the words of the message, with its code and whose problem it is. */
const REASONS: Readonly<
  Record<string, { code: FileErrorCode; reason: string; kind: 'input' | 'runtime'; hint?: string }>
> = {
  ENOSPC: {
    code: 'FILE_DISK_FULL',
    reason: 'disk full',
    kind: 'runtime',
    hint: 'free some space or choose another directory',
  },
  EDQUOT: {
    code: 'FILE_QUOTA_EXCEEDED',
    reason: 'disk quota exceeded',
    kind: 'runtime',
    hint: 'free some space or choose another directory',
  },
  EROFS: {
    code: 'FILE_READ_ONLY',
    reason: 'read-only file system',
    kind: 'input',
    hint: 'choose a directory on a writable file system',
  },
  EACCES: {
    code: 'FILE_PERMISSION_DENIED',
    reason: 'permission denied',
    kind: 'input',
    hint: 'choose a path you can write to',
  },
  EPERM: {
    code: 'FILE_PERMISSION_DENIED',
    reason: 'operation not permitted',
    kind: 'input',
    hint: 'choose a path you can write to',
  },
  ENOTDIR: { code: 'FILE_NOT_A_DIRECTORY', reason: 'not a directory', kind: 'input' },
  EISDIR: { code: 'FILE_IS_A_DIRECTORY', reason: 'is a directory', kind: 'input' },
  EMFILE: {
    code: 'FILE_TOO_MANY_OPEN',
    reason: 'too many open files',
    kind: 'runtime',
    hint: 'raise the open-file limit (ulimit -n)',
  },
  ENFILE: { code: 'FILE_TOO_MANY_OPEN', reason: 'too many open files in the system', kind: 'runtime' },
  ENAMETOOLONG: { code: 'FILE_NAME_TOO_LONG', reason: 'file name too long', kind: 'input' },
  ENOENT: { code: 'FILE_NOT_FOUND', reason: 'no such file or directory', kind: 'input' },
  EIO: {
    code: 'FILE_IO_ERROR',
    reason: 'input/output error',
    kind: 'runtime',
    hint: 'the disk or network file system failed; check it',
  },
};

/** The errno code of a Node file-system error (`ENOSPC`, ...), or undefined for anything else. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/** The reason a Node file-system error stands for, in words (`disk full`, `read-only file system`), else its code. */
export function fileSystemReason(error: unknown): string {
  const errno = errnoCode(error);
  if (errno === undefined) return error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
  return REASONS[errno]?.reason ?? errno.toLowerCase();
}

/** `target` or its nearest ancestor that exists but is not a directory (why mkdir or open said ENOTDIR), if any. */
function fileInTheWay(target: string): string | undefined {
  for (let current = path.resolve(target); current !== path.dirname(current); current = path.dirname(current)) {
    try {
      return statSync(current).isDirectory() ? undefined : current;
    } catch {
      // missing: look further up
    }
  }
  return undefined;
}

/**
 * A Node file-system error (or a short write) as one senti `FileError` line naming the file the caller meant (never
 * a temp name) and the reason: `cannot write runs/a/head.bin: disk full`. Senti errors pass through unchanged.
 */
export function fileSystemError(error: unknown, file: string, action: FileAction = 'write'): Error {
  if (isSentiError(error)) return error;
  const errno = errnoCode(error);
  const shown = escapeControl(file);
  if (errno === undefined) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return new FileError('FILE_WRITE_FAILED', `cannot ${action} ${shown}: ${detail}`, file, 'runtime', {
      cause: error,
    });
  }
  const known = REASONS[errno];
  if (known === undefined) {
    return new FileError('FILE_WRITE_FAILED', `cannot ${action} ${shown}: ${errno.toLowerCase()}`, file, 'runtime', {
      cause: error,
    });
  }
  let reason = known.reason;
  if (errno === 'ENOTDIR') {
    const blocker = fileInTheWay(file);
    if (blocker !== undefined) reason += ` (${escapeControl(blocker)} is a file)`;
  }
  return new FileError(known.code, `cannot ${action} ${shown}: ${reason}`, file, known.kind, {
    cause: error,
    ...(known.hint === undefined ? {} : { hint: known.hint }),
  });
}

/** A write that stored fewer bytes than asked and made no progress: treated as a full disk. */
export function shortWriteError(file: string, written: number, expected: number): FileError {
  return new FileError(
    'FILE_SHORT_WRITE',
    `cannot write ${escapeControl(file)}: disk full (${written} of ${expected} bytes written)`,
    file,
    'runtime',
    {
      hint: 'free some space or choose another directory',
    },
  );
}

/** The action a Node error's `syscall` was part of, for the message. */
const SYSCALL_ACTIONS: Readonly<Record<string, FileAction>> = {
  mkdir: 'create directory',
  open: 'open',
  read: 'read',
  scandir: 'read',
  stat: 'read',
  lstat: 'read',
  readlink: 'read',
  write: 'write',
  fsync: 'write',
  close: 'write',
  rename: 'replace',
  copyfile: 'write',
  link: 'write',
  unlink: 'replace',
  rm: 'replace',
};

/**
 * A raw Node file-system error that escaped (it has an errno code and a path) as the same one-line `FileError`,
 * e.g. `cannot open /x/cache: too many open files`; anything else is returned unchanged. For the last line of
 * defence in apps, so a file-system failure is never reported as a bug.
 */
export function asFileError(error: unknown): unknown {
  if (isSentiError(error) || !(error instanceof Error) || errnoCode(error) === undefined) return error;
  const { path: file, syscall } = error as NodeJS.ErrnoException;
  if (typeof file !== 'string') return error;
  return fileSystemError(error, file, SYSCALL_ACTIONS[syscall ?? ''] ?? 'write');
}
