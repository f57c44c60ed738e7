export { calibrateHead, calibrationEffect, type CalibrationSummary } from './calibrate-head.js';
export {
  abstentionSummary,
  checkTargetAccuracy,
  smallSampleWarning,
  SMALL_THRESHOLD_SAMPLE,
  type AbstentionSummary,
} from './abstention-summary.js';
export { crossValidate, type CrossValidation, type FoldScores } from './cross-validate.js';
export { confidentLearning, type ConfidentLearning, type FlaggedRow } from './confident-learning.js';
export {
  auditLabels,
  saveLabelAudit,
  LABEL_ISSUES_FILE,
  type AuditLabelsOptions,
  type AuditFoldEvent,
  type AuditWarning,
  type LabelAudit,
  type LabelIssue,
} from './audit-labels.js';
