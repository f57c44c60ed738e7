import type { ClassificationReport, ClassMetrics } from './classification-report.js';

/** One entry of scikit-learn's `output_dict=True` report. */
export interface SklearnClassScores {
  precision: number;
  recall: number;
  'f1-score': number;
  support: number;
}

function toScores(metrics: ClassMetrics): SklearnClassScores {
  return { precision: metrics.precision, recall: metrics.recall, 'f1-score': metrics.f1, support: metrics.support };
}

/** The report in the shape of scikit-learn's `classification_report(..., output_dict=True)`. */
export function reportToSklearnDict(report: ClassificationReport): Record<string, SklearnClassScores | number> {
  const result: Record<string, SklearnClassScores | number> = {};
  report.labels.forEach((name, i) => {
    result[name] = toScores(report.perClass[i] as ClassMetrics);
  });
  result.accuracy = report.accuracy;
  result['macro avg'] = toScores(report.macroAvg);
  result['weighted avg'] = toScores(report.weightedAvg);
  return result;
}
