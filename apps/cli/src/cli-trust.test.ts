import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, TINY_BERT } from './testing/run-cli.js';

// Issue #21 through the command line: calibration, abstention, k-fold and the label audit, each with --json.
let dir: string;
let data: string;
const flippedRows = [3, 10, 17];
const cues = ['terrible', 'excellent'];
const fillers = [
  'the',
  'movie',
  'was',
  'and',
  'a',
  'story',
  'with',
  'some',
  'people',
  'in',
  'it',
  'very',
  'long',
  'day',
  'city',
];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'senti-trust-cli-'));
  data = join(dir, 'cues.csv');
  // 300 rows, the label decided by one cue word among fillers (the tiny BERT with mean pooling separates them); 3 labels flipped.
  const lines = Array.from({ length: 300 }, (_, index) => {
    const label = index % 2;
    const words = [0, 1, 2, 3].map((offset) => fillers[(index * 7 + offset * 5) % fillers.length]!);
    words.splice(index % 5, 0, cues[label]!);
    const given = flippedRows.includes(index + 1) ? 1 - label : label;
    return `${words.join(' ')} ${index},${given},id${index + 1}`;
  });
  await writeFile(data, `sentence,label,id\n${lines.join('\n')}\n`);
});

const common = [
  '--model',
  TINY_BERT,
  '--pooling',
  'mean',
  '--dtype',
  'fp32',
  '--lr',
  '3e-3',
  '--epochs',
  '6',
  '--offline',
];
// Several CLI runs in one test: a loaded machine needs more than the default minute (no timing is asserted).
const SLOW = { timeout: 300_000 };

describe('senti train, predict and evaluate with calibration and abstention', () => {
  it(
    'calibrates, cross-validates, picks a threshold and writes the plots; predict and evaluate abstain with it',
    async () => {
      const out = join(dir, 'run');
      const env = { SENTI_CACHE_DIR: join(dir, 'cache') };
      const trained = await runCli(
        ['train', '--data', data, ...common, '--kfold', '3', '--target-accuracy', '0.9', '--out', out, '--json'],
        { env },
      );
      expect(trained.code, trained.stderr).toBe(0);
      const summary = JSON.parse(trained.stdout) as {
        calibration: { temperature: number; eceBefore: number; eceAfter: number };
        abstention: { threshold: number };
        crossValidation: { k: number; mean: { accuracy: number } };
      };
      expect(summary.calibration.temperature).toBeGreaterThan(0);
      expect(summary.crossValidation.k).toBe(3);
      expect(trained.stderr).toMatch(/ECE \(15 bins\): \d\.\d{4} -> \d\.\d{4}/);
      expect(trained.stderr).toMatch(/Cross-validation \(3 folds\): accuracy \d\.\d{4} ± \d\.\d{4}/);
      for (const file of ['calibration.svg', 'calibration.png', 'risk-coverage.svg', 'risk-coverage.png'])
        expect(existsSync(join(out, file)), file).toBe(true);
      const metrics = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8')) as Record<
        string,
        { folds?: unknown[]; table?: unknown[] } & Record<string, unknown>
      >;
      expect(Object.keys(metrics.calibration!)).toEqual(
        expect.arrayContaining([
          'temperature',
          'eceBefore',
          'eceAfter',
          'brierBefore',
          'brierAfter',
          'multiclassBrierBefore',
          'multiclassBrierAfter',
        ]),
      );
      expect(trained.stderr).toMatch(/Brier \(sklearn brier_score_loss, 0-1\): \d\.\d{4} -> \d\.\d{4}/);
      expect(metrics.crossValidation!.folds).toHaveLength(3);
      expect(metrics.riskCoverage!.table!.length).toBeGreaterThan(5);

      const predicted = await runCli(
        ['predict', '--model-dir', out, '--offline', '--abstain-below', '1', 'the terrible day', '--json'],
        { env },
      );
      expect(predicted.code, predicted.stderr).toBe(0);
      expect(JSON.parse(predicted.stdout)).toEqual([
        expect.objectContaining({ text: 'the terrible day', label: null, abstained: true }),
      ]);
      const csv = await runCli(
        ['predict', '--model-dir', out, '--offline', '--abstain-below', '1', 'the terrible day', '--format', 'csv'],
        { env },
      );
      expect(csv.stdout.split('\n')[0]).toBe('text,predicted_label,predicted_score,abstained,p_0,p_1');
      expect(csv.stdout.split('\n')[1]).toMatch(/^the terrible day,,0\.\d+,true,/);

      const evaluated = await runCli(
        ['evaluate', '--model-dir', out, '--offline', '--target-accuracy', '0.9', '--abstain-below', '0.6', '--json'],
        { env },
      );
      expect(evaluated.code, evaluated.stderr).toBe(0);
      const evaluation = JSON.parse(evaluated.stdout) as {
        calibration: { ece: number };
        chosenThreshold: { threshold: number };
        abstained: { threshold: number; coverage: number };
      };
      expect(evaluation.calibration.ece).toBeGreaterThanOrEqual(0);
      expect(evaluation.chosenThreshold.threshold).toBeGreaterThanOrEqual(0);
      expect(evaluation.abstained.threshold).toBe(0.6);
    },
    SLOW,
  );
});

describe('senti audit', () => {
  it(
    'writes only the flagged rows with every input column, prints the summary and gives one JSON document',
    async () => {
      const out = join(dir, 'audit');
      const result = await runCli(['audit', '--data', data, ...common, '--folds', '3', '--out', out, '--json'], {
        env: { SENTI_CACHE_DIR: join(dir, 'cache') },
      });
      expect(result.code, result.stderr).toBe(0);
      const audit = JSON.parse(result.stdout) as {
        rows: number;
        flagged: number;
        file: string;
        issues: { row: number; givenLabel: string; suggestedLabel: string }[];
        estimatedNoiseRate: number;
        estimatedIssues: number;
        joint: Record<string, Record<string, number>>;
        warnings: unknown[];
      };
      expect(audit.rows).toBe(300);
      // #28 item 15: the estimated noise rate (3 of 300 labels flipped), the joint it comes from, and no warning.
      expect(audit.estimatedNoiseRate).toBeCloseTo(audit.estimatedIssues / 300, 12);
      expect(audit.estimatedNoiseRate).toBeLessThan(0.05);
      expect(audit.joint['0']!['1']! + audit.joint['1']!['0']!).toBeCloseTo(audit.estimatedNoiseRate, 12);
      expect(audit.warnings).toEqual([]);
      expect(result.stderr).toContain(
        `estimated noise rate ${(audit.estimatedNoiseRate * 100).toFixed(1)}% (about ${audit.estimatedIssues} of 300 labels wrong)`,
      );
      expect(audit.issues).toHaveLength(audit.flagged);
      expect(audit.issues.filter((issue) => flippedRows.includes(issue.row)).length).toBeGreaterThanOrEqual(2);
      expect(result.stderr).toMatch(new RegExp(`Label audit: ${audit.flagged} of 300 rows flagged`));
      const lines = (await readFile(join(out, 'label-issues.csv'), 'utf8')).trim().split('\n');
      expect(lines[0]).toBe(
        'sentence,label,id,given_label,suggested_label,p_given,p_suggested,row,words_for_suggested',
      );
      expect(lines).toHaveLength(audit.flagged + 1);
      for (const line of lines.slice(1)) {
        const cells = line.split(',');
        expect(cells[2]).toBe(`id${cells.at(-2)}`); // the row number points at the input row
        expect(cells.at(-1)).toMatch(/^([\p{L}\p{N}'’]+\(\+\d\.\d\d\)( |$))*$/u); // the words behind the suggestion
      }
    },
    SLOW,
  );

  it(
    'labels the texts do not predict: one warning that the flags are unreliable, also in --json (#28 item 15)',
    async () => {
      // The cue words with labels drawn at random: out-of-fold accuracy stays near 0.5, the majority class's share.
      const random = (index: number) => ((index * 2654435761) >>> 7) % 2;
      const lines = Array.from(
        { length: 120 },
        (_, index) =>
          `${cues[index % 2]} ${fillers[index % fillers.length]} ${fillers[(index * 3) % fillers.length]} ${index},${random(index)}`,
      );
      const file = join(dir, 'unlearnable.csv');
      await writeFile(file, `sentence,label\n${lines.join('\n')}\n`);
      const result = await runCli(
        [
          'audit',
          '--data',
          file,
          ...common,
          '--epochs',
          '2',
          '--folds',
          '2',
          '--out',
          join(dir, 'audit-chance'),
          '--json',
        ],
        { env: { SENTI_CACHE_DIR: join(dir, 'cache') } },
      );
      expect(result.code, result.stderr).toBe(0);
      const audit = JSON.parse(result.stdout) as {
        outOfFoldAccuracy: number;
        majorityClassAccuracy: number;
        warnings: { code: string; message: string }[];
      };
      expect(audit.warnings.map((warning) => warning.code)).toEqual(['near-chance']);
      expect(result.stderr.split('\n').filter((line) => line.includes('warning:'))).toEqual([
        `  warning: ${audit.warnings[0]!.message}`,
      ]);
      expect(audit.warnings[0]!.message).toMatch(
        /^the flags are unreliable: out-of-fold accuracy \d\.\d{3} is not clearly above 0\.\d{3}, what always answering "[01]" gets/,
      );
    },
    SLOW,
  );

  it(
    'Ctrl-C during the folds: one line, exit 130, no --out directory left',
    async () => {
      const out = join(dir, 'audit-interrupted');
      let sent = false;
      // 40 epochs (the last --epochs wins): folds 2 and 3 take long enough that Ctrl-C lands in them on any machine.
      const result = await runCli(
        ['audit', '--data', data, ...common, '--epochs', '40', '--folds', '3', '--out', out],
        {
          env: { SENTI_CACHE_DIR: join(dir, 'cache') },
          onStdout: (text, kill) => {
            if (!sent && text.includes('fold 1/3')) {
              sent = true;
              kill('SIGINT');
            }
          },
        },
      );
      expect(sent).toBe(true);
      expect(result.code, result.stderr).toBe(130);
      expect(result.stderr.split('\n').filter((line) => line.startsWith('senti:'))).toEqual([
        'senti: the label audit was cancelled',
      ]);
      expect(result.stderr).not.toMatch(/\n\s+at |unexpected error/);
      expect(existsSync(out)).toBe(false);
    },
    SLOW,
  );
});
