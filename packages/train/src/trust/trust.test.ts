import { writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CUE_WORDS, syntheticReviewRows, TINY_BERT } from '@senti/fixtures';
import { readManifest } from '@senti/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fineTune, type FineTuneResult } from '../fine-tune/fine-tune.js';
import { resolveSettings } from '../fine-tune/settings.js';
import { saveRun } from '../fine-tune/save-run.js';
import { auditLabels, saveLabelAudit } from './audit-labels.js';
import { flippedCueWordRows } from '../testing/trust-data.js';

const common = {
  model: TINY_BERT,
  offline: true,
  device: 'cpu',
  dtype: 'fp32',
  pooling: 'mean',
  learningRate: 3e-3,
  epochs: 10,
} as const;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'senti-trust-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('auditLabels on data with known label errors', () => {
  it('recovers most of 5% flipped labels with few false alarms, and writes only the flagged rows', async () => {
    const { rows, flipped } = flippedCueWordRows(1000, 0.05, 31);
    const folds: number[] = [];
    const audit = await auditLabels({
      data: rows,
      ...common,
      folds: 5,
      cacheDir: join(dir, 'cache'),
      onEvent: (event) => {
        if (event.type === 'audit-fold') folds.push(event.fold);
      },
    });
    expect(folds).toEqual([1, 2, 3, 4, 5]);
    expect(audit.rows).toBe(rows.length);
    const found = audit.issues.filter((issue) => flipped.has(issue.row - 1)).length;
    const precision = found / audit.issues.length;
    const recall = found / flipped.size;
    // #28 item 15: pruning by the estimated noise count (cleanlab's default) found 47 of the 50 flips with 54 flags
    // (recall 0.94, precision 0.87); the old rule "p_i < t_i and p_j >= t_j" found 41 with 42 flags (recall 0.82).
    expect(recall).toBeGreaterThanOrEqual(0.85);
    expect(precision).toBeGreaterThanOrEqual(0.85);
    expect(audit.estimatedNoiseRate).toBeGreaterThan(0.03); // measured 0.054 (54 of 1000 rows); 50 were flipped
    expect(audit.estimatedNoiseRate).toBeLessThan(0.08);
    expect(audit.estimatedIssues).toBe(Math.round(audit.estimatedNoiseRate * 1000));
    expect(audit.warnings).toEqual([]);
    for (const issue of audit.issues) {
      expect(issue.cells).toEqual([rows[issue.row - 1]!.text, rows[issue.row - 1]!.label]);
      expect(issue.suggestedLabel).not.toBe(issue.givenLabel);
    }
    const margins = audit.issues.map((issue) => issue.pSuggested - issue.pGiven);
    expect(margins).toEqual([...margins].sort((a, b) => b - a));
    expect(audit.perClass.negative!.flagged + audit.perClass.positive!.flagged).toBe(audit.issues.length);

    const file = await saveLabelAudit(audit, join(dir, 'audit'));
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('text,label,given_label,suggested_label,p_given,p_suggested,row,words_for_suggested');
    expect(lines).toHaveLength(audit.issues.length + 1);
    const first = audit.issues[0]!;
    expect(
      lines[1]!.endsWith(
        `,${first.row},${first.words!.map((word) => `${word.word}(+${word.score.toFixed(2)})`).join(' ')}`,
      ),
    ).toBe(true);

    // The words behind a suggestion on a flipped row: the cue word that decides the true label comes first.
    const cues = new Set(Object.values(CUE_WORDS).flat());
    const flippedIssues = audit.issues.filter((issue) => flipped.has(issue.row - 1));
    const cueFirst = flippedIssues.filter((issue) => cues.has(issue.words?.[0]?.word ?? '')).length;
    expect(cueFirst / flippedIssues.length).toBeGreaterThanOrEqual(0.9);
    for (const issue of audit.issues)
      for (const word of issue.words ?? []) expect(issue.text.slice(word.start, word.end)).toBe(word.word);
  });

  it('quotes the rows of its one read of the file: rewriting the file during the audit changes nothing (#28 item 3)', async () => {
    const { rows } = flippedCueWordRows(200, 0.1, 7);
    const file = join(dir, 'audited.csv');
    const csv = (list: typeof rows) => `text,label\n${list.map((row) => `${row.text},${row.label}`).join('\n')}\n`;
    await writeFile(file, csv(rows));
    const audit = await auditLabels({
      data: file,
      ...common,
      epochs: 4,
      folds: 2,
      cacheDir: join(dir, 'cache-reread'),
      // Re-sorted and shrunk once the audit is under way: a second read would pair flags with other rows (or none).
      onEvent: (event) => {
        if (event.type === 'audit-fold' && event.fold === 1) writeFileSync(file, csv([...rows].reverse().slice(0, 20)));
      },
    });
    expect(audit.issues.length).toBeGreaterThan(0);
    for (const issue of audit.issues) {
      expect(issue.cells).toEqual([rows[issue.row - 1]!.text, rows[issue.row - 1]!.label]);
      expect(issue.text).toBe(rows[issue.row - 1]!.text);
    }
  });

  it('stops on its signal: an abort after the first fold rejects with TRAIN_ABORTED before the next fold', async () => {
    const { rows } = flippedCueWordRows(200, 0.05, 5);
    const controller = new AbortController();
    const folds: number[] = [];
    const audit = auditLabels({
      data: rows,
      ...common,
      epochs: 2,
      folds: 3,
      cacheDir: join(dir, 'cache-abort'),
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'audit-fold') {
          folds.push(event.fold);
          controller.abort();
        }
      },
    });
    await expect(audit).rejects.toMatchObject({ code: 'TRAIN_ABORTED', message: 'the label audit was cancelled' });
    expect(folds).toEqual([1]);
  });

  it('with labels the texts do not predict, warns once that the flags are unreliable, and why (#28 item 15)', async () => {
    // Row r's cue word follows r % 2; its label here follows floor(r / 2) % 2: half of each cue under each label.
    const rows = flippedCueWordRows(200, 0, 12).rows.map((row, index) => ({
      text: row.text,
      label: Math.floor(index / 2) % 2 ? 'positive' : 'negative',
    }));
    const audit = await auditLabels({
      data: rows,
      ...common,
      epochs: 4,
      folds: 2,
      cacheDir: join(dir, 'cache-chance'),
    });
    expect(audit.majorityClassAccuracy).toBe(0.5);
    expect(audit.outOfFoldAccuracy).toBeLessThan(0.5 + 2 * Math.sqrt(0.25 / 200));
    expect(audit.warnings).toEqual([
      {
        code: 'near-chance',
        message: expect.stringMatching(
          /^the flags are unreliable: out-of-fold accuracy 0\.\d{3} is not clearly above 0\.500, what always answering "(negative|positive)" gets \(it needs at least 0\.571, 2 standard errors more\), so the heads learned little/,
        ),
      },
    ]);
  });

  it('needs only what k-fold needs: a class of 3 rows with 3 folds, one of 2 rows with 2 folds; one row is refused (#28 item 15)', async () => {
    // The 70/15/15 split the audit never used refused these classes ("too few for a stratified 0.7/0.15/0.15 split").
    // 14 + 14 rows: with 2 folds each fold trains on 7 + 7 + 1 rare row, and the 7-fold inner validation deals the
    // rare row into its first fold, which would leave the fold's training without it (DATA_EMPTY_CLASS).
    const { rows } = flippedCueWordRows(28, 0, 13);
    const withRare = (count: number) => [
      ...rows,
      ...Array.from({ length: count }, (_, index) => ({ text: `a rare story number ${index}`, label: 'rare' })),
    ];
    const three = await auditLabels({
      data: withRare(3),
      ...common,
      epochs: 2,
      folds: 3,
      cacheDir: join(dir, 'cache-small'),
    });
    expect(three.perClass.rare).toMatchObject({ rows: 3 });
    expect(three.rows).toBe(31);
    const two = await auditLabels({
      data: withRare(2),
      ...common,
      epochs: 2,
      folds: 2,
      cacheDir: join(dir, 'cache-small'),
    });
    expect(two.perClass.rare).toMatchObject({ rows: 2 });
    await expect(
      auditLabels({ data: withRare(3), ...common, epochs: 2, folds: 4, cacheDir: join(dir, 'cache-small') }),
    ).rejects.toThrow(
      'folds is 4, but class "rare" has only 3 rows in the data; every fold needs a row of each class: use at most 3',
    );
    await expect(
      auditLabels({ data: withRare(1), ...common, epochs: 2, folds: 2, cacheDir: join(dir, 'cache-small') }),
    ).rejects.toThrow(
      'class "rare" has only 1 row in the data; k-fold needs at least 2 rows of each class (the fold holding a row out trains on the others): add rows of it or leave it out',
    );
  });

  it('rejects fewer than 2 folds and a val/test split', async () => {
    await expect(auditLabels({ data: [{ text: 'a', label: 0 }], folds: 1 })).rejects.toThrow(
      /folds is 1; expected an integer of at least 2/,
    );
    await expect(
      auditLabels({ data: [{ text: 'a', label: 0 }], ...({ val: 'v.csv', test: 't.csv' } as object) }),
    ).rejects.toThrow(/takes no val or test/);
  });
});

describe('fineTune with calibration, a target accuracy and k-fold', () => {
  let result: FineTuneResult;
  beforeAll(async () => {
    const { rows } = flippedCueWordRows(400, 0.05, 8);
    result = await fineTune({ data: rows, ...common, kfold: 4, targetAccuracy: 0.99, cacheDir: join(dir, 'cache') });
  });
  afterAll(async () => {
    await result?.model.dispose();
  });

  it('fits T on validation, applies it to every probability and stores it with the default threshold', async () => {
    const calibration = result.calibration!;
    expect(calibration.temperature).toBeGreaterThan(0);
    expect(calibration.valNllAfter).toBeLessThanOrEqual(calibration.valNllBefore);
    expect(result.model.head.temperature).toBe(calibration.temperature);
    expect(calibration.reliability.after).toHaveLength(15);
    const chosen = result.abstention.chosen!;
    expect(chosen.accuracy).toBeGreaterThanOrEqual(0.99);
    expect(result.abstention.table[0]).toMatchObject({ threshold: 0, coverage: 1, accuracy: result.report.accuracy });
    const { modelDir, runDir } = await saveRun(result, join(dir, 'run'));
    const manifest = await readManifest(modelDir);
    expect(manifest.calibration).toEqual({ method: 'temperature', temperature: calibration.temperature });
    expect(manifest.abstention).toEqual({ threshold: chosen.threshold, targetAccuracy: 0.99 });
    const metrics = JSON.parse(await readFile(join(runDir, 'metrics.json'), 'utf8'));
    expect(metrics.calibration).toMatchObject({
      temperature: calibration.temperature,
      eceBefore: calibration.eceBefore,
      eceAfter: calibration.eceAfter,
      brierBefore: calibration.brierBefore,
      brierAfter: calibration.brierAfter,
    });
    // Two classes: brier* is scikit-learn's brier_score_loss, half the multi-class sum (#28 item 23).
    expect(metrics.calibration.multiclassBrierBefore).toBeCloseTo(2 * calibration.brierBefore, 12);
    expect(metrics.calibration.multiclassBrierAfter).toBeCloseTo(2 * calibration.brierAfter, 12);
    expect(metrics.riskCoverage.table).toHaveLength(13);
    expect(metrics.crossValidation.folds).toHaveLength(4);
  });

  it('an unreachable target accuracy keeps the finished training: saved without a threshold, with a warning (#28 item 7)', async () => {
    const { rows } = flippedCueWordRows(240, 0, 9);
    const flip = (list: typeof rows) =>
      list.map((row) => ({ ...row, label: row.label === 'negative' ? 'positive' : 'negative' }));
    // The validation labels are the opposite of what the cue words teach: every confident validation answer is wrong.
    const warnings: string[] = [];
    const run = await fineTune({
      data: rows.slice(0, 160),
      val: flip(rows.slice(160, 200)),
      test: rows.slice(200),
      ...common,
      calibrate: false,
      targetAccuracy: 0.9,
      cacheDir: join(dir, 'cache'),
      onEvent: (event) => {
        if (event.type === 'warning') warnings.push(`${event.code}: ${event.message}`);
      },
    });
    try {
      expect(warnings).toEqual([
        expect.stringMatching(
          /^target-accuracy-unreached: no abstention threshold reaches accuracy 0\.9 on the validation split .*saved without a default threshold/,
        ),
      ]);
      expect(run.abstention.chosen).toBeUndefined();
      const { modelDir } = await saveRun(run, join(dir, 'run-unreached'));
      expect((await readManifest(modelDir)).abstention).toBeUndefined();
    } finally {
      await run.model.dispose();
    }
  });

  it('separable validation rows: no temperature floor of 0.01 but T = 1 and a warning; a threshold from few rows is flagged (#28 item 14)', async () => {
    const { rows } = flippedCueWordRows(240, 0, 9);
    const warnings: string[] = [];
    const run = await fineTune({
      data: rows,
      ...common,
      epochs: 60,
      learningRate: 2e-2,
      targetAccuracy: 0.9,
      cacheDir: join(dir, 'cache'),
      onEvent: (event) => {
        if (event.type === 'warning') warnings.push(event.code);
      },
    });
    try {
      expect(run.calibration?.unfitted).toBe('separable');
      expect(run.calibration?.temperature).toBe(1);
      expect(run.model.head.temperature).toBe(1);
      expect(warnings).toContain('calibration-separable');
      expect(run.abstention.chosen?.smallSample).toBe(true);
      expect(warnings).toContain('threshold-small-sample');
    } finally {
      await run.model.dispose();
    }
  });

  it('cross-validates over train + validation with stratified folds: per fold, mean and std', () => {
    const cv = result.crossValidation!;
    expect(cv.folds.map((fold) => fold.fold)).toEqual([1, 2, 3, 4]);
    expect(cv.folds.reduce((sum, fold) => sum + fold.rows, 0)).toBe(
      result.splits.train.texts.length + result.splits.val.texts.length,
    );
    expect(cv.mean.accuracy).toBeCloseTo(cv.folds.reduce((sum, fold) => sum + fold.accuracy, 0) / 4, 12);
    expect(cv.std.accuracy).toBeGreaterThanOrEqual(0);
    // 5% of the labels are wrong and the cue words decide the rest: held-out accuracy sits near 95%.
    expect(cv.mean.accuracy).toBeGreaterThan(0.85);
  });

  it("k-fold stops on the run's signal after the fold in progress (TRAIN_ABORTED)", async () => {
    const { rows } = flippedCueWordRows(200, 0.05, 6);
    const controller = new AbortController();
    const folds: number[] = [];
    const run = fineTune({
      data: rows,
      ...common,
      epochs: 2,
      kfold: 3,
      cacheDir: join(dir, 'cache-abort'),
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'cross-validation-fold') {
          folds.push(event.fold);
          controller.abort();
        }
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'TRAIN_ABORTED', message: 'cross-validation was cancelled' });
    expect(folds).toEqual([1]);
  });

  it('the tutorial preset does not calibrate; calibrate false turns it off', () => {
    expect(resolveSettings({ data: 'x.csv', preset: 'tutorial' }).calibrate).toBe(false);
    expect(resolveSettings({ data: 'x.csv' }).calibrate).toBe(true);
    expect(resolveSettings({ data: 'x.csv', calibrate: false }).calibrate).toBe(false);
  });

  it.each([
    [{ kfold: 1 }, /kfold expects .*got 1/],
    [{ kfold: 3, unfreeze: 1 }, /cannot be combined with unfreeze/],
    [{ targetAccuracy: 95 }, /targetAccuracy expects .*got 95/],
  ])('rejects %o before loading anything', async (settings, message) => {
    await expect(
      fineTune({ data: syntheticReviewRows({ rows: 10, classes: ['a', 'b'], seed: 1 }), ...common, ...settings }),
    ).rejects.toThrow(message);
  });
});
