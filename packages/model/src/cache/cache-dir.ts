import { homedir } from 'node:os';
import path from 'node:path';
import { sentiEnvironment } from '@senti/base';

/** Where senti keeps caches: `$SENTI_CACHE_DIR`, else `$XDG_CACHE_HOME/senti`, else `~/.cache/senti`. */
export function defaultCacheDir(): string {
  const explicit = sentiEnvironment().cacheDir;
  if (explicit) return path.resolve(explicit);
  const xdg = process.env.XDG_CACHE_HOME?.trim();
  return xdg ? path.join(path.resolve(xdg), 'senti') : path.join(homedir(), '.cache', 'senti');
}
