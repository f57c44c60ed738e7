import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const run = promisify(execFile);

/** Runs a README command line (pnpm and its arguments) from the repository root, as a user would. */
async function pnpm(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    // No update checks: a test never touches the network (a fresh HOME has no record of the last check).
    const quiet = { npm_config_update_notifier: 'false', TURBO_NO_UPDATE_NOTIFIER: '1' };
    const { stdout, stderr } = await run('pnpm', args, {
      cwd: repo,
      env: { ...process.env, ...quiet, ...env },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : -1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? '',
    };
  }
}

describe('the README commands, run as a new user runs them', () => {
  it('a usage mistake is one line and the hint, exit 2, with no pnpm failure block, and the hint keeps --silent', async () => {
    const result = await pnpm(['--silent', '--filter', 'cli', 'start', 'train', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    // The hint, pasted as printed, must not bring pnpm's ERR_PNPM_RECURSIVE_RUN_FIRST_FAIL block back.
    expect(result.stderr).toBe(
      `error: unknown option '--bogus'\n(run "pnpm --silent --filter cli start train --help" for usage)\n`,
    );
  });

  it('every senti command the READMEs show through pnpm carries --silent', async () => {
    const unsilenced: string[] = [];
    for (const file of ['README.md', 'apps/cli/README.md']) {
      const text = await readFile(join(repo, file), 'utf8');
      text.split('\n').forEach((line, index) => {
        // `pnpm [options] --filter cli|server start` and the root script `pnpm [options] senti`.
        for (const match of line.matchAll(
          /\bpnpm((?: --?[\w-]+)*?) (?:--filter (?:cli|server) start|senti)(?=[\s`]|$)/g,
        )) {
          if (!match[1]!.split(' ').includes('--silent')) unsilenced.push(`${file}:${index + 1}: ${match[0]}`);
        }
      });
    }
    expect(unsilenced).toEqual([]);
  });

  it('the root scripts that run turbo print no telemetry notice on a machine turbo has never seen', async () => {
    const home = await mkdtemp(join(tmpdir(), 'senti-fresh-home-'));
    try {
      const result = await pnpm(['--silent', 'typecheck', '--filter', '@senti/errors'], {
        HOME: home,
        XDG_CONFIG_HOME: join(home, '.config'),
      });
      expect(result.code, result.stderr).toBe(0);
      expect(`${result.stdout}${result.stderr}`).toContain('@senti/errors:typecheck');
      expect(`${result.stdout}${result.stderr}`).not.toMatch(/telemetry/i);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
