// `@senti/train/settings`: the settings table of fineTune as data, for tools that build a command line, a config file
// or a form over it (senti's CLI takes every setting flag, its help and its checks from here), and the rules for
// resuming a run with changed settings. A library user who only trains needs `DEFAULT_SETTINGS` and `FineTuneInput`
// from the package root.
export {
  SETTINGS,
  SETTING_KEYS,
  settingSpec,
  type SettingKey,
  type SettingKind,
  type SettingSpec,
} from './fine-tune/setting-table.js';
export { settingHelp } from './fine-tune/settings.js';
export { isValidSetting, parseSetting, settingExpectation, settingsConflict } from './fine-tune/setting-values.js';
export { resumeConflict, type ResumeConflict } from './fine-tune/resume-rules.js';
export { completedEpochs } from './checkpoint.js';
export { describeResumeConflict } from './run/run.js';
