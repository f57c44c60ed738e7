export { fineTune, type FineTuneOptions, type FineTuneResult, type TestPredictions } from './fine-tune.js';
export { DEFAULT_SETTINGS, TUTORIAL_PRESET, resolveSettings, type FineTuneInput, type FineTuneSettings } from './settings.js';
export type { FineTuneEvent } from './events.js';
export { TrainedModel, SPLIT_FILE, type TrainedModelInfo } from './trained-model.js';
export { chooseMaxLength, type MaxLengthChoice } from './max-length-choice.js';
export { prepareSplits, type PreparedSplits, type SplitRecord, type SourceRecord, type TextSplit } from './prepare-splits.js';
export { saveRun, runSummary, testRows, mostConfidentMistakes, RUN_FILES, type RunSummary, type SaveRunOptions, type TestRow } from './save-run.js';
export { evaluateModel, readSplitRecord, type EvaluateModelOptions, type ModelEvaluation } from './evaluate-model.js';
export { inspectData, type DataInspection, type InspectDataOptions } from './inspect-data.js';
