import { MetricsError } from '@senti/errors';
import { numpyAverage } from './numpy-sum.js';
import { checkNumClasses, largestOf, toLabelPair } from './validate-labels.js';

/** Precision, recall, F1 and support of one class or one average. */
export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** Number of true samples (for averages: all samples). */
  support: number;
}

/** Per-class and averaged scores, as in scikit-learn's `classification_report`. */
export interface ClassificationReport {
  /** Display name of each reported class, in report order. */
  labels: string[];
  perClass: ClassMetrics[];
  accuracy: number;
  macroAvg: ClassMetrics;
  weightedAvg: ClassMetrics;
  /** Number of samples. */
  total: number;
}

/** Options for {@link classificationReport}. */
export interface ClassificationReportOptions {
  /** Names of classes 0..k-1; every one is reported, even when absent from both yTrue and yPred. */
  labelNames?: readonly string[];
  /** Report classes 0..numClasses-1 (named "0", "1", ...). Without this or labelNames: the labels present in yTrue or yPred. */
  numClasses?: number;
}

/** `a / b`, or 0 when b is 0 (scikit-learn's zero_division=0). */
function divide(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/** Which class indices the report covers, and their display names. */
function reportedClasses(
  yTrue: number[],
  yPred: number[],
  options: ClassificationReportOptions,
): { classes: number[]; names: string[] } {
  const { labelNames, numClasses } = options;
  if (numClasses !== undefined) checkNumClasses(numClasses);
  if (labelNames !== undefined && numClasses !== undefined && labelNames.length !== numClasses) {
    throw new MetricsError(
      'METRICS_BAD_OPTION',
      `labelNames has ${labelNames.length} names but numClasses is ${numClasses}; expected the same count`,
      'usage',
    );
  }
  const count = labelNames?.length ?? numClasses;
  if (count === undefined) {
    const classes = [...new Set([...yTrue, ...yPred])].sort((a, b) => a - b);
    return { classes, names: classes.map(String) };
  }
  const largest = Math.max(largestOf(yTrue), largestOf(yPred));
  if (largest >= count) {
    throw new MetricsError(
      'METRICS_LABEL_OUT_OF_RANGE',
      `label ${largest} is out of range for ${count} classes; expected labels 0..${count - 1}`,
    );
  }
  const classes = Array.from({ length: count }, (_, i) => i);
  return { classes, names: labelNames ? [...labelNames] : classes.map(String) };
}

/** Computes per-class precision/recall/F1/support, accuracy and macro/weighted averages like scikit-learn. */
export function classificationReport(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: ClassificationReportOptions = {},
): ClassificationReport {
  const pair = toLabelPair(yTrue, yPred);
  const { classes, names } = reportedClasses(pair.yTrue, pair.yPred, options);
  const position = new Map(classes.map((label, i) => [label, i]));
  const truePositives = new Array<number>(classes.length).fill(0);
  const trueCounts = new Array<number>(classes.length).fill(0);
  const predictedCounts = new Array<number>(classes.length).fill(0);
  pair.yTrue.forEach((actual, i) => {
    const predicted = pair.yPred[i] as number;
    const a = position.get(actual) as number;
    const p = position.get(predicted) as number;
    trueCounts[a] = (trueCounts[a] as number) + 1;
    predictedCounts[p] = (predictedCounts[p] as number) + 1;
    if (actual === predicted) truePositives[a] = (truePositives[a] as number) + 1;
  });
  const perClass = classes.map((_, i): ClassMetrics => {
    const tp = truePositives[i] as number;
    const support = trueCounts[i] as number;
    const predicted = predictedCounts[i] as number;
    return {
      precision: divide(tp, predicted),
      recall: divide(tp, support),
      f1: divide(2 * tp, support + predicted),
      support,
    };
  });
  const total = pair.yTrue.length;
  const average = (weights?: number[]): ClassMetrics => ({
    precision: numpyAverage(
      perClass.map((m) => m.precision),
      weights,
    ),
    recall: numpyAverage(
      perClass.map((m) => m.recall),
      weights,
    ),
    f1: numpyAverage(
      perClass.map((m) => m.f1),
      weights,
    ),
    support: total,
  });
  const correct = truePositives.reduce((sum, tp) => sum + tp, 0);
  return {
    labels: names,
    perClass,
    accuracy: correct / total,
    macroAvg: average(),
    weightedAvg: average(trueCounts),
    total,
  };
}
