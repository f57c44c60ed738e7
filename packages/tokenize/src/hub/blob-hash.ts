import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** The digest a blob's ETag promises: sha256 (64 hex digits, LFS files) or a git blob sha1 (40 hex digits). */
export type EtagKind = 'sha256' | 'git-sha1' | 'opaque';

/** Which hash an ETag is: huggingface_hub names LFS blobs by sha256 and regular files by their git object id. */
export function etagKind(etag: string): EtagKind {
  if (/^[0-9a-f]{64}$/.test(etag)) return 'sha256';
  if (/^[0-9a-f]{40}$/.test(etag)) return 'git-sha1';
  return 'opaque';
}

/** The digest of `file` in the ETag's kind (`git-sha1`: sha1 of `blob SIZE\0` + content); undefined for opaque ETags. */
export async function blobDigest(file: string, size: number, kind: EtagKind): Promise<string | undefined> {
  if (kind === 'opaque') return undefined;
  const hash = createHash(kind === 'sha256' ? 'sha256' : 'sha1');
  if (kind === 'git-sha1') hash.update(`blob ${size}\0`);
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
