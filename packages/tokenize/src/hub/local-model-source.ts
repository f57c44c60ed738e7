import { existsSync } from 'node:fs';
import type { ModelSource } from '../model-source.js';
import { RepoCache } from './cache-layout.js';
import { ensureModelSnapshot, type EnsureModelSnapshotOptions } from './ensure-snapshot.js';
import { hubCacheDir } from './hub-environment.js';

/**
 * The model as a local directory: a local directory as is; a Hub model downloaded into (or found in) the Hugging
 * Face cache by {@link ensureModelSnapshot}, returned as `kind: 'dir'` at its snapshot with `id`, `repo`,
 * `revision` and the resolved `commit` kept.
 */
export async function localModelSource(
  source: ModelSource,
  options: EnsureModelSnapshotOptions = {},
): Promise<ModelSource> {
  if (source.kind === 'dir') return source;
  const snapshot = await ensureModelSnapshot(source, options);
  return { ...source, kind: 'dir', path: snapshot.dir, commit: snapshot.commit };
}

/** The cached snapshot directory of a Hub model (its revision read from `refs/`), without any request; undefined when absent. */
export function cachedModelDir(source: ModelSource, cacheDir: string = hubCacheDir()): string | undefined {
  if (source.kind === 'dir') return source.path;
  const cache = new RepoCache(cacheDir, source.repo ?? source.id);
  const commit = cache.readRef(source.revision ?? 'main');
  return commit !== undefined && existsSync(cache.snapshot(commit)) ? cache.snapshot(commit) : undefined;
}
