import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeStaleTemporaries, temporaryOwner } from './stale-temporaries.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('removeStaleTemporaries', () => {
  it('reads the owner of both temporary forms and nothing else', () => {
    expect(temporaryOwner('.head.bin.123.ab12cd34.tmp')).toBe(123);
    expect(temporaryOwner('.model.tmp-456-ab12cd34')).toBe(456);
    expect(temporaryOwner('model')).toBeUndefined();
    expect(temporaryOwner('notes.tmp')).toBeUndefined();
  });

  it("removes what dead processes left (files and directories) and keeps a live process's and other files", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'senti-stale-'));
    dirs.push(dir);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid; // exited: its temporaries are stale
    await writeFile(path.join(dir, `.seg.${dead}.00aa.tmp`), 'cut');
    await mkdir(path.join(dir, `.model.tmp-${dead}-00bb`));
    await writeFile(path.join(dir, `.seg.${process.pid}.00cc.tmp`), 'mine, in progress');
    await writeFile(path.join(dir, 'config.json'), '{}');
    const removed = await removeStaleTemporaries(dir, await readdir(dir));
    expect(removed.sort()).toEqual([`.model.tmp-${dead}-00bb`, `.seg.${dead}.00aa.tmp`]);
    expect((await readdir(dir)).sort()).toEqual([`.seg.${process.pid}.00cc.tmp`, 'config.json']);
  });
});

describe('openAtomicDirectory and the temporaries of killed writers (#28 items 11, 16)', () => {
  it("removes a killed writer's temp directory of the same target before writing, and its own on process.exit", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'senti-stale-export-'));
    dirs.push(dir);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    await mkdir(path.join(dir, `.export.tmp-${dead}-00aa11bb`));
    await writeFile(path.join(dir, `.export.tmp-${dead}-00aa11bb`, 'model.onnx'), 'half a gigabyte, once');
    const { openAtomicDirectory } = await import('./atomic-directory.js');
    const directory = await openAtomicDirectory(path.join(dir, 'export'));
    expect((await readdir(dir)).filter((name) => name.includes(String(dead)))).toEqual([]);
    await directory.abort();
    // A process ended at once (the CLI's second signal, or a command with nothing to cancel) leaves no temp directory.
    const script = `import { openAtomicDirectory } from ${JSON.stringify(path.join(import.meta.dirname, 'atomic-directory.ts'))};
      const directory = await openAtomicDirectory(${JSON.stringify(path.join(dir, 'exited'))});
      await directory.write('config.json', '{}');
      process.exit(143);`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(child.status, child.stderr).toBe(143);
    expect((await readdir(dir)).filter((name) => name.startsWith('.exited'))).toEqual([]);
  });
});

describe('openAtomicDirectory with a long legal name (#28 item 16)', () => {
  it('writes a directory whose 250-byte name leaves no room for the temp suffix', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'senti-long-name-'));
    dirs.push(dir);
    const { openAtomicDirectory } = await import('./atomic-directory.js');
    const target = path.join(dir, 'e'.repeat(250));
    const directory = await openAtomicDirectory(target);
    await directory.write('config.json', '{}');
    await directory.commit();
    expect(await readdir(target)).toEqual(['config.json']);
  });
});
