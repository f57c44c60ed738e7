export {
  classificationReport,
  type ClassMetrics,
  type ClassificationReport,
  type ClassificationReportOptions,
} from './classification-report.js';
export { formatReport, type FormatReportOptions } from './format-report.js';
export { reportToSklearnDict, type SklearnClassScores } from './report-dict.js';
export { confusionMatrix } from './confusion-matrix.js';
export { formatConfusionMatrix } from './format-confusion-matrix.js';
export { rocAuc, binaryAuc } from './roc-auc.js';
export { formatFixed } from './python-format.js';
export {
  fitTemperature,
  temperatureSoftmax,
  temperatureNll,
  TEMPERATURE_BOUNDS,
  type TemperatureFit,
} from './temperature-scaling.js';
export {
  expectedCalibrationError,
  brierScore,
  multiclassBrier,
  type CalibrationError,
  type ReliabilityBin,
} from './calibration-error.js';
export {
  riskCoverage,
  riskCoverageCurve,
  thresholdForAccuracy,
  DEFAULT_ABSTAIN_THRESHOLDS,
  type RiskCoveragePoint,
  type ThresholdChoice,
} from './risk-coverage.js';
