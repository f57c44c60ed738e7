import { MetricsError } from '@senti/errors';
import { checkNumClasses, toLabelArray } from './validate-labels.js';

/**
 * Validates labels against a row-major `[n, numClasses]` matrix (probabilities or logits): not empty, the same number
 * of rows, labels in range, every value finite. Returns the labels as a plain array.
 */
export function checkRows(
  yTrue: ArrayLike<number>,
  values: ArrayLike<number>,
  numClasses: number,
  name: string,
): number[] {
  checkNumClasses(numClasses);
  const labels = toLabelArray(yTrue, 'yTrue');
  if (labels.length === 0) throw new MetricsError('METRICS_EMPTY_INPUT', 'yTrue is empty; expected at least one label');
  if (values.length !== labels.length * numClasses) {
    throw new MetricsError(
      'METRICS_LENGTH_MISMATCH',
      `${name} has ${values.length} values; expected ${labels.length} rows x ${numClasses} classes = ${labels.length * numClasses}`,
    );
  }
  for (const label of labels) {
    if (label >= numClasses)
      throw new MetricsError('METRICS_LABEL_OUT_OF_RANGE', `label ${label} is out of range for ${numClasses} classes`);
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]))
      throw new MetricsError('METRICS_BAD_SCORE', `${name}[${i}] is ${String(values[i])}; expected a finite number`);
  }
  return labels;
}

/** The most probable class of each row and its probability (first class wins a tie, like numpy's argmax). */
export function topClasses(
  probabilities: ArrayLike<number>,
  numClasses: number,
): { classes: number[]; confidences: number[] } {
  const rows = probabilities.length / numClasses;
  const classes: number[] = [];
  const confidences: number[] = [];
  for (let row = 0; row < rows; row++) {
    let best = 0;
    for (let column = 1; column < numClasses; column++) {
      if ((probabilities[row * numClasses + column] as number) > (probabilities[row * numClasses + best] as number))
        best = column;
    }
    classes.push(best);
    confidences.push(probabilities[row * numClasses + best] as number);
  }
  return { classes, confidences };
}
