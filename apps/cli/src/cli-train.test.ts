import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, TINY_BERT } from './testing/run-cli.js';
import { syntheticReviewsCsv } from '@senti/fixtures';

let dir: string;
let cacheDir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'senti-train-'));
  cacheDir = join(dir, 'cache');
});

const env = (): Record<string, string> => ({ SENTI_CACHE_DIR: cacheDir });

// Real training runs in spawned processes: minutes on a busy 2-core machine, so a longer limit than the default.
describe('senti train / predict / evaluate on data where a cue word decides the label', { timeout: 300_000 }, () => {
  it('learns two classes to >= 95% test accuracy and writes the whole run directory', async () => {
    const data = join(dir, 'two-class.csv');
    await writeFile(
      data,
      syntheticReviewsCsv({ rows: 3000, classes: ['negative', 'positive'], seed: 7, numericLabels: true }),
    );
    const out = join(dir, 'run-two');
    const result = await runCli(
      [
        'train',
        '--data',
        data,
        '--model',
        TINY_BERT,
        '--pooling',
        'mean',
        '--lr',
        '0.003',
        '--epochs',
        '15',
        '--out',
        out,
        '--json',
      ],
      { env: env() },
    );
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { testAccuracy: number; runDir: string };
    expect(summary.testAccuracy).toBeGreaterThanOrEqual(0.95);

    for (const file of [
      'config.json',
      'metrics.json',
      'history.csv',
      'report.txt',
      'confusion-matrix.csv',
      'confusion-matrix.svg',
      'confusion-matrix.png',
      'token-lengths.svg',
      'token-lengths.png',
      'training-curves.svg',
      'training-curves.png',
      'explanations.html',
      'model/senti.json',
    ]) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    const report = await readFile(join(out, 'report.txt'), 'utf8');
    expect(report).toMatch(/^ +precision +recall +f1-score +support\n\n +0 +/);
    const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8')) as {
      settings: { seed: number; pooling: string };
    };
    expect(config.settings).toMatchObject({ seed: 2021, pooling: 'mean' });
    expect((await readFile(join(out, 'history.csv'), 'utf8')).trim().split('\n')).toHaveLength(16);
    // Human output went to stderr in --json mode: the report and the histogram are there.
    expect(result.stderr).toContain('Classification report');
    expect(result.stderr).toMatch(/<- max length \d+/);
    expect(result.stderr).toContain(
      `explanations.html: the most confident test mistakes with the words behind them: file://${out}/explanations.html`,
    );

    const predicted = await runCli(
      ['predict', '--model-dir', out, '--json', 'the movie was excellent', 'an awful film'],
      { env: env() },
    );
    expect(predicted.code, predicted.stderr).toBe(0);
    const rows = JSON.parse(predicted.stdout) as { label: string; probabilities: Record<string, number> }[];
    expect(rows.map((row) => row.label)).toEqual(['1', '0']);
    expect(Object.values(rows[0]!.probabilities).reduce((sum, p) => sum + p, 0)).toBeCloseTo(1, 5);

    const evaluated = await runCli(['evaluate', '--model-dir', out, '--json'], { env: env() });
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect((JSON.parse(evaluated.stdout) as { accuracy: number }).accuracy).toBeCloseTo(summary.testAccuracy, 10);

    const gated = await runCli(['evaluate', '--model-dir', out, '--min-accuracy', '1'], { env: env() });
    expect(gated.code === 0 || gated.code === 3).toBe(true);
    if (summary.testAccuracy < 1) expect(gated.stderr).toMatch(/quality gate failed: accuracy/);
  });

  it('--preset tutorial reproduces the tutorial split and class weights', async () => {
    const result = await runCli(
      [
        'train',
        '--data',
        join(REPO_ROOT, 'fixtures', 'uci-sentences.csv'),
        '--model',
        TINY_BERT,
        '--preset',
        'tutorial',
        '--epochs',
        '1',
        '--out',
        join(dir, 'run-tutorial'),
      ],
      { env: env() },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/total +2093 +448 +449/);
    expect(result.stdout).toMatch(/0 +1047 +224 +225 +0\.9995/);
    expect(result.stdout).toMatch(/1 +1046 +224 +224 +1\.0005/);
    expect(result.stdout).toContain('padding length 17 (as given)');
    expect(result.stdout).toContain('Splits (stratified 70/15/15 split, seed 2021)'); // the split record's seed
  });

  it('--resume finishes a killed or interrupted (Ctrl-C) run with the same result as an uninterrupted one', async () => {
    const data = join(dir, 'resume.csv');
    await writeFile(data, syntheticReviewsCsv({ rows: 3000, classes: ['negative', 'positive'], seed: 3 }));
    const args = (out: string): string[] => [
      'train',
      '--data',
      data,
      '--model',
      TINY_BERT,
      '--pooling',
      'mean',
      '--lr',
      '0.003',
      '--epochs',
      '6',
      '--out',
      out,
    ];
    const whole = await runCli(args(join(dir, 'run-whole')), { env: env() });
    expect(whole.code, whole.stderr).toBe(0);

    const killedDir = join(dir, 'run-killed');
    const killed = await runCli(args(killedDir), {
      env: env(),
      onStdout: (text, kill) => text.includes('epoch 2/6') && kill(),
    });
    // The kill must really have cut the run short: no exit code (killed by a signal), no report, a checkpoint left.
    expect(killed.code).toBeNull();
    expect(existsSync(join(killedDir, 'report.txt'))).toBe(false);
    expect(existsSync(join(killedDir, 'checkpoints'))).toBe(true);
    const resumed = await runCli(['train', '--resume', killedDir], { env: env() });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/resuming at epoch [2-6]/);
    const history = (run: string): Promise<string> =>
      readFile(join(dir, run, 'history.csv'), 'utf8').then((text) => text.replace(/,[\d.]+\n/g, '\n'));
    expect(await history('run-killed')).toBe(await history('run-whole'));
    expect(await readFile(join(killedDir, 'report.txt'), 'utf8')).toBe(
      await readFile(join(dir, 'run-whole', 'report.txt'), 'utf8'),
    );

    // Ctrl-C (SIGINT) after the first epoch line: one line, exit 130, the checkpoint kept; --resume ends like the whole run.
    const interruptedDir = join(dir, 'run-interrupted');
    let sent = false;
    const interrupted = await runCli(args(interruptedDir), {
      env: env(),
      onStdout: (text, kill) => {
        if (!sent && text.includes('epoch 1/6')) {
          sent = true;
          kill('SIGINT');
        }
      },
    });
    expect(interrupted.code, interrupted.stderr).toBe(130);
    expect(interrupted.stderr.split('\n').filter((line) => line.startsWith('senti:'))).toEqual([
      expect.stringMatching(
        /^senti: training was cancelled \(Ctrl-C\) \(the checkpoints of the finished epochs are kept: continue with .*train --resume .*run-interrupted\)$/,
      ),
    ]);
    expect(interrupted.stderr).not.toMatch(/\n\s+at |unexpected error/);
    expect(existsSync(join(interruptedDir, 'report.txt'))).toBe(false);
    const continued = await runCli(['train', '--resume', interruptedDir], { env: env() });
    expect(continued.code, continued.stderr).toBe(0);
    expect(await history('run-interrupted')).toBe(await history('run-whole'));
  });

  it('a diverged run (--lr 1e300) stops with one line and exit 1, and leaves no model', async () => {
    const data = join(dir, 'diverge.csv');
    await writeFile(data, syntheticReviewsCsv({ rows: 200, classes: ['negative', 'positive'], seed: 8 }));
    const out = join(dir, 'run-diverged');
    const result = await runCli(
      [
        'train',
        '--data',
        data,
        '--model',
        TINY_BERT,
        '--pooling',
        'mean',
        '--lr',
        '1e300',
        '--epochs',
        '3',
        '--out',
        out,
      ],
      { env: env() },
    );
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(
      /^senti: training diverged: the (training|validation) loss is (NaN|Infinity) after epoch 1 \(the learning rate is too high for these features; lower it\)$/m,
    );
    expect(existsSync(join(out, 'model'))).toBe(false);
    expect(existsSync(out)).toBe(false);
  });
});
