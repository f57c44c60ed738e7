export { train } from './train.js';
export { evaluateHead, splitLogProbs, type Evaluation } from './evaluate-head.js';
export { AdamW, type AdamWOptions, type AdamWState } from './adamw.js';
export { clipGradNorm } from './clip-grad-norm.js';
export { weightedNllLoss, weightedNllValue, weightedOneHot } from './weighted-nll.js';
export { balancedClassWeights, resolveTrainOptions, type ResolvedTrainOptions } from './resolve-options.js';
export { epochPermutation, stepSeed } from './shuffle.js';
export type { EpochRecord, Split, TrainEvent, TrainOptions, TrainResult } from './types.js';
export { lossAndGradients, type LossAndGradients } from './loss-and-gradients.js';
