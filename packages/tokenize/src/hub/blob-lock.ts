import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open, readdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';

/** Who writes a blob's download: the lock's owner resumes `BLOB.incomplete`; anyone else writes a private temporary. */
export interface BlobWriter {
  /** The file the bytes go to before the checked rename. */
  incomplete: string;
  /** True when this process holds `BLOB.lock` (and so owns `BLOB.incomplete`, resumable across runs). */
  owner: boolean;
  /** Releases the lock (owner only); idempotent. */
  release: () => Promise<void>;
}

/**
 * Claims the right to write `blob`: creates `BLOB.lock` (exclusive create, naming this host and process) and
 * resumes `BLOB.incomplete`; a lock left by a process of this host that no longer runs is taken over. While another
 * live process holds it, this one downloads into a private `BLOB.PID.HEX.incomplete` instead: both check the hash
 * before their atomic rename onto the same name, so neither can corrupt the other, and neither waits.
 */
export async function claimBlob(blob: string): Promise<BlobWriter> {
  const lock = `${blob}.lock`;
  for (let tries = 0; tries < 2; tries++) {
    try {
      const handle = await open(lock, 'wx');
      await handle.writeFile(`${hostname()} ${process.pid}\n`);
      await handle.close();
      let released = false;
      return {
        incomplete: `${blob}.incomplete`,
        owner: true,
        release: async () => {
          if (released) return;
          released = true;
          await rm(lock, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!isStale(lock)) break;
      await rm(lock, { force: true });
    }
  }
  return {
    incomplete: `${blob}.${process.pid}.${randomBytes(4).toString('hex')}.incomplete`,
    owner: false,
    release: async () => {},
  };
}

/** True for a lock whose process (on this host) no longer runs. */
function isStale(lock: string): boolean {
  let content: string;
  try {
    content = readFileSync(lock, 'utf8');
  } catch {
    return false;
  }
  const [host, pidText] = content.trim().split(' ');
  return host === hostname() && isGone(Number(pidText));
}

/** True when no process with this id runs on this machine. */
function isGone(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Deletes the private temporaries of `blob` (`BLOB.PID.HEX.incomplete`) left by processes that no longer run. */
export async function removeDeadTemporaries(blob: string): Promise<void> {
  const prefix = `${path.basename(blob)}.`;
  const names = await readdir(path.dirname(blob)).catch(() => [] as string[]);
  const dead = names.filter((name) => {
    const match = /^(\d+)\.[0-9a-f]+\.incomplete$/.exec(name.startsWith(prefix) ? name.slice(prefix.length) : '');
    return match !== null && isGone(Number(match[1]));
  });
  await Promise.all(dead.map((name) => rm(path.join(path.dirname(blob), name), { force: true })));
}
