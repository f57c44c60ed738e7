import { MetricsError } from '@senti/errors';
import type { ClassificationReport, ClassMetrics } from './classification-report.js';
import { codePointLength, formatFixed, padLeft } from './python-format.js';

/** Options for {@link formatReport}. */
export interface FormatReportOptions {
  /** Digits after the decimal point, as scikit-learn's `digits` (default 2). */
  digits?: number;
}

const HEADERS = ['precision', 'recall', 'f1-score', 'support'];
const LONGEST_AVERAGE_HEADING = 'weighted avg';

/** Renders the report as text byte-identical to scikit-learn's `classification_report(..., digits)`. */
export function formatReport(report: ClassificationReport, options: FormatReportOptions = {}): string {
  const digits = options.digits ?? 2;
  if (!Number.isInteger(digits) || digits < 0) {
    throw new MetricsError(
      'METRICS_BAD_OPTION',
      `digits is ${String(digits)}; expected a non-negative integer`,
      'usage',
    );
  }
  const nameWidth = report.labels.reduce((most, label) => Math.max(most, codePointLength(label)), -Infinity);
  const width = Math.max(nameWidth, LONGEST_AVERAGE_HEADING.length, digits);
  const cell = (text: string): string => ` ${padLeft(text, 9)}`;
  const row = (name: string, metrics: ClassMetrics): string =>
    `${padLeft(name, width)} ` +
    [metrics.precision, metrics.recall, metrics.f1].map((value) => cell(formatFixed(value, digits))).join('') +
    `${cell(String(metrics.support))}\n`;

  let text = `${padLeft('', width)} ${HEADERS.map(cell).join('')}\n\n`;
  report.labels.forEach((name, i) => {
    text += row(name, report.perClass[i] as ClassMetrics);
  });
  text += '\n';
  text += `${padLeft('accuracy', width)} ${cell('')}${cell('')}${cell(formatFixed(report.accuracy, digits))}${cell(String(report.total))}\n`;
  text += row('macro avg', report.macroAvg);
  text += row('weighted avg', report.weightedAvg);
  return text;
}
