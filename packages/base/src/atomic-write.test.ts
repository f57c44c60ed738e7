import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { readdir as readdirPromise } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSentiError } from '@senti/errors';
import {
  asFileError,
  directoryState,
  openAtomicDirectory,
  openAtomicFile,
  writeFileAtomic,
  writeFileChecked,
} from './index.js';

const require_resolve = createRequire(import.meta.url).resolve;
const root = mkdtempSync(path.join(tmpdir(), 'senti-base-write-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs `write` and returns the senti error it must throw (fails the test when it resolves or throws a raw error). */
async function failure(write: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await write();
  } catch (error) {
    if (!isSentiError(error)) throw error;
    expect(error.message.split('\n')).toHaveLength(1);
    return error;
  }
  throw new Error('the write succeeded');
}

/** Tries to mount a 64 KiB tmpfs (needs root or CAP_SYS_ADMIN); returns its path, or the reason it cannot. */
function mountSmallTmpfs(): { dir: string } | { reason: string } {
  const dir = path.join(root, 'small-tmpfs');
  mkdirSync(dir);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'pipe' });
    return { dir };
  } catch (error) {
    return {
      reason: `mounting a 64 KiB tmpfs is not permitted here: ${String((error as Error).message).split('\n')[0]}`,
    };
  }
}

function mountReadOnlyTmpfs(): { dir: string } | { reason: string } {
  const dir = path.join(root, 'read-only');
  mkdirSync(dir);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,ro', 'tmpfs', dir], { stdio: 'pipe' });
    return { dir };
  } catch (error) {
    return {
      reason: `mounting a read-only tmpfs is not permitted here: ${String((error as Error).message).split('\n')[0]}`,
    };
  }
}

describe('writeFileAtomic', () => {
  it('writes strings, buffers and buffer lists, replacing the old content, with no temp file left', async () => {
    const dir = path.join(root, 'plain');
    await writeFileAtomic(path.join(dir, 'a.txt'), 'first');
    await writeFileAtomic(path.join(dir, 'a.txt'), [Buffer.from('sec'), new Uint8Array([111, 110, 100])]);
    await writeFileAtomic(path.join(dir, 'b.bin'), new Uint8Array(100_000).fill(7));
    expect(readFileSync(path.join(dir, 'a.txt'), 'utf8')).toBe('second');
    expect(readFileSync(path.join(dir, 'b.bin')).length).toBe(100_000);
    expect(readdirSync(dir).sort()).toEqual(['a.txt', 'b.bin']);
  });

  it('streams through openAtomicFile: nothing under the final name until commit, nothing at all after abort', async () => {
    const file = path.join(root, 'stream', 'out.csv');
    const writer = await openAtomicFile(file);
    await writer.write('a,b\n');
    await writer.write(Buffer.from('1,2\n'));
    expect(existsSync(file)).toBe(false);
    await writer.commit();
    expect(readFileSync(file, 'utf8')).toBe('a,b\n1,2\n');
    const aborted = await openAtomicFile(path.join(root, 'stream', 'never.csv'));
    await aborted.write('x');
    await aborted.abort();
    expect(readdirSync(path.join(root, 'stream'))).toEqual(['out.csv']);
  });

  it('a file where a directory should be: one line naming the path and the file in the way (not raw ENOTDIR)', async () => {
    const blocker = path.join(root, 'package.json');
    writeFileSync(blocker, '{}');
    const error = await failure(() => writeFileAtomic(path.join(blocker, 'senti.json'), '{}'));
    expect(error.code).toBe('FILE_NOT_A_DIRECTORY');
    expect(error.message).toBe(`cannot create directory ${blocker}: not a directory (${blocker} is a file)`);
    const deeper = await failure(() => writeFileAtomic(path.join(blocker, 'model', 'senti.json'), '{}'));
    expect(deeper.code).toBe('FILE_NOT_A_DIRECTORY');
  });

  it('a directory where the file should be: FILE_IS_A_DIRECTORY, the directory untouched', async () => {
    const dir = path.join(root, 'is-dir');
    mkdirSync(path.join(dir, 'target'), { recursive: true });
    const error = await failure(() => writeFileAtomic(path.join(dir, 'target'), 'x'));
    expect(error.code).toBe('FILE_IS_A_DIRECTORY');
    expect(error.message).toMatch(/^cannot write .*target: is a directory$/);
    expect(readdirSync(dir)).toEqual(['target']);
  });

  it('a directory without write permission: FILE_PERMISSION_DENIED (skipped as root, who may write anyway)', async (context) => {
    if (process.getuid?.() === 0) context.skip(); // root bypasses permission bits, so there is nothing to observe
    const dir = path.join(root, 'locked');
    mkdirSync(dir);
    chmodSync(dir, 0o500);
    try {
      const error = await failure(() => writeFileAtomic(path.join(dir, 'a.txt'), 'x'));
      expect(error.code).toBe('FILE_PERMISSION_DENIED');
    } finally {
      chmodSync(dir, 0o700);
    }
  });

  it('/dev/full (ENOSPC on every write) through writeFileChecked: "cannot write /dev/full: disk full"', async () => {
    if (!existsSync('/dev/full')) return; // not Linux: /dev/full is the only device that fails writes on demand
    const error = await failure(() => writeFileChecked('/dev/full', Buffer.alloc(10_000)));
    expect(error.code).toBe('FILE_DISK_FULL');
    expect(error.message).toBe('cannot write /dev/full: disk full');
  });
});

describe('writes on a full 64 KiB tmpfs', () => {
  let mount: { dir: string } | { reason: string };
  beforeAll(() => {
    mount = mountSmallTmpfs();
  });
  afterAll(() => {
    if ('dir' in mount) execFileSync('umount', [mount.dir]);
  });

  it('fails with "disk full", removes the temp file and keeps the old content under the final name', async (context) => {
    if ('reason' in mount) {
      console.warn(`skipped: ${mount.reason}`);
      context.skip();
      return;
    }
    const file = path.join(mount.dir, 'checkpoint.bin');
    await writeFileAtomic(file, Buffer.alloc(1000, 1));
    const error = await failure(() => writeFileAtomic(file, Buffer.alloc(200_000, 2)));
    expect(error.code).toBe('FILE_DISK_FULL');
    expect(error.message).toBe(`cannot write ${file}: disk full`);
    expect(readdirSync(mount.dir)).toEqual(['checkpoint.bin']);
    expect(readFileSync(file)).toEqual(Buffer.alloc(1000, 1));
  });

  it('a streamed write that runs out of space leaves nothing under its name', async (context) => {
    if ('reason' in mount) return context.skip();
    const file = path.join(mount.dir, 'predictions.csv');
    const writer = await openAtomicFile(file);
    const error = await failure(async () => {
      for (let row = 0; row < 10_000; row += 1) await writer.write(`${row},${'x'.repeat(60)}\n`);
      await writer.commit();
    });
    expect(error.code).toBe('FILE_DISK_FULL');
    await writer.abort();
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(mount.dir)).toEqual(['checkpoint.bin']);
  });

  it('an atomic directory that runs out of space leaves neither a temp nor a final directory', async (context) => {
    if ('reason' in mount) return context.skip();
    const target = path.join(mount.dir, 'model');
    const directory = await openAtomicDirectory(target);
    const error = await failure(() =>
      writeFileChecked(
        path.join(directory.temporary, 'head.bin'),
        Buffer.alloc(200_000),
        path.join(target, 'head.bin'),
      ),
    );
    await directory.abort();
    expect(error.message).toBe(`cannot write ${path.join(target, 'head.bin')}: disk full`);
    expect(readdirSync(mount.dir)).toEqual(['checkpoint.bin']);
  });
});

describe('writes on a read-only mount', () => {
  let mount: { dir: string } | { reason: string };
  beforeAll(() => {
    mount = mountReadOnlyTmpfs();
  });
  afterAll(() => {
    if ('dir' in mount) execFileSync('umount', [mount.dir]);
  });

  it('fails with "read-only file system", naming the final path', async (context) => {
    if ('reason' in mount) {
      console.warn(`skipped: ${mount.reason}`);
      return context.skip();
    }
    const file = path.join(mount.dir, 'runs', 'a', 'metrics.json');
    const error = await failure(() => writeFileAtomic(file, '{}'));
    expect(error.code).toBe('FILE_READ_ONLY');
    expect(error.message).toBe(`cannot create directory ${path.dirname(file)}: read-only file system`);
    const direct = path.join(mount.dir, 'metrics.json');
    expect((await failure(() => writeFileAtomic(direct, '{}'))).message).toBe(
      `cannot write ${direct}: read-only file system`,
    );
  });
});

describe('asFileError', () => {
  it('turns a raw Node file-system error into one line naming the path; leaves other errors alone', async () => {
    const missing = path.join(root, 'no-such-dir');
    const raw = await readdirPromise(missing).catch((error: unknown) => error);
    const error = asFileError(raw);
    expect(isSentiError(error) && error.code).toBe('FILE_NOT_FOUND');
    expect((error as Error).message).toBe(`cannot read ${missing}: no such file or directory`);
    const bug = new TypeError('x is not a function');
    expect(asFileError(bug)).toBe(bug);
  });

  it('too many open files (ulimit -n 128 in a child process, every descriptor taken): FILE_TOO_MANY_OPEN naming the file', () => {
    const script = path.join(root, 'emfile-child.mts');
    writeFileSync(
      script,
      `
      import { openSync } from 'node:fs';
      import { writeFileAtomic } from ${JSON.stringify(new URL('./index.ts', import.meta.url).href)};
      const handles = [];
      try { for (;;) handles.push(openSync(process.execPath, 'r')); } catch {}
      await writeFileAtomic(${JSON.stringify(path.join(root, 'emfile.txt'))}, 'x').then(
        () => console.log('written'),
        (error) => console.log(error.code + ' ' + error.message),
      );`,
    );
    const tsx = path.join(path.dirname(require_resolve('tsx/package.json')), 'dist', 'cli.mjs');
    const output = execFileSync(
      'bash',
      ['-c', `ulimit -n 128 && exec "${process.execPath}" "${tsx}" --conditions=source "$0"`, script],
      { encoding: 'utf8' },
    );
    expect(output.trim()).toBe(`FILE_TOO_MANY_OPEN cannot write ${path.join(root, 'emfile.txt')}: too many open files`);
  });
});

describe('openAtomicDirectory', () => {
  it('builds a directory under a temp name and swaps it in whole, replacing the old one', async () => {
    const target = path.join(root, 'atomic-dir', 'model');
    mkdirSync(target, { recursive: true });
    writeFileSync(path.join(target, 'old.txt'), 'old');
    expect(await directoryState(target)).toBe('not-empty');
    const directory = await openAtomicDirectory(target);
    await directory.write('onnx/model.onnx', Buffer.from([1, 2, 3]));
    await directory.copy(path.join(target, 'old.txt'), 'copied.txt');
    expect(existsSync(path.join(target, 'onnx'))).toBe(false);
    await directory.commit();
    expect(readdirSync(target).sort()).toEqual(['copied.txt', 'onnx']);
    expect(readFileSync(path.join(target, 'copied.txt'), 'utf8')).toBe('old');
    expect(readdirSync(path.dirname(target))).toEqual(['model']);
    expect(await directoryState(path.join(root, 'atomic-dir', 'absent'))).toBe('absent');
  });

  it('a missing source of a copy names the source', async () => {
    const directory = await openAtomicDirectory(path.join(root, 'atomic-dir-2', 'out'));
    const error = await failure(() => directory.copy(path.join(root, 'nope.txt'), 'nope.txt'));
    await directory.abort();
    expect(error.message).toBe(`cannot read ${path.join(root, 'nope.txt')}: no such file or directory`);
    expect(readdirSync(path.join(root, 'atomic-dir-2'))).toEqual([]);
  });
});
