export { ClassificationHead, createHead, headShapes, type LogProbsOptions } from './classification-head.js';
export { DEFAULT_DROPOUT, DEFAULT_HIDDEN_SIZE, resolveHeadConfig, type HeadConfig } from './head-config.js';
export { dropoutMask, dropoutMaskTransposed } from './dropout-mask.js';
