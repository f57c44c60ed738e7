import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/** A commit id as the Hub writes it: 40 lowercase hex digits. */
export const COMMIT = /^[0-9a-f]{40}$/;

/**
 * Where one Hub model repository lives in the standard Hugging Face cache (the layout huggingface_hub writes, so
 * Python and senti share files): `models--ORG--NAME/{blobs/ETAG, snapshots/COMMIT/PATH -> ../../blobs/ETAG,
 * refs/REVISION, .no_exist/COMMIT/PATH}`.
 */
export class RepoCache {
  /** `CACHE/models--ORG--NAME`. */
  readonly root: string;

  constructor(
    readonly cacheDir: string,
    readonly repo: string,
  ) {
    this.root = path.join(cacheDir, `models--${repo.split('/').join('--')}`);
  }

  /** The file a blob (named by its ETag: sha256 for LFS files, git sha1 otherwise) is stored under. */
  blob(etag: string): string {
    return path.join(this.root, 'blobs', etag);
  }

  /** The snapshot directory of a commit. */
  snapshot(commit: string): string {
    return path.join(this.root, 'snapshots', commit);
  }

  /** The commit a revision (branch or tag) pointed to when last fetched; a commit id is its own answer. */
  readRef(revision: string): string | undefined {
    if (COMMIT.test(revision)) return revision;
    try {
      const commit = readFileSync(path.join(this.root, 'refs', revision), 'utf8').trim();
      return COMMIT.test(commit) ? commit : undefined;
    } catch {
      return undefined;
    }
  }

  /** Records that `revision` points to `commit` (atomically; nothing for a revision that is a commit id). */
  async writeRef(revision: string, commit: string): Promise<void> {
    if (revision === commit) return;
    const file = path.join(this.root, 'refs', revision);
    if (this.readRef(revision) === commit) return;
    await replaceFile(file, commit);
  }

  /** True when the snapshot holds `file` (a link whose blob exists). */
  hasFile(commit: string, file: string): boolean {
    return existsSync(path.join(this.snapshot(commit), file));
  }

  /** True when an earlier listing of `commit` showed that the repository has no `file` (huggingface_hub's marker). */
  knownMissing(commit: string, file: string): boolean {
    return existsSync(path.join(this.root, '.no_exist', commit, file));
  }

  /** Marks `file` as absent from the repository at `commit`, so a later run knows without asking. */
  async markMissing(commit: string, file: string): Promise<void> {
    const marker = path.join(this.root, '.no_exist', commit, file);
    if (existsSync(marker)) return;
    await mkdir(path.dirname(marker), { recursive: true });
    await writeFile(marker, '');
  }

  /** Links `snapshots/COMMIT/FILE` to its blob with a relative symlink, replacing any older link atomically. */
  async link(commit: string, file: string, etag: string): Promise<void> {
    const pointer = path.join(this.snapshot(commit), file);
    await mkdir(path.dirname(pointer), { recursive: true });
    const temporary = `${pointer}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await symlink(path.relative(path.dirname(pointer), this.blob(etag)), temporary);
    try {
      await rename(temporary, pointer);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  /** Reads a (small) JSON file of a snapshot, or undefined when absent or malformed. */
  readJson(commit: string, file: string): unknown {
    try {
      return JSON.parse(readFileSync(path.join(this.snapshot(commit), file), 'utf8')) as unknown;
    } catch {
      return undefined;
    }
  }
}

async function replaceFile(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, content);
  try {
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
