import { MetricsError } from '@senti/errors';
import { checkNumClasses, largestOf, toLabelPair } from './validate-labels.js';

/** Counts `[true][predicted]` pairs (rows: true class, columns: predicted class); `numClasses` defaults to the largest label + 1. */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses?: number): number[][] {
  const pair = toLabelPair(yTrue, yPred);
  const largest = Math.max(largestOf(pair.yTrue), largestOf(pair.yPred));
  const size = numClasses ?? largest + 1;
  checkNumClasses(size);
  if (largest >= size) {
    throw new MetricsError(
      'METRICS_LABEL_OUT_OF_RANGE',
      `label ${largest} is out of range for ${size} classes; expected labels 0..${size - 1}`,
    );
  }
  const matrix = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  pair.yTrue.forEach((actual, i) => {
    const row = matrix[actual] as number[];
    const predicted = pair.yPred[i] as number;
    row[predicted] = (row[predicted] as number) + 1;
  });
  return matrix;
}
