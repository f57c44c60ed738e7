import { createHash } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '@senti/base';
import { defaultCacheDir } from '../cache/cache-dir.js';

/** What a file's hash is remembered by: if any of these changed, the file is hashed again. */
interface FileStamp {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  dev: number;
}

const memo = new Map<string, { stamp: FileStamp; hash: Promise<string> }>();

/**
 * sha256 (hex) of a file, streamed. Remembered per absolute path while its size, mtime, ctime, inode and device stay
 * the same: in this process, and across processes in `<cacheDir>/file-hashes/` (hashing a 440 MB encoder costs
 * ~0.3-1 s, which a warm run should not pay). Pass `cacheDir: false` to keep it in this process only.
 */
export async function fileSha256(file: string, options: { cacheDir?: string | false } = {}): Promise<string> {
  const absolute = path.resolve(file);
  const stamp = stampOf(await stat(absolute));
  const known = memo.get(absolute);
  if (known && sameStamp(known.stamp, stamp)) return known.hash;
  const stored = options.cacheDir === false ? undefined : storedHashFile(absolute, options.cacheDir);
  const hash = (async () => {
    const remembered = stored ? await readStoredHash(stored, stamp) : undefined;
    if (remembered) return remembered;
    const digest = await streamSha256(absolute);
    if (stored) await storeHash(stored, absolute, stamp, digest);
    return digest;
  })();
  memo.set(absolute, { stamp, hash });
  hash.catch(() => memo.delete(absolute));
  return hash;
}

/**
 * Records that `file` (as it is on disk now) has sha256 `hash`, computed by the caller from bytes it already holds
 * (e.g. a file it just wrote or read whole), so {@link fileSha256} need not read it again.
 */
export async function rememberFileSha256(
  file: string,
  hash: string,
  options: { cacheDir?: string | false } = {},
): Promise<void> {
  const absolute = path.resolve(file);
  const stamp = stampOf(await stat(absolute));
  memo.set(absolute, { stamp, hash: Promise.resolve(hash) });
  if (options.cacheDir !== false) await storeHash(storedHashFile(absolute, options.cacheDir), absolute, stamp, hash);
}

/** The sha256 {@link fileSha256} remembers for `file` as it is on disk now, or undefined: never reads the file itself. */
export async function knownFileSha256(
  file: string,
  options: { cacheDir?: string | false } = {},
): Promise<string | undefined> {
  const absolute = path.resolve(file);
  const stamp = stampOf(await stat(absolute));
  const known = memo.get(absolute);
  if (known && sameStamp(known.stamp, stamp)) return known.hash;
  return options.cacheDir === false ? undefined : readStoredHash(storedHashFile(absolute, options.cacheDir), stamp);
}

/** sha256 (hex) of bytes in memory. */
export function bytesSha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function stampOf(stats: Stats): FileStamp {
  return { size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs, ino: stats.ino, dev: stats.dev };
}

function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino && a.dev === b.dev;
}

function storedHashFile(absolute: string, cacheDir: string | undefined): string {
  return path.join(
    cacheDir ?? defaultCacheDir(),
    'file-hashes',
    `${createHash('sha256').update(absolute).digest('hex').slice(0, 32)}.json`,
  );
}

async function readStoredHash(stored: string, stamp: FileStamp): Promise<string | undefined> {
  try {
    const entry = JSON.parse(await readFile(stored, 'utf8')) as { stamp?: FileStamp; sha256?: unknown };
    return entry.stamp &&
      sameStamp(entry.stamp, stamp) &&
      typeof entry.sha256 === 'string' &&
      /^[0-9a-f]{64}$/.test(entry.sha256)
      ? entry.sha256
      : undefined;
  } catch {
    return undefined; // absent or unreadable: hash the file
  }
}

async function storeHash(stored: string, absolute: string, stamp: FileStamp, sha256: string): Promise<void> {
  // Best effort: a read-only cache directory only costs the next run a re-hash.
  await writeFileAtomic(stored, JSON.stringify({ path: absolute, stamp, sha256 })).catch(() => undefined);
}

function streamSha256(file: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const digest = createHash('sha256');
    createReadStream(file, { highWaterMark: 1 << 20 })
      .on('data', (chunk) => digest.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(digest.digest('hex')));
  });
}
