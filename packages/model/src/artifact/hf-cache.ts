import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { env } from '@huggingface/transformers';
import { hubCacheDir } from '@senti/tokenize';

/** A Hub model as named in a Hugging Face cache: `models--ORG--NAME/snapshots/REVISION`. */
export interface HubReference {
  /** Hub id, e.g. `Xenova/bert-base-uncased`. */
  hubId: string;
  /** Commit hash or branch name. */
  revision: string;
}

/** Recognizes a directory inside a Hugging Face cache (`.../models--ORG--NAME/snapshots/REV[/...]`). */
export function parseHfCachePath(dir: string): HubReference | undefined {
  const parts = path.resolve(dir).split(path.sep);
  const at = parts.findLastIndex((part) => part.startsWith('models--'));
  if (at < 0 || parts[at + 1] !== 'snapshots' || !parts[at + 2]) return undefined;
  return { hubId: parts[at]!.slice('models--'.length).split('--').join('/'), revision: parts[at + 2]! };
}

/**
 * Folders that may hold a Hugging Face cache: the one senti downloads into ({@link hubCacheDir}: `$HF_HUB_CACHE`,
 * `$HF_HOME/hub`, ...), `~/.cache/huggingface/hub`, and transformers.js's `env.cacheDir` and `env.localModelPath`
 * (when pointed at such a cache).
 */
export function hfCacheRoots(): string[] {
  const roots = [
    hubCacheDir(),
    path.join(homedir(), '.cache', 'huggingface', 'hub'),
    typeof env.cacheDir === 'string' ? env.cacheDir : undefined,
    typeof env.localModelPath === 'string' ? env.localModelPath : undefined,
  ];
  return [
    ...new Set(
      roots
        .filter((root): root is string => typeof root === 'string' && root.length > 0)
        .map((root) => path.resolve(root)),
    ),
  ];
}

/** The snapshot directory of `hubId` at `revision` (a commit, or a ref such as `main` read from `refs/`), if cached. */
export function findInHfCache(reference: HubReference, roots: readonly string[] = hfCacheRoots()): string | undefined {
  for (const root of roots) {
    const repo = path.join(root, `models--${reference.hubId.split('/').join('--')}`);
    if (!existsSync(repo)) continue;
    const refFile = path.join(repo, 'refs', reference.revision);
    const commit = existsSync(refFile) ? readFileSync(refFile, 'utf8').trim() : reference.revision;
    const snapshot = path.join(repo, 'snapshots', commit);
    if (existsSync(path.join(snapshot, 'config.json'))) return snapshot;
  }
  return undefined;
}
