import { MetricsError } from '@senti/errors';
import { checkRows, topClasses } from './check-probabilities.js';

/** One confidence bin of a reliability diagram. */
export interface ReliabilityBin {
  /** The bin holds confidences in (lower, upper] (the first bin also holds 0). */
  lower: number;
  upper: number;
  /** Rows whose top probability falls in the bin. */
  count: number;
  /** Mean top probability of those rows (null when the bin is empty). */
  confidence: number | null;
  /** Share of those rows whose top class is the label (null when the bin is empty). */
  accuracy: number | null;
}

/** Expected calibration error and the reliability diagram it comes from. */
export interface CalibrationError {
  /** sum over bins of (count / n) * |accuracy - confidence|. */
  ece: number;
  bins: ReliabilityBin[];
}

/**
 * Expected calibration error with `bins` equal-width confidence bins (default 15, as in Guo et al. 2017): rows are
 * binned by their top probability into (i/B, (i+1)/B]; ECE = sum_b (n_b / n) * |acc_b - conf_b|.
 */
export function expectedCalibrationError(
  yTrue: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  numClasses: number,
  options: { bins?: number } = {},
): CalibrationError {
  const binCount = options.bins ?? 15;
  if (!Number.isInteger(binCount) || binCount < 1) {
    throw new MetricsError('METRICS_BAD_OPTION', `bins is ${String(binCount)}; expected a positive integer`, 'usage');
  }
  const labels = checkRows(yTrue, probabilities, numClasses, 'probabilities');
  const { classes, confidences } = topClasses(probabilities, numClasses);
  const counts = new Array<number>(binCount).fill(0);
  const confidenceSums = new Array<number>(binCount).fill(0);
  const correctCounts = new Array<number>(binCount).fill(0);
  confidences.forEach((confidence, row) => {
    const bin = binOf(confidence, binCount);
    counts[bin]! += 1;
    confidenceSums[bin]! += confidence;
    if (classes[row] === labels[row]) correctCounts[bin]! += 1;
  });
  let ece = 0;
  const bins = counts.map((count, index): ReliabilityBin => {
    const bin = { lower: index / binCount, upper: (index + 1) / binCount, count };
    if (count === 0) return { ...bin, confidence: null, accuracy: null };
    const confidence = confidenceSums[index]! / count;
    const accuracy = correctCounts[index]! / count;
    ece += (count / labels.length) * Math.abs(accuracy - confidence);
    return { ...bin, confidence, accuracy };
  });
  return { ece, bins };
}

/**
 * scikit-learn's `brier_score_loss` (with its default `scale_by_half='auto'`): for two classes the mean squared error
 * of the positive class's probability (class 1; 0 is perfect, 1 the worst); for three or more, {@link multiclassBrier}
 * (sklearn 1.7+ takes a probability matrix and sums over classes; older versions refuse more than two classes).
 */
export function brierScore(yTrue: ArrayLike<number>, probabilities: ArrayLike<number>, numClasses: number): number {
  const sum = multiclassBrier(yTrue, probabilities, numClasses);
  // Two classes: (p1 - y1)^2 and (p0 - y0)^2 are equal when p0 + p1 = 1, so half the sum is sklearn's binary score;
  // computed from the positive column alone, as sklearn does, so rows that do not sum to 1 agree too.
  if (numClasses !== 2) return sum;
  let total = 0;
  for (let row = 0; row < yTrue.length; row++) {
    const difference = (probabilities[row * 2 + 1] as number) - (yTrue[row] === 1 ? 1 : 0);
    total += difference * difference;
  }
  return total / yTrue.length;
}

/**
 * Multi-class Brier score (Brier 1950): mean over rows of the sum over classes of (p_k - [k = label])^2; 0 is perfect,
 * 2 the worst. One scale for every number of classes; for two classes it is twice {@link brierScore}.
 */
export function multiclassBrier(
  yTrue: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  numClasses: number,
): number {
  const labels = checkRows(yTrue, probabilities, numClasses, 'probabilities');
  let total = 0;
  labels.forEach((label, row) => {
    for (let k = 0; k < numClasses; k++) {
      const difference = (probabilities[row * numClasses + k] as number) - (k === label ? 1 : 0);
      total += difference * difference;
    }
  });
  return total / labels.length;
}

/** The bin i with i/B < confidence <= (i+1)/B (boundaries computed as i/B, so values on a boundary land exactly); 0 goes to the first. */
function binOf(confidence: number, binCount: number): number {
  let bin = Math.min(binCount - 1, Math.max(0, Math.ceil(confidence * binCount) - 1));
  while (bin > 0 && confidence <= bin / binCount) bin--;
  while (bin < binCount - 1 && confidence > (bin + 1) / binCount) bin++;
  return bin;
}
