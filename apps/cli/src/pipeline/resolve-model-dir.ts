import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Accepts a run directory (holding `model/`) or a model directory itself. */
export function resolveModelDir(dir: string): string {
  return !existsSync(join(dir, 'senti.json')) && existsSync(join(dir, 'model', 'senti.json')) ? join(dir, 'model') : dir;
}
