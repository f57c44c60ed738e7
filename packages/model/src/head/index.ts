export { ClassificationHead, createHead, headShapes, type LogProbsOptions } from './classification-head.js';
export { DEFAULT_DROPOUT, DEFAULT_HIDDEN_SIZE, resolveHeadConfig, type HeadConfig } from './head-config.js';
export { dropoutMask, dropoutMaskTransposed } from './dropout-mask.js';
export { HeadGradientKernel, type HeadGradientArrays } from './head-gradient-kernel.js';
export { adamwSimd, isWasmMemory, type AdamWSimd } from './adamw-simd.js';
