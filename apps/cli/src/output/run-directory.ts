import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '@senti/errors';
import { removeStaleTemporaries, writeFileAtomic } from '@senti/base';
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

/**
 * True when a directory holds only what a run that died before its first checkpoint leaves: its own `config.json`
 * (a senti run's, with `settings` and `createdAt`). Such a directory is reused without --overwrite.
 */
function onlyAbandonedRun(path: string, names: readonly string[]): boolean {
  if (names.length !== 1 || names[0] !== 'config.json') return false;
  try {
    const config = JSON.parse(readFileSync(join(path, 'config.json'), 'utf8')) as Record<string, unknown>;
    return config !== null && typeof config === 'object' && 'settings' in config && typeof config.createdAt === 'string';
  } catch {
    return false;
  }
}

/**
 * Creates the run directory; refuses a non-empty existing one so a run never mixes with another. Temporaries of
 * killed senti processes are removed first, and a directory holding only an abandoned run's config.json is reused.
 */
export async function createRunDirectory(out: string | undefined, options: { overwrite?: boolean; flag?: string } = {}): Promise<RunDirectory> {
  const path = resolve(out ?? join('runs', timestampedRunName()));
  const created = await makeWritableDirectory(path, options.flag ?? '--out', out ?? path);
  const names = created.length === 0 ? readdirSync(path) : [];
  const removed = await removeStaleTemporaries(path, names);
  const left = names.filter((name) => !removed.includes(name));
  if (left.length > 0 && !options.overwrite && !onlyAbandonedRun(path, left)) {
    throw new UsageError('CLI_OUT_NOT_EMPTY', `output directory ${out ?? path} already exists and is not empty; choose another --out, or pass --overwrite`);
  }
  return new RunDirectory(path, created);
}
