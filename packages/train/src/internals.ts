// Building blocks of the head's training step, for benchmarks and profiling (`@senti/train/internals`).
// Not part of the stable API: they change whenever the step gets faster.
export { gradientNormCoefficient } from './clip-grad-norm.js';
export { lossAndGradients, type LossAndGradients } from './loss-and-gradients.js';
export { TransposedHead } from './transposed-head.js';
export { weightedOneHot, weightedNllLoss, weightedNllValue } from './weighted-nll.js';
export { StepRunner } from './step-runner.js';
export {
  runEpochs,
  type EpochLoopOptions,
  type EpochSteps,
  type StepReadback,
  type TrainingParts,
} from './epoch-loop.js';
export { loadGradients } from './unfreeze/load-gradients.js';
export { unfrozenLossAndGradients, type UnfrozenLossAndGradients } from './unfreeze/unfrozen-loss.js';
