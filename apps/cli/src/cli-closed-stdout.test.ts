import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticReviewRows } from '@senti/fixtures';
import { fineTune } from '@senti/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, TINY_BERT } from './testing/run-cli.js';

let dir: string;
let modelDir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'senti-closed-stdout-'));
  modelDir = join(dir, 'model');
  const result = await fineTune({
    data: syntheticReviewRows({ rows: 60, classes: ['negative', 'positive'], seed: 3 }),
    model: TINY_BERT,
    offline: true,
    device: 'cpu',
    epochs: 1,
    cache: false,
  });
  await result.model.save(modelDir);
  await result.model.dispose();
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// `senti ... | head -1`: the reader of stdout leaves early; the CLI must end quietly (exit 0), not with an EPIPE stack.
describe('stdout closed by its reader', { timeout: 120_000 }, () => {
  it.each([
    ['--help', () => ['--help']],
    ['predict --output -', () => ['predict', '--model-dir', modelDir, '--output', '-', 'a fine film', 'a dull film']],
    ['predict --json', () => ['predict', '--model-dir', modelDir, '--json', 'a fine film']],
  ])('%s: exit 0, nothing on stderr', async (_name, args) => {
    const run = await runCli(args(), { closeStdout: true });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});
