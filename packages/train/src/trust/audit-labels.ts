import { join, resolve } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { formatCsv } from '@senti/data';
import { TrainError } from '@senti/errors';
import { writeFileAtomic } from '@senti/base';
import type { FineTuneEvent } from '../fine-tune/events.js';
import { encodeFeatures, prepareRun, secondsSince, type PreparedFeatures } from '../fine-tune/prepare-features.js';
import type { FineTuneInput } from '../fine-tune/settings.js';
import type { Split } from '../types.js';
import { confidentLearning } from './confident-learning.js';
import { assertFoldsFit, forEachFoldHead, gatherRows } from './fold-heads.js';
import {
  suggestionWordsCell,
  wordsBehindSuggestions,
  type KeptFoldHead,
  type SuggestionWord,
} from './explain-issues.js';

/** Options of {@link auditLabels}: the data, model and head settings of `fineTune` (no val/test), plus the folds. */
export type AuditLabelsOptions = Omit<
  FineTuneInput,
  'val' | 'test' | 'kfold' | 'targetAccuracy' | 'calibrate' | 'unfreeze'
> & {
  /** Number of stratified folds (each row's probabilities come from the head that did not see it). Default 5. */
  folds?: number;
  /**
   * Cancels the audit: it rejects with `TRAIN_ABORTED` between encoding batches, training steps or folds; the feature
   * cache keeps what was encoded, and nothing is written (the audit writes only through {@link saveLabelAudit}).
   */
  signal?: AbortSignal;
  /** Progress: the data, encoding and `audit-fold` events (never console output). */
  onEvent?: (event: FineTuneEvent | AuditFoldEvent) => void;
};

/** One fold of an audit finished. */
export interface AuditFoldEvent {
  type: 'audit-fold';
  fold: number;
  folds: number;
}

/** A row whose label is likely wrong. */
export interface LabelIssue {
  /** 1-based data row in the file (header and blank lines not counted); for in-memory rows, the 1-based index. */
  row: number;
  text: string;
  givenLabel: string;
  suggestedLabel: string;
  /** Out-of-fold probability of the given label. */
  pGiven: number;
  /** Out-of-fold probability of the suggested label. */
  pSuggested: number;
  /** The input row as read, one cell per input column. */
  cells: string[];
  /** The words that most raise p(suggested) under the head that held the row out, best first (the first 200 issues). */
  words?: SuggestionWord[];
}

/** What {@link auditLabels} found. */
export interface LabelAudit {
  /** Rows audited (after cleaning). */
  rows: number;
  folds: number;
  labelNames: string[];
  /** Input columns, in file order. */
  columns: string[];
  /** Per-class self-confidence threshold t_j (mean out-of-fold p_j over rows labelled j). */
  thresholds: Record<string, number>;
  /** Flagged rows, most likely label error first (largest p_suggested - p_given). */
  issues: LabelIssue[];
  /** Per given class: rows, flagged rows and the estimated number of rows whose label is wrong. */
  perClass: Record<string, { rows: number; flagged: number; estimatedWrong: number }>;
  /** Estimated share of rows whose given label is wrong: the off-diagonal of the estimated joint. */
  estimatedNoiseRate: number;
  /** Estimated number of rows whose given label is wrong (the flags are the ones of them the model is surest of). */
  estimatedIssues: number;
  /** Estimated joint distribution of (given label, true label): `joint[given][true]`, summing to 1. */
  joint: Record<string, Record<string, number>>;
  /** Accuracy of the out-of-fold predictions against the given labels. */
  outOfFoldAccuracy: number;
  /** Accuracy of always answering the most frequent class: the chance level the out-of-fold accuracy must beat. */
  majorityClassAccuracy: number;
  /** Why the flags may not be trusted (`near-chance`: the heads predict the labels hardly better than chance). */
  warnings: AuditWarning[];
  /** Row-major `[rows, classes]` out-of-fold probabilities, in cleaned data order. */
  probabilities: Float32Array;
  cache: { hits: number; misses: number };
  seconds: { encode: number; folds: number; total: number };
}

/** A reason not to trust an audit's flags. */
export interface AuditWarning {
  code: 'near-chance';
  /** One line for a person. */
  message: string;
}

/** Name of the file {@link saveLabelAudit} writes. */
export const LABEL_ISSUES_FILE = 'label-issues.csv';

/**
 * Finds likely label errors with confident learning: encodes every row once (feature cache), trains `folds` heads
 * on stratified folds of the whole data (no train/validation/test split: each class needs at least `folds` rows),
 * collects each row's out-of-fold probabilities, estimates how many labels are wrong and flags that many rows, those
 * the model most believes belong elsewhere ({@link confidentLearning}, cleanlab's default). Out-of-fold accuracy not
 * clearly above the majority class's share gives a `near-chance` warning: the flags are then mostly the model's noise.
 */
export async function auditLabels(options: AuditLabelsOptions): Promise<LabelAudit> {
  const { onEvent, folds: foldsOption, signal, ...input } = options;
  const emit = onEvent ?? (() => {});
  const folds = foldsOption ?? 5;
  const unknown = input as FineTuneInput;
  if (unknown.val !== undefined || unknown.test !== undefined) {
    throw new TrainError(
      'TRAIN_BAD_OPTION',
      'a label audit reads one data set (data); it takes no val or test',
      'usage',
    );
  }
  if (!Number.isInteger(folds) || folds < 2)
    throw new TrainError('TRAIN_BAD_OPTION', `folds is ${String(folds)}; expected an integer of at least 2`, 'usage');
  // No 70/15/15 split: the folds hold every row out once, so the whole data is one set.
  const run = await prepareRun({ ...input, unfreeze: 0 }, emit, signal, { whole: true });
  let prepared: PreparedFeatures;
  try {
    assertFoldsFit(run.splits.train.labels, folds, run.splits.labelNames, 'folds', 'the data');
    prepared = await encodeFeatures(run, emit, signal);
  } catch (error) {
    await run.encoder.dispose();
    throw error;
  }
  try {
    const { splits, features, encoder } = prepared;
    const width = encoder.info.hiddenSize;
    // The whole data in train, in the cleaned data's order.
    const all: Split = features.train;
    const labels = all.labels;
    const rows = labels.length;
    const texts = splits.train.texts;
    const numClasses = splits.labelNames.length;
    const probabilities = new Float32Array(rows * numClasses);
    const foldsStarted = Date.now();
    const kept: KeptFoldHead[] = [];
    await forEachFoldHead(
      all,
      width,
      numClasses,
      prepared.settings,
      folds,
      async ({ fold, heldOut, head }) => {
        kept.push({ config: head.config, weights: await head.getWeights(), heldOut });
        const held = await head.predictProba(gatherRows(all.features, width, heldOut), heldOut.length);
        heldOut.forEach((row, index) =>
          probabilities.set(held.subarray(index * numClasses, (index + 1) * numClasses), row * numClasses),
        );
        emit({ type: 'audit-fold', fold, folds });
      },
      signal,
      'the label audit',
    );
    const foldSeconds = secondsSince(foldsStarted);
    const raw = splits.input; // the rows of the first read: the file may have changed since, or be a pipe
    const learned = confidentLearning(labels, probabilities, numClasses);
    const { thresholds, flagged } = learned;
    const names = splits.labelNames;
    const issues = flagged.map((row): LabelIssue => ({
      row: raw.rowIndices[row.index]! + 1,
      text: texts[row.index]!,
      givenLabel: names[row.given]!,
      suggestedLabel: names[row.suggested]!,
      pGiven: row.pGiven,
      pSuggested: row.pSuggested,
      cells: raw.rows[raw.rowIndices[row.index]!]!,
    }));
    const words = await wordsBehindSuggestions(
      encoder,
      prepared.maxLength.maxLength,
      names,
      kept,
      flagged.map((row) => ({ index: row.index, text: texts[row.index]!, suggested: row.suggested })),
    );
    issues.forEach((issue, position) => {
      if (words[position] !== undefined) issue.words = words[position];
    });
    let correct = 0;
    labels.forEach((label, row) => {
      let best = 0;
      for (let column = 1; column < numClasses; column++)
        if (probabilities[row * numClasses + column]! > probabilities[row * numClasses + best]!) best = column;
      if (best === label) correct++;
    });
    const classRows = names.map((_, label) => labels.filter((value) => value === label).length);
    const perClass = Object.fromEntries(
      names.map((name, label) => [
        name,
        {
          rows: classRows[label]!,
          flagged: flagged.filter((row) => row.given === label).length,
          estimatedWrong: learned.calibratedJoint[label]!.reduce(
            (sum, count, truth) => sum + (truth === label ? 0 : count),
            0,
          ),
        },
      ]),
    );
    const outOfFoldAccuracy = correct / rows;
    const majority = Math.max(...classRows);
    const majorityClassAccuracy = majority / rows;
    const warnings: AuditWarning[] = [];
    const needed = learnedAccuracy(majorityClassAccuracy, rows);
    if (outOfFoldAccuracy < needed) {
      warnings.push({
        code: 'near-chance',
        message: `the flags are unreliable: out-of-fold accuracy ${outOfFoldAccuracy.toFixed(3)} is not clearly above ${majorityClassAccuracy.toFixed(3)}, what always answering "${names[classRows.indexOf(majority)]}" gets (it needs at least ${needed.toFixed(3)}, 2 standard errors more), so the heads learned little from these texts and their disagreements with the labels say little about the labels`,
      });
    }
    return {
      rows,
      folds,
      labelNames: names,
      columns: raw.columns,
      thresholds: Object.fromEntries(names.map((name, label) => [name, thresholds[label]!])),
      issues,
      perClass,
      estimatedNoiseRate: learned.noiseRate,
      estimatedIssues: learned.estimatedIssues,
      joint: Object.fromEntries(
        names.map((given, i) => [given, Object.fromEntries(names.map((truth, j) => [truth, learned.joint[i]![j]!]))]),
      ),
      outOfFoldAccuracy,
      majorityClassAccuracy,
      warnings,
      probabilities,
      cache: { hits: prepared.cache.hits, misses: prepared.cache.misses },
      seconds: { encode: prepared.seconds.encode, folds: foldSeconds, total: secondsSince(prepared.started) },
    };
  } finally {
    await prepared.encoder.dispose();
  }
}

/**
 * The accuracy out-of-fold predictions must reach to count as learned rather than chance: the majority class's share
 * `majority` plus two standard errors of an accuracy measured on `rows` rows, sqrt(m(1 - m) / n).
 */
export function learnedAccuracy(majority: number, rows: number): number {
  return majority + 2 * Math.sqrt((majority * (1 - majority)) / rows);
}

/** Writes `label-issues.csv` into `dir`: only the flagged rows, most likely first, every input column plus given_label, suggested_label, p_given, p_suggested, row, words_for_suggested. */
export async function saveLabelAudit(audit: LabelAudit, dir: string): Promise<string> {
  const target = resolve(dir);
  await mkdir(target, { recursive: true });
  const file = join(target, LABEL_ISSUES_FILE);
  const header = [
    ...audit.columns,
    'given_label',
    'suggested_label',
    'p_given',
    'p_suggested',
    'row',
    'words_for_suggested',
  ];
  await writeFileAtomic(
    file,
    formatCsv(
      header,
      audit.issues.map((issue) => [
        ...issue.cells,
        issue.givenLabel,
        issue.suggestedLabel,
        issue.pGiven,
        issue.pSuggested,
        issue.row,
        suggestionWordsCell(issue.words),
      ]),
    ),
  );
  return file;
}
