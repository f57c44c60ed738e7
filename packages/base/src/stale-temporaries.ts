import { rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * The process id a senti temporary name carries, or undefined for other names: `.NAME.PID.HEX.tmp` (atomic file
 * writes) and `.NAME.tmp-PID-HEX` (model and export directories written before their rename).
 */
export function temporaryOwner(name: string): number | undefined {
  const match = /^\..+\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name) ?? /^\..+\.tmp-(\d+)-[0-9a-f]+$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

/** True while a process with this id runs (on this machine). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes the temporaries in `dir` left by senti processes that no longer run (killed mid-write); those of running
 * processes (a concurrent run sharing the directory) are kept. `names`: the directory listing, when already read.
 * Returns the names removed.
 */
export async function removeStaleTemporaries(dir: string, names: readonly string[]): Promise<string[]> {
  const stale = names.filter((name) => {
    const pid = temporaryOwner(name);
    return pid !== undefined && pid !== process.pid && !isRunning(pid);
  });
  await Promise.all(stale.map((name) => rm(path.join(dir, name), { recursive: true, force: true })));
  return stale;
}
