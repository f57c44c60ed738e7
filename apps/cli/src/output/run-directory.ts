import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '@senti/errors';
import { writeFileAtomic } from '@senti/base';
import { makeWritableDirectory, removeCreated } from './output-paths.js';

/** The run directory layout; every file is written atomically. */
export class RunDirectory {
  /** `created`: the directories made for this run (outermost first); {@link discard} removes them. */
  constructor(readonly path: string, readonly created: readonly string[] = []) {}

  /** Removes what this run created, when it failed before writing anything worth keeping. */
  async discard(): Promise<void> {
    await removeCreated(this.created);
  }

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
export async function createRunDirectory(out: string | undefined, options: { overwrite?: boolean; flag?: string } = {}): Promise<RunDirectory> {
  const path = resolve(out ?? join('runs', timestampedRunName()));
  const created = await makeWritableDirectory(path, options.flag ?? '--out', out ?? path);
  if (created.length === 0 && readdirSync(path).length > 0 && !options.overwrite) {
    throw new UsageError('CLI_OUT_NOT_EMPTY', `output directory ${out ?? path} already exists and is not empty; choose another --out, or pass --overwrite`);
  }
  return new RunDirectory(path, created);
}
