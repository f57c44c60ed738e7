import { MetricsError } from '@senti/errors';
import { codePointLength, padLeft, padRight } from './python-format.js';

const CORNER = 'true \\ predicted';

/** Renders a confusion matrix as a terminal table with class names as row and column headers; ends with a newline. */
export function formatConfusionMatrix(matrix: number[][], labelNames: readonly string[]): string {
  const size = labelNames.length;
  if (matrix.length !== size || matrix.some((row) => row.length !== size)) {
    throw new MetricsError(
      'METRICS_SHAPE_MISMATCH',
      `confusion matrix is not ${size}x${size}; expected one row and column per label name`,
      'usage',
    );
  }
  const firstWidth = Math.max(codePointLength(CORNER), ...labelNames.map(codePointLength));
  const columnWidths = labelNames.map((name, column) =>
    Math.max(codePointLength(name), ...matrix.map((row) => String(row[column]).length)),
  );
  const line = (first: string, cells: string[]): string =>
    `${padRight(first, firstWidth)}${cells.map((cell, i) => `  ${padLeft(cell, columnWidths[i] as number)}`).join('')}`.trimEnd() +
    '\n';
  return (
    line(CORNER, [...labelNames]) + matrix.map((row, i) => line(labelNames[i] as string, row.map(String))).join('')
  );
}
