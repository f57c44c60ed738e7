// @senti/train's public API: the whole job in one call (fineTune, sweep), what it returns and saves, and the
// head training loop underneath for those who bring their own features. Internals stay in their modules.
export * from './fine-tune/index.js';
export * from './sweep/index.js';
export { train } from './train.js';
export type { EpochRecord, LoopOptions, LoopResult, Split, StatesSplit, TrainEvent, TrainOptions, TrainResult, TrainUnfrozenOptions, TrainUnfrozenResult } from './types.js';
export { evaluateHead, type Evaluation } from './evaluate-head.js';
export { AdamW, type AdamWOptions, type AdamWState, type ParamGroup } from './adamw.js';
export { throwIfAborted } from './abort.js';
export { trainUnfrozen } from './unfreeze/train-unfrozen.js';
export type { LearningRateSchedule } from './unfreeze/lr-schedule.js';
