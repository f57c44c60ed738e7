// @senti/train's public API: the whole job in one call (fineTune, sweep), what it returns and saves, the settings
// table the CLI builds its flags from, and the head training loop underneath for those who bring their own features.
// Every name is listed (no `export *`); building blocks of the step are in `@senti/train/internals`.
export {
  fineTune, prepareFeatures, type FineTuneOptions, type FineTuneResult, type PreparedFeatures, type TestPredictions,
  DEFAULT_SETTINGS, TUTORIAL_PRESET, resolveSettings, type FineTuneInput, type FineTuneSettings, type FineTuneEvent,
  SETTINGS, SETTING_KEYS, settingHelp, settingSpec, type SettingKey, type SettingKind, type SettingSpec,
  isValidSetting, parseSetting, settingExpectation, settingsConflict, resumeConflict, type ResumeConflict, completedEpochs,
  TrainedModel, type TrainedModelInfo, chooseMaxLength, type MaxLengthChoice,
  prepareSplits, type PreparedSplits, type SplitRecord, type SourceRecord, type TextSplit,
  saveRun, runSummary, testRows, mostConfidentMistakes, type RunSummary, type SaveRunOptions, type TestRow,
  evaluateModel, type EvaluateModelOptions, type ModelEvaluation, inspectData, type DataInspection, type InspectDataOptions, type InspectEvent,
  TOKEN_LENGTH_CHUNK,
} from './fine-tune/index.js';
export {
  sweep, sweepCsv, saveSweep, SWEEP_FILES, SWEEP_KEYS, describePoint, gridPoints, type SweepEvent, type SweepOptions, type SweepResult, type SweepRow,
  type SweepGrid, type SweepKey, type SweepPoint,
} from './sweep/index.js';
export {
  auditLabels, saveLabelAudit, LABEL_ISSUES_FILE, type AuditLabelsOptions, type AuditFoldEvent, type AuditWarning, type LabelAudit, type LabelIssue,
  confidentLearning, type ConfidentLearning, type FlaggedRow, crossValidate, type CrossValidation, type FoldScores,
  calibrateHead, calibrationEffect, type CalibrationSummary, abstentionSummary, checkTargetAccuracy, smallSampleWarning, SMALL_THRESHOLD_SAMPLE, type AbstentionSummary,
} from './trust/index.js';
export {
  renderPlot, writePlot, writeRunPlots, tokenLengthSpec, trainingCurvesSpec, confusionMatrixSpec, reliabilitySpec, riskCoverageSpec, sweepSpec,
  thresholdMarks, lossAxisDomain, MARKED_THRESHOLDS, MAX_PLOTTED_CLASSES, MAX_PLOTTED_SETTINGS, type PlotWarning, type RenderedPlot,
} from './plots/index.js';
export {
  createRun, resumeRun, reproduceRun, describeResumeConflict, Run, RUN_CONFIG, createRunDirectory, RunDirectory, RUN_LOCK, timestampedRunName,
  type CreateRunOptions, type ResumeRunOptions, type RunConfig, type RunDirectoryOptions,
} from './run/index.js';
export { train } from './train.js';
export type { EpochRecord, LoopOptions, LoopResult, Split, StatesSplit, TrainEvent, TrainOptions, TrainResult, TrainUnfrozenOptions, TrainUnfrozenResult } from './types.js';
export { evaluateHead, type Evaluation } from './evaluate-head.js';
export { AdamW, type AdamWOptions, type AdamWState, type ParamGroup } from './adamw.js';
export { throwIfAborted } from './abort.js';
export { encoderBuildDir } from './fine-tune/build-cache-dir.js';
export { trainUnfrozen } from './unfreeze/train-unfrozen.js';
export type { LearningRateSchedule } from './unfreeze/lr-schedule.js';

/** True when remote model loading is off: the explicit flag if given, else `SENTI_OFFLINE` (1, true or yes): the one reader of it. */
export { isOffline } from '@senti/tokenize';
