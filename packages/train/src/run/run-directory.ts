import { readdirSync, readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError } from '@senti/errors';
import {
  errnoCode,
  fileSystemError,
  makeWritableDirectory,
  removeCreated,
  removeStaleTemporaries,
  writeFileAtomic,
} from '@senti/base';

/** A run directory this process holds (created, locked); every file is written atomically. */
export class RunDirectory {
  /** `created`: the directories made for this run (outermost first); {@link discard} removes them. */
  constructor(
    readonly path: string,
    readonly created: readonly string[] = [],
  ) {}

  /** Removes what this run created, when it failed before writing anything worth keeping (and its lock). */
  async discard(): Promise<void> {
    await this.release();
    await removeCreated(this.created);
  }

  /** Gives up the lock on the directory (a later run may use it); call once the run has ended, however it ended. */
  async release(): Promise<void> {
    await rm(join(this.path, RUN_LOCK), { force: true }).catch(() => undefined);
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

/** The lock file a live run keeps in its directory: the owner's process id. */
export const RUN_LOCK = '.senti-run.lock';

/** True while a process with this id runs (on this machine). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}

/**
 * Takes the run directory's lock (created exclusively, so of two runs racing for it exactly one wins); a lock whose
 * owner no longer runs (a killed run) is taken over. A live owner's lock is refused with one line.
 */
async function lockRunDirectory(path: string, given: string, flag: string): Promise<void> {
  const lock = join(path, RUN_LOCK);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(lock, `${process.pid}\n`, { flag: 'wx' });
      return;
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw fileSystemError(error, lock);
    }
    const owner = Number.parseInt(await readFile(lock, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(owner) && owner > 0 && isRunning(owner)) {
      throw new UsageError(
        'CLI_OUT_IN_USE',
        `${flag} ${given} is in use by another senti run (process ${owner}); wait for it to end, or choose another ${flag === '--resume' ? 'run' : flag}`,
      );
    }
    await rm(lock, { force: true }); // its owner was killed: the directory is free
  }
  throw new UsageError('CLI_OUT_IN_USE', `${flag} ${given} is in use by another senti run; choose another ${flag}`);
}

/** `runs/2026-11-26T07-15-02` style name, sortable and safe on every file system. */
export function timestampedRunName(now = new Date()): string {
  return now
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/:/g, '-');
}

/**
 * True when a directory holds only what a run that died before its first checkpoint leaves: its own `config.json`
 * (a senti run's, with `settings` and `createdAt`). Such a directory is reused without --overwrite.
 */
function onlyAbandonedRun(path: string, names: readonly string[]): boolean {
  if (names.length !== 1 || names[0] !== 'config.json') return false;
  try {
    const config = JSON.parse(readFileSync(join(path, 'config.json'), 'utf8')) as Record<string, unknown>;
    return (
      config !== null && typeof config === 'object' && 'settings' in config && typeof config.createdAt === 'string'
    );
  } catch {
    return false;
  }
}

/** How {@link createRunDirectory} treats an existing directory and names it in its messages. */
export interface RunDirectoryOptions {
  /** Take a non-empty directory anyway (default false: refused). */
  overwrite?: boolean;
  /** How the user gave the directory, for messages (the CLI: `--out`, `--resume`); default `--out`. */
  flag?: string;
}

/**
 * Creates the run directory (default `runs/<timestamp>`); refuses a non-empty existing one so a run never mixes with
 * another. Temporaries of killed senti processes are removed first, and a directory holding only an abandoned run's
 * config.json is reused. The directory is locked while this process runs it: call {@link RunDirectory.release} when
 * the run ends.
 */
export async function createRunDirectory(
  out: string | undefined,
  options: RunDirectoryOptions = {},
): Promise<RunDirectory> {
  const path = resolve(out ?? join('runs', timestampedRunName()));
  const flag = options.flag ?? '--out';
  const created = await makeWritableDirectory(path, flag, out ?? path);
  const run = new RunDirectory(path, created);
  try {
    // Locked before it is judged empty: a second run entering while the first is still encoding (its directory then
    // holds only config.json, which looks abandoned) is refused instead of both writing one run.
    await lockRunDirectory(path, out ?? path, flag);
  } catch (error) {
    await removeCreated(created);
    throw error;
  }
  const names = created.length === 0 ? readdirSync(path).filter((name) => name !== RUN_LOCK) : [];
  const removed = await removeStaleTemporaries(path, names);
  const left = names.filter((name) => !removed.includes(name));
  if (left.length > 0 && !options.overwrite && !onlyAbandonedRun(path, left)) {
    await run.discard();
    throw new UsageError(
      'CLI_OUT_NOT_EMPTY',
      `output directory ${out ?? path} already exists and is not empty; choose another --out, or pass --overwrite`,
    );
  }
  return run;
}
