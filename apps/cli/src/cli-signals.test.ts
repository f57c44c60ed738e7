// SIGTERM and SIGHUP are treated as Ctrl-C is (issue #28 item 11): a job that stops cleanly gets one line and exit
// 130, keeps its checkpoints and leaves no half-written directory; a process a supervisor stops is not a crash.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticReviewsCsv } from '@senti/fixtures';
import { runCli, TINY_BERT } from './testing/run-cli.js';

let dir: string;
let data: string;
const SLOW = 300_000;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'senti-signals-'));
  data = join(dir, 'reviews.csv');
  await writeFile(data, syntheticReviewsCsv({ rows: 3000, classes: ['negative', 'positive'], seed: 4 }));
});

/** Runs senti and sends `signal` once stdout shows `when`. */
async function signalled(args: string[], when: string, signal: NodeJS.Signals) {
  let sent = false;
  const result = await runCli(args, {
    env: { SENTI_CACHE_DIR: join(dir, `cache-${signal}`) },
    onStdout: (text, kill) => {
      if (!sent && text.includes(when)) {
        sent = true;
        kill(signal);
      }
    },
  });
  expect(sent).toBe(true);
  return result;
}

describe('SIGTERM and SIGHUP end a job as Ctrl-C does', () => {
  it(
    'train told SIGTERM while encoding: one line naming it, exit 130, no --out directory left',
    async () => {
      const out = join(dir, 'run-term');
      const result = await signalled(
        ['train', '--data', data, '--model', TINY_BERT, '--pooling', 'mean', '--epochs', '40', '--out', out],
        'Data',
        'SIGTERM',
      );
      expect(result.code, result.stderr).toBe(130);
      const lines = result.stderr.split('\n').filter((line) => line.startsWith('senti:'));
      expect(lines).toEqual([expect.stringMatching(/^senti: training was cancelled \(SIGTERM\)/)]);
      expect(result.stderr).not.toMatch(/\n\s+at |unexpected error/);
      // Cancelled before the first checkpoint: nothing kept; after it: the checkpoints, and never a half-written model.
      if (existsSync(out)) expect((await readdir(out)).sort()).toEqual(['checkpoints', 'config.json']);
    },
    SLOW,
  );

  it(
    'audit told SIGHUP during the folds: one line, exit 130, no --out directory left',
    async () => {
      const out = join(dir, 'audit-hup');
      const result = await signalled(
        [
          'audit',
          '--data',
          data,
          '--model',
          TINY_BERT,
          '--pooling',
          'mean',
          '--epochs',
          '40',
          '--folds',
          '3',
          '--out',
          out,
        ],
        'fold 1/3',
        'SIGHUP',
      );
      expect(result.code, result.stderr).toBe(130);
      expect(result.stderr.split('\n').filter((line) => line.startsWith('senti:'))).toEqual([
        'senti: the label audit was cancelled',
      ]);
      expect(existsSync(out)).toBe(false);
    },
    SLOW,
  );
});
