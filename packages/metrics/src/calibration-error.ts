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
export function expectedCalibrationError(yTrue: ArrayLike<number>, probabilities: ArrayLike<number>, numClasses: number, options: { bins?: number } = {}): CalibrationError {
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
 * Multi-class Brier score: mean over rows of sum over classes of (p_k - [k = label])^2 (Brier 1950; 0 is perfect,
 * 2 the worst). For two classes it is twice scikit-learn's `brier_score_loss` of the positive class.
 */
export function brierScore(yTrue: ArrayLike<number>, probabilities: ArrayLike<number>, numClasses: number): number {
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
