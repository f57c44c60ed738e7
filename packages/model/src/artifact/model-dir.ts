import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MANIFEST_FILE } from './manifest.js';

/** The run directory `senti train` writes keeps its model in `model/`; accept either that or the model dir itself. */
export function resolveModelDir(dir: string): string {
  const root = resolve(dir);
  const nested = join(root, 'model');
  return !existsSync(join(root, MANIFEST_FILE)) && existsSync(join(nested, MANIFEST_FILE)) ? nested : root;
}
