// Stdin, pipes and FIFOs are read once and parsed from the bytes read (issue #23 item 9, #22 item 11); a full disk
// is an error, not "wrote 200 rows" (item 5); an abandoned run directory is reused (item 8).
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, constants, createReadStream, createWriteStream, existsSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticReviewsCsv } from '@senti/fixtures';
import { runInProcess } from './testing/run-in-process.js';
import { TINY_BERT } from './testing/run-cli.js';

let dir: string;
let data: string;
const model = () => join(dir, 'run');

/** A named pipe that receives `content` once a reader opens it (opening it for writing waits for that reader). */
function fifoWith(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  createWriteStream(path).end(content);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'senti-stdin-'));
  data = join(dir, 'reviews.csv');
  await writeFile(data, syntheticReviewsCsv({ rows: 200, classes: ['negative', 'positive'], seed: 5 }));
  const trained = await runInProcess([
    'train',
    '--data',
    data,
    '--model',
    TINY_BERT,
    '--offline',
    '--epochs',
    '1',
    '--cache-dir',
    join(dir, 'cache'),
    '--out',
    model(),
  ]);
  expect(trained.code, trained.stderr).toBe(0);
}, 300_000);

describe('stdin and FIFOs', { timeout: 300_000 }, () => {
  it('plain text lines on stdin are one text per line when no known header is present', async () => {
    const run = await runInProcess(
      ['predict', '--model-dir', model(), '--offline', '--input', '-', '--output', '-'],
      'what a great film\ndull and far too long\n',
    );
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('text,predicted_label,predicted_score,p_negative,p_positive');
    expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(['what a great film', 'dull and far too long']);
  });

  it('an ASCII CSV on stdin is read once (no "header but no data rows"), and --encoding applies to stdin', async () => {
    const ascii = await runInProcess(
      ['predict', '--model-dir', model(), '--offline', '--input', '-', '--output', '-'],
      'id,sentence\n1,fine\n2,awful\n',
    );
    expect(ascii.code, ascii.stderr).toBe(0);
    expect(ascii.stdout.trim().split('\n')).toHaveLength(3);
    const cp1252 = Buffer.concat([
      Buffer.from('sentence\n'),
      Buffer.from([0x93]),
      Buffer.from('superb'),
      Buffer.from([0x94]),
      Buffer.from('\n'),
    ]);
    const decoded = await runInProcess(
      ['predict', '--model-dir', model(), '--offline', '--input', '-', '--encoding', 'cp1252', '--output', '-'],
      cp1252,
    );
    expect(decoded.code, decoded.stderr).toBe(0);
    expect(decoded.stdout.split('\n')[1]).toMatch(/^“superb”,/);
    const empty = await runInProcess(['predict', '--model-dir', model(), '--offline', '--input', '-'], ' \n');
    expect([empty.code, empty.stderr.trim()]).toEqual([
      1,
      'senti: stdin is empty; expected a CSV with a header or one text per line',
    ]);
  });

  it('--input FIFO and --data FIFO are read once instead of hanging', async () => {
    const predicted = await runInProcess([
      'predict',
      '--model-dir',
      model(),
      '--offline',
      '--input',
      fifoWith('texts.csv', 'sentence\nlovely\n'),
      '--output',
      '-',
    ]);
    expect(predicted.code, predicted.stderr).toBe(0);
    expect(predicted.stdout.split('\n')[1]).toMatch(/^lovely,/);
    const trained = await runInProcess([
      'train',
      '--data',
      fifoWith('data.csv', await readFile(data)),
      '--model',
      TINY_BERT,
      '--offline',
      '--epochs',
      '1',
      '--cache-dir',
      join(dir, 'cache'),
      '--out',
      join(dir, 'from-fifo'),
      '--json',
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    expect(JSON.parse(trained.stdout)).toMatchObject({ testAccuracy: expect.any(Number) });
  });

  it('predict --output on a full device: one line "disk full", exit 1, never "wrote N rows"; a named pipe gets the CSV', async () => {
    if (!existsSync('/dev/full')) return;
    const full = await runInProcess([
      'predict',
      '--model-dir',
      model(),
      '--offline',
      '--output',
      '/dev/full',
      'what a great film',
      'dull',
    ]);
    expect(full.code, full.stderr).toBe(1);
    expect(full.stderr).toMatch(/^senti: cannot write \/dev\/full: disk full/);
    expect(full.stderr + full.stdout).not.toMatch(/wrote \d+ rows|unexpected error/);
    const pipe = join(dir, 'predictions-pipe');
    execFileSync('mkfifo', [pipe]);
    let received = '';
    const reading = new Promise<void>((resolve) =>
      createReadStream(pipe)
        .on('data', (chunk) => (received += chunk.toString()))
        .on('end', resolve),
    );
    const piped = await runInProcess(['predict', '--model-dir', model(), '--offline', '--output', pipe, 'lovely']);
    // Should predict have failed before opening the pipe, open and close it here so the reader ends instead of waiting.
    try {
      closeSync(openSync(pipe, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      /* the reader has already gone */
    }
    await reading;
    expect(piped.code, piped.stderr).toBe(0);
    expect(received.split('\n')[1]).toMatch(/^lovely,(negative|positive),/);
  });

  it('--out holding only the config.json of a run killed while encoding is reused; stale temporaries and its lock are removed', async () => {
    const out = join(dir, 'abandoned');
    await mkdir(out);
    await writeFile(
      join(out, 'config.json'),
      JSON.stringify({ settings: { data }, command: ['train'], createdAt: new Date().toISOString() }),
    );
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    await mkdir(join(out, `.model.tmp-${dead}-00aa11bb`));
    await writeFile(join(out, '.senti-run.lock'), `${dead}\n`); // the lock of the killed run: taken over
    const trained = await runInProcess([
      'train',
      '--data',
      data,
      '--model',
      TINY_BERT,
      '--offline',
      '--epochs',
      '1',
      '--cache-dir',
      join(dir, 'cache'),
      '--out',
      out,
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    const names = await readdir(out);
    expect(names).toContain('model');
    expect(names.filter((name) => name.startsWith('.'))).toEqual([]);
  });
});
