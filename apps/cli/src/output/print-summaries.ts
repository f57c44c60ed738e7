import { formatConfusionMatrix, formatReport, type ClassificationReport } from '@senti/metrics';
import { classCounts as labelCounts } from '@senti/data';
import { type FineTuneSettings, type MaxLengthChoice, type PreparedSplits } from '@senti/train';
import type { ConsoleOutput } from './console-output.js';
import { textHistogram } from './text-histogram.js';
import { textTable } from './text-table.js';

/** Prints what was read, what cleaning dropped, the split sizes per label and the class weights. */
export function printDataSummary(
  output: ConsoleOutput,
  settings: Pick<FineTuneSettings, 'data'>,
  splits: PreparedSplits,
): void {
  const data = typeof settings.data === 'string' ? settings.data : `${settings.data.length} in-memory rows`;
  output.section(`Data: ${data} (text column "${splits.textColumn}", label column "${splits.labelColumn}")`);
  for (const summary of splits.cleaning) {
    const dropped = [
      summary.emptyTextDropped > 0 ? `${summary.emptyTextDropped} empty text` : '',
      summary.missingLabelDropped > 0 ? `${summary.missingLabelDropped} missing label` : '',
      summary.duplicatesDropped > 0 ? `${summary.duplicatesDropped} duplicates` : '',
    ].filter(Boolean);
    output.line(
      `  ${summary.path}: ${summary.rowsRead} rows read, ${summary.rowsKept} kept${dropped.length ? ` (dropped ${dropped.join(', ')})` : ''}`,
    );
    if (summary.conflictingDuplicates > 0) output.line(`  ${conflictWarning(summary.conflictingDuplicates)}`);
  }
  // The same text in train and in validation or test: those rows are scored on texts the head has seen.
  const trainTexts = new Set(splits.train.texts);
  const seen = (['val', 'test'] as const)
    .map((name) => [name, splits[name].texts.filter((text) => trainTexts.has(text)).length] as const)
    .filter(([, count]) => count > 0);
  if (seen.length > 0) {
    output.line(
      `  warning: ${seen.map(([name, count]) => `${count} ${name === 'val' ? 'validation' : 'test'} text${count === 1 ? '' : 's'}`).join(' and ')} also appear${seen.length === 1 && seen[0]![1] === 1 ? 's' : ''} in the training split (the same text under another label): scores on them are not on unseen text`,
    );
  }
  const numClasses = splits.labelNames.length;
  if (splits.record.origin === 'whole') {
    const counts = labelCounts(splits.train.labels, numClasses);
    output.section(
      'Classes (no split: every row is held out by one fold)',
      indent(
        textTable(
          ['label', 'rows'],
          [
            ...splits.labelNames.map((name, index) => [name, counts[index] ?? 0]),
            ['total', splits.train.labels.length],
          ],
        ),
      ),
    );
    return;
  }
  const counts = (['train', 'val', 'test'] as const).map((name) => labelCounts(splits[name].labels, numClasses));
  const rows = splits.labelNames.map((name, index) => [
    name,
    ...counts.map((split) => split[index] ?? 0),
    round(splits.classWeights[index] ?? 0),
  ]);
  const totals = ['total', ...counts.map((split) => split.reduce((sum, count) => sum + count, 0)), ''];
  const how =
    splits.record.origin === 'split'
      ? `stratified 70/15/15 split, seed ${splits.record.seed}`
      : 'splits from --val and --test';
  output.section(
    `Splits (${how})`,
    indent(textTable(['label', 'train', 'val', 'test', 'class weight'], [...rows, totals])),
  );
}

/** The warning for rows whose exact text also appears with another label. */
export function conflictWarning(rows: number): string {
  return `warning: ${rows} rows share their exact text with a row of another label (conflicting duplicates, all kept): no model can get them all right`;
}

/** Prints token-length percentiles and the histogram with the chosen padding length marked. */
export function printLengthSummary(output: ConsoleOutput, choice: MaxLengthChoice, which = 'the training texts'): void {
  const { statistics } = choice;
  const n = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(1));
  output.section(`Token lengths of ${which} (with [CLS] and [SEP])`);
  output.line(
    `  min ${n(statistics.min)}  p50 ${n(statistics.p50)}  p90 ${n(statistics.p90)}  p95 ${n(statistics.p95)}  p99 ${n(statistics.p99)}  max ${n(statistics.max)}`,
  );
  output.line(
    indent(
      textHistogram(choice.bins, {
        width: 78,
        marker: choice.maxLength,
        markerLabel: `max length ${choice.maxLength}`,
      }),
    ),
  );
  const how =
    choice.mode === 'auto'
      ? `chosen to cover ${Math.round(choice.targetCoverage * 100)}% of texts`
      : choice.mode === 'capped'
        ? `${choice.requested} was asked, capped at the model's limit of ${choice.modelMaxLength} tokens`
        : 'as given';
  output.line(
    `  padding length ${choice.maxLength} (${how}): ${(choice.coverage * 100).toFixed(1)}% of ${which} fit untruncated`,
  );
}

/** Prints the sklearn-format classification report and the confusion matrix. */
export function printTestReport(
  output: ConsoleOutput,
  report: ClassificationReport,
  matrix: number[][],
  auc: number | null,
): void {
  output.section('Classification report (test split, best-validation weights)');
  output.line(formatReport(report).replace(/\n$/, ''));
  if (auc !== null) output.line(`ROC-AUC: ${auc.toFixed(4)}`);
  output.section(
    'Confusion matrix (rows: true, columns: predicted)',
    indent(formatConfusionMatrix(matrix, report.labels)),
  );
}

function indent(text: string): string {
  return text
    .replace(/\n+$/, '')
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
