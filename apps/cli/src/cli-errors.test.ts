import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, TINY_BERT } from './testing/run-cli.js';
import { runInProcess } from './testing/run-in-process.js';

/** A user mistake is one line on stderr, no stack trace, and the right exit code. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr
    .trim()
    .split('\n')
    .filter((line) => !line.startsWith('('));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('senti command-line errors', () => {
  it('prints help for every command and exits 0', async () => {
    const main = await runCli(['--help']);
    expect(main.code).toBe(0);
    expect(main.stdout).toMatch(/train .*\n/);
    // Each subcommand's help in-process (a spawn costs seconds on a busy machine); the real process above covers the wiring.
    for (const command of ['train', 'evaluate', 'predict', 'inspect', 'encode', 'worker']) {
      const help = await runInProcess([command, '--help']);
      expect(help.code, command).toBe(0);
      expect(help.stdout).toContain(`Usage: senti ${command}`);
      for (const line of help.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    }
  });

  it('rejects bad flags and values with exit 2 and one line', async () => {
    const unknown = await runCli(['train', '--data', 'x.csv', '--epoch', '3']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option '--epoch'/);
    const badValue = await runCli(['train', '--data', 'x.csv', '--epochs', 'ten']);
    expect(badValue.code).toBe(2);
    expectOneLine(badValue.stderr, /^senti: --epochs expects a whole number >= 1, got "ten"$/);
    const missing = await runCli(['train']);
    expect(missing.code).toBe(2);
    expectOneLine(missing.stderr, /train needs --data <file>/);
    const half = await runCli(['train', '--data', 'x.csv', '--val', 'v.csv']);
    expect(half.code).toBe(2);
  });

  it('names a missing data file and a missing column with exit 1, stack only with --verbose', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'senti-cli-'));
    const missingFile = await runCli(['train', '--data', join(dir, 'nope.csv'), '--model', TINY_BERT]);
    expect(missingFile.code).toBe(1);
    expectOneLine(missingFile.stderr, /nope\.csv" not found/);

    const data = join(dir, 'reviews.csv');
    await writeFile(data, 'review,stars\ngood,1\nbad,0\n');
    const noColumn = await runCli(['train', '--data', data, '--model', TINY_BERT]);
    expect(noColumn.code).toBe(1);
    expectOneLine(
      noColumn.stderr,
      /column "sentence" not found in .*reviews\.csv \(also tried "text"\); columns are: review, stars/,
    );

    const verbose = await runCli(['train', '--data', data, '--model', TINY_BERT, '--verbose']);
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });

  it('says which model could not be found', async () => {
    const result = await runCli(['predict', '--model-dir', '/nonexistent/run', 'hello']);
    expect(result.code).toBe(1);
    expectOneLine(result.stderr, /no senti model in \/nonexistent\/run/);
  });
});
