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
import { suggestionWordsCell, wordsBehindSuggestions, type KeptFoldHead, type SuggestionWord } from './explain-issues.js';

/** Options of {@link auditLabels}: the data, model and head settings of `fineTune` (no val/test), plus the folds. */
export type AuditLabelsOptions = Omit<FineTuneInput, 'val' | 'test' | 'kfold' | 'targetAccuracy' | 'calibrate' | 'unfreeze'> & {
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
  /** Per given class: rows and flagged rows. */
  perClass: Record<string, { rows: number; flagged: number }>;
  /** Accuracy of the out-of-fold predictions against the given labels. */
  outOfFoldAccuracy: number;
  /** Row-major `[rows, classes]` out-of-fold probabilities, in cleaned data order. */
  probabilities: Float32Array;
  cache: { hits: number; misses: number };
  seconds: { encode: number; folds: number; total: number };
}

/** Name of the file {@link saveLabelAudit} writes. */
export const LABEL_ISSUES_FILE = 'label-issues.csv';

/**
 * Finds likely label errors with confident learning: encodes every row once (feature cache), trains `folds` heads
 * on stratified folds, collects each row's out-of-fold probabilities and flags the rows whose given label the model
 * does not believe while it confidently believes another (the rule is {@link confidentLearning}'s).
 */
export async function auditLabels(options: AuditLabelsOptions): Promise<LabelAudit> {
  const { onEvent, folds: foldsOption, signal, ...input } = options;
  const emit = onEvent ?? (() => {});
  const folds = foldsOption ?? 5;
  const unknown = input as FineTuneInput;
  if (unknown.val !== undefined || unknown.test !== undefined) {
    throw new TrainError('TRAIN_BAD_OPTION', 'a label audit reads one data set (data); it takes no val or test', 'usage');
  }
  if (!Number.isInteger(folds) || folds < 2) throw new TrainError('TRAIN_BAD_OPTION', `folds is ${String(folds)}; expected an integer of at least 2`, 'usage');
  const run = await prepareRun({ ...input, unfreeze: 0 }, emit, signal);
  let prepared: PreparedFeatures;
  try {
    const { train, val, test } = run.splits;
    assertFoldsFit([...train.labels, ...val.labels, ...test.labels], folds, run.splits.labelNames, 'folds', 'the data');
    prepared = await encodeFeatures(run, emit, signal);
  } catch (error) {
    await run.encoder.dispose();
    throw error;
  }
  try {
    const { splits, features, encoder } = prepared;
    const indices = splits.record.indices!;
    const width = encoder.info.hiddenSize;
    // Back to the cleaned data's order: split position -> cleaned row.
    const order = [...indices.train, ...indices.val, ...indices.test];
    const rows = order.length;
    const labels = new Array<number>(rows);
    const allFeatures = new Float32Array(rows * width);
    let position = 0;
    for (const split of [features.train, features.val, features.test]) {
      for (let row = 0; row < split.labels.length; row++, position++) {
        labels[order[position]!] = split.labels[row]!;
        allFeatures.set(split.features.subarray(row * width, (row + 1) * width), order[position]! * width);
      }
    }
    const all: Split = { features: allFeatures, labels };
    const numClasses = splits.labelNames.length;
    const probabilities = new Float32Array(rows * numClasses);
    const foldsStarted = Date.now();
    const kept: KeptFoldHead[] = [];
    await forEachFoldHead(all, width, numClasses, prepared.settings, folds, async ({ fold, heldOut, head }) => {
      kept.push({ config: head.config, weights: await head.getWeights(), heldOut });
      const held = await head.predictProba(gatherRows(all.features, width, heldOut), heldOut.length);
      heldOut.forEach((row, index) => probabilities.set(held.subarray(index * numClasses, (index + 1) * numClasses), row * numClasses));
      emit({ type: 'audit-fold', fold, folds });
    }, signal, 'the label audit');
    const foldSeconds = secondsSince(foldsStarted);
    const raw = splits.input; // the rows of the first read: the file may have changed since, or be a pipe
    const { thresholds, flagged } = confidentLearning(labels, probabilities, numClasses);
    const names = splits.labelNames;
    const texts = order.map(() => '');
    for (const [split, start] of [[splits.train, 0], [splits.val, indices.train.length], [splits.test, indices.train.length + indices.val.length]] as const) {
      split.texts.forEach((text, row) => (texts[order[start + row]!] = text));
    }
    const issues = flagged.map((row): LabelIssue => ({
      row: raw.rowIndices[row.index]! + 1, text: texts[row.index]!, givenLabel: names[row.given]!, suggestedLabel: names[row.suggested]!,
      pGiven: row.pGiven, pSuggested: row.pSuggested, cells: raw.rows[raw.rowIndices[row.index]!]!,
    }));
    const words = await wordsBehindSuggestions(encoder, prepared.maxLength.maxLength, names, kept, flagged.map((row) => ({ index: row.index, text: texts[row.index]!, suggested: row.suggested })));
    issues.forEach((issue, position) => {
      if (words[position] !== undefined) issue.words = words[position];
    });
    let correct = 0;
    labels.forEach((label, row) => {
      let best = 0;
      for (let column = 1; column < numClasses; column++) if (probabilities[row * numClasses + column]! > probabilities[row * numClasses + best]!) best = column;
      if (best === label) correct++;
    });
    const perClass = Object.fromEntries(names.map((name, label) => [name, {
      rows: labels.filter((value) => value === label).length,
      flagged: flagged.filter((row) => row.given === label).length,
    }]));
    return {
      rows, folds, labelNames: names, columns: raw.columns,
      thresholds: Object.fromEntries(names.map((name, label) => [name, thresholds[label]!])),
      issues, perClass, outOfFoldAccuracy: correct / rows, probabilities,
      cache: { hits: prepared.cache.hits, misses: prepared.cache.misses },
      seconds: { encode: prepared.seconds.encode, folds: foldSeconds, total: secondsSince(prepared.started) },
    };
  } finally {
    await prepared.encoder.dispose();
  }
}

/** Writes `label-issues.csv` into `dir`: only the flagged rows, most likely first, every input column plus given_label, suggested_label, p_given, p_suggested, row, words_for_suggested. */
export async function saveLabelAudit(audit: LabelAudit, dir: string): Promise<string> {
  const target = resolve(dir);
  await mkdir(target, { recursive: true });
  const file = join(target, LABEL_ISSUES_FILE);
  const header = [...audit.columns, 'given_label', 'suggested_label', 'p_given', 'p_suggested', 'row', 'words_for_suggested'];
  await writeFileAtomic(file, formatCsv(header, audit.issues.map((issue) => [...issue.cells, issue.givenLabel, issue.suggestedLabel, issue.pGiven, issue.pSuggested, issue.row, suggestionWordsCell(issue.words)])));
  return file;
}
