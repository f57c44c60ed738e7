export {
  fineTune,
  finishFineTune,
  trainOnFeatures,
  type FineTuneOptions,
  type FineTuneResult,
  type TestPredictions,
} from './fine-tune.js';
export { prepareFeatures, type PreparedFeatures } from './prepare-features.js';
export {
  SETTINGS,
  SETTING_KEYS,
  settingSpec,
  type SettingKey,
  type SettingKind,
  type SettingSpec,
} from './setting-table.js';
export { isValidSetting, parseSetting, settingExpectation, settingsConflict } from './setting-values.js';
export { resumeConflict, type ResumeConflict } from './resume-rules.js';
export { completedEpochs } from '../checkpoint.js';
export {
  DEFAULT_SETTINGS,
  TUTORIAL_PRESET,
  resolveSettings,
  settingHelp,
  type FineTuneInput,
  type FineTuneSettings,
} from './settings.js';
export type { FineTuneEvent } from './events.js';
export { TrainedModel, SPLIT_FILE, type TrainedModelInfo } from './trained-model.js';
export { chooseMaxLength, type MaxLengthChoice } from './max-length-choice.js';
export {
  prepareSplits,
  type PreparedSplits,
  type SplitRecord,
  type SourceRecord,
  type TextSplit,
} from './prepare-splits.js';
export {
  saveRun,
  runSummary,
  testRows,
  mostConfidentMistakes,
  type RunSummary,
  type SaveRunOptions,
  type TestRow,
} from './save-run.js';
export { evaluateModel, readSplitRecord, type EvaluateModelOptions, type ModelEvaluation } from './evaluate-model.js';
export { inspectData, type DataInspection, type InspectDataOptions, type InspectEvent } from './inspect-data.js';
export { TOKEN_LENGTH_CHUNK } from './token-lengths.js';
