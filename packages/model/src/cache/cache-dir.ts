import path from 'node:path';
import { sentiEnvironment, userCacheHome } from '@senti/base';

/** Where senti keeps caches: `$SENTI_CACHE_DIR`, else `$XDG_CACHE_HOME/senti`, else `~/.cache/senti`. */
export function defaultCacheDir(): string {
  const explicit = sentiEnvironment().cacheDir;
  if (explicit) return path.resolve(explicit);
  return path.join(userCacheHome(), 'senti');
}
