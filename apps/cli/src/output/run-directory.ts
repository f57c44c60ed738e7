import { existsSync, readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError } from '@senti/errors';
import { writeFileAtomic } from '@senti/model';

/** The run directory layout; every file is written atomically. */
export class RunDirectory {
  constructor(readonly path: string) {}

  /** Where the model artifact (senti.json + head weights) lives. */
  get modelDir(): string {
    return join(this.path, 'model');
  }

  /** Where per-epoch checkpoints live (used by `--resume`). */
  get checkpointDir(): string {
    return join(this.path, 'checkpoints');
  }

  /** Writes a text or binary file inside the run directory. */
  async write(name: string, data: string | Uint8Array): Promise<string> {
    const path = join(this.path, name);
    await writeFileAtomic(path, data);
    return path;
  }

  /** Writes a JSON file inside the run directory. */
  async writeJson(name: string, value: unknown): Promise<string> {
    return this.write(name, `${JSON.stringify(value, null, 2)}\n`);
  }
}

/** `runs/2026-11-26T07-15-02` style name, sortable and safe on every file system. */
export function timestampedRunName(now = new Date()): string {
  return now.toISOString().replace(/\.\d+Z$/, '').replace(/:/g, '-');
}

/** Creates the run directory; refuses a non-empty existing one so a run never mixes with another. */
export async function createRunDirectory(out: string | undefined, options: { overwrite?: boolean } = {}): Promise<RunDirectory> {
  const path = resolve(out ?? join('runs', timestampedRunName()));
  if (existsSync(path) && readdirSync(path).length > 0 && !options.overwrite) {
    throw new UsageError('CLI_OUT_NOT_EMPTY', `output directory ${out ?? path} already exists and is not empty; choose another --out, or pass --overwrite`);
  }
  await mkdir(path, { recursive: true });
  return new RunDirectory(path);
}
