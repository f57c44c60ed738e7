import { MetricsError } from '@senti/errors';
import { checkNumClasses, toLabelArray } from './validate-labels.js';

/** Area under the ROC curve of one class against the rest, as the Mann–Whitney U statistic (ties count one half). */
export function binaryAuc(isPositive: readonly boolean[], scores: readonly number[]): number {
  const order = scores.map((_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let positives = 0;
  let positiveRankSum = 0;
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1] as number] === scores[order[start] as number]) end++;
    const averageRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) {
      if (isPositive[order[k] as number]) {
        positives++;
        positiveRankSum += averageRank;
      }
    }
    start = end + 1;
  }
  const negatives = order.length - positives;
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * ROC-AUC of class probabilities (`probabilities` row-major [n, numClasses]): for two classes the AUC of class 1's
 * probability; for more, the one-vs-rest macro average (scikit-learn `roc_auc_score(multi_class='ovr')`).
 */
export function rocAuc(yTrue: ArrayLike<number>, probabilities: ArrayLike<number>, numClasses: number): number {
  checkNumClasses(numClasses);
  if (numClasses < 2)
    throw new MetricsError(
      'METRICS_BAD_OPTION',
      `numClasses is ${numClasses}; ROC-AUC needs at least 2 classes`,
      'usage',
    );
  const labels = toLabelArray(yTrue, 'yTrue');
  if (labels.length === 0) throw new MetricsError('METRICS_EMPTY_INPUT', 'yTrue is empty; expected at least one label');
  if (probabilities.length !== labels.length * numClasses) {
    throw new MetricsError(
      'METRICS_LENGTH_MISMATCH',
      `probabilities has ${probabilities.length} values; expected ${labels.length} rows x ${numClasses} classes = ${labels.length * numClasses}`,
    );
  }
  const counts = new Array<number>(numClasses).fill(0);
  for (const label of labels) {
    if (label >= numClasses)
      throw new MetricsError('METRICS_LABEL_OUT_OF_RANGE', `label ${label} is out of range for ${numClasses} classes`);
    counts[label] = (counts[label] as number) + 1;
  }
  const absent = counts.findIndex((count) => count === 0);
  if (absent >= 0) {
    throw new MetricsError(
      'METRICS_CLASS_ABSENT',
      `class ${absent} does not occur in yTrue; ROC-AUC needs every class present`,
    );
  }
  for (let i = 0; i < probabilities.length; i++) {
    if (!Number.isFinite(probabilities[i])) {
      throw new MetricsError(
        'METRICS_BAD_SCORE',
        `probabilities[${i}] is ${String(probabilities[i])}; expected a finite number`,
      );
    }
  }
  const column = (c: number): number[] => labels.map((_, i) => Number(probabilities[i * numClasses + c]));
  if (numClasses === 2)
    return binaryAuc(
      labels.map((label) => label === 1),
      column(1),
    );
  let sum = 0;
  for (let c = 0; c < numClasses; c++)
    sum += binaryAuc(
      labels.map((label) => label === c),
      column(c),
    );
  return sum / numClasses;
}
