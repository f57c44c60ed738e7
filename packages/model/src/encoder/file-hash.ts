import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';

const memo = new Map<string, { mtimeMs: number; size: number; hash: Promise<string> }>();

/** sha256 (hex) of a file, streamed; remembered per path while its mtime and size stay the same. */
export async function fileSha256(file: string): Promise<string> {
  const absolute = path.resolve(file);
  const { mtimeMs, size } = await stat(absolute);
  const known = memo.get(absolute);
  if (known && known.mtimeMs === mtimeMs && known.size === size) return known.hash;
  const hash = new Promise<string>((resolve, reject) => {
    const digest = createHash('sha256');
    createReadStream(absolute, { highWaterMark: 1 << 20 })
      .on('data', (chunk) => digest.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(digest.digest('hex')));
  });
  memo.set(absolute, { mtimeMs, size, hash });
  hash.catch(() => memo.delete(absolute));
  return hash;
}
