import { TrainError } from '@senti/errors';
import { throwIfAborted } from './abort.js';
import type { AdamWState } from './adamw.js';
import {
  assertSameFingerprint,
  loadCheckpoint,
  saveCheckpoint,
  type CheckpointFingerprint,
  type CheckpointState,
} from './checkpoint.js';
import { epochPermutation, stepSeed } from './shuffle.js';
import type { EpochRecord, LoopResult, TrainEvent } from './types.js';

/** How often (at most) a step event reads the loss back from the device. */
const STEP_EVENT_INTERVAL_MS = 250;

/** What a step read back: the batch loss, and with a trace the global gradient norm before clipping. */
export interface StepReadback {
  loss: number;
  gradNorm?: number;
}

/**
 * The step machinery of one kind of training (the frozen head's, the unfrozen layers'), made from the model's
 * current weights by {@link TrainingParts.startSteps}. A faster step plugs in here.
 */
export interface EpochSteps {
  /** One optimizer step on the training rows `indices` with dropout seeded by `dropoutSeed`; reads back only what `read` asks (each read is a sync). */
  step(indices: Int32Array, dropoutSeed: number, read: 'nothing' | 'loss' | 'trace'): Promise<StepReadback | undefined>;
  /** Starts a new sum of batch losses (each epoch). */
  resetLossSum(): void;
  /** The sum of batch losses since the reset (one read back). */
  readLossSum(): Promise<number>;
  /** Brings the model's weights up to date with training (before evaluation, checkpoints and the end). */
  syncModel(): void;
  /** The optimizer's state, moments in the order of the model's weights (for checkpoints). */
  optimizerState(): Promise<AdamWState>;
  /** Frees the step machinery (not the model). */
  dispose(): void;
}

/** What a kind of training supplies to {@link runEpochs}: its model's state, its evaluation and its step. */
export interface TrainingParts {
  /** The trained weights, in checkpoint order. */
  getWeights(): Promise<Float32Array[]>;
  /** Sets the trained weights (from a checkpoint, or the best epoch's at the end). */
  setWeights(weights: Float32Array[]): void;
  /** Validation loss and accuracy of the model's current weights (no dropout). */
  evaluate(): Promise<{ loss: number; accuracy: number }>;
  /** Makes the step machinery from the model's current weights, continuing `optimizerState` when resuming. */
  startSteps(optimizerState: AdamWState | undefined): EpochSteps;
  /** Steps between yields to the event loop (so events and signals get through during long epochs). */
  yieldEvery: number;
}

/** How {@link runEpochs} runs: the loop's settings, checkpoints and where events go. */
export interface EpochLoopOptions {
  /** Training rows (shuffled by index each epoch). */
  rows: number;
  epochs: number;
  batchSize: number;
  /** Seeds the shuffles and (through `stepSeed`) every step's dropout. */
  seed: number;
  patience: number | undefined;
  /** Shuffle the rows each epoch (default true). */
  shuffle?: boolean;
  /** Read the loss and gradient norm back after every step and put them in `step` events. */
  traceSteps?: boolean;
  checkpointDir?: string;
  resume?: boolean;
  /** The settings and data a checkpoint is tied to. */
  fingerprint: CheckpointFingerprint;
  onEvent?: (event: TrainEvent) => void;
  signal?: AbortSignal;
  /** `throw` (default): a non-finite loss is a `TRAIN_DIVERGED` error; `stop`: training ends at that epoch (sweeps record it). */
  onDiverge?: 'throw' | 'stop';
}

/**
 * The one epoch loop of senti: resume from a checkpoint, seeded shuffles, the steps with throttled `step` events,
 * the epoch's validation, best-on-validation tracking, early stopping, a checkpoint after every epoch, divergence and
 * cancellation checks, and the best weights restored at the end. The parts bring their step, evaluation and state.
 */
export async function runEpochs(parts: TrainingParts, options: EpochLoopOptions): Promise<LoopResult> {
  const { epochs, batchSize, seed, patience, rows: n, signal } = options;
  const emit = options.onEvent ?? (() => {});
  let history: EpochRecord[] = [];
  let bestEpoch = 0;
  let bestValLoss = Infinity;
  let bestWeights = await parts.getWeights();
  let epochsWithoutImprovement = 0;
  let stoppedEarly = false;
  let startEpoch = 1;
  let optimizerState: AdamWState | undefined;
  if (options.resume === true) {
    if (options.checkpointDir === undefined)
      throw new TrainError('TRAIN_BAD_OPTION', 'resume needs a checkpointDir', 'usage');
    const saved = await loadCheckpoint(options.checkpointDir);
    if (saved !== undefined) {
      assertSameFingerprint(options.checkpointDir, saved.fingerprint, options.fingerprint);
      parts.setWeights(saved.weights);
      ({ history, bestEpoch, bestValLoss, bestWeights, epochsWithoutImprovement, stoppedEarly } = saved);
      startEpoch = saved.epoch + 1;
      optimizerState = {
        step: saved.optimizerStep,
        firstMoments: saved.firstMoments,
        secondMoments: saved.secondMoments,
      };
    }
  }
  throwIfAborted(signal);

  const steps = parts.startSteps(optimizerState);
  const stepsPerEpoch = Math.ceil(n / batchSize);
  const started = performance.now();
  const totalSteps = Math.max(0, epochs - startEpoch + 1) * stepsPerEpoch;
  let stepsDone = 0;
  const eta = () =>
    stepsDone === 0 ? 0 : Math.round(((performance.now() - started) / stepsDone) * (totalSteps - stepsDone));
  emit({ type: 'start', epochs, stepsPerEpoch, startEpoch });
  try {
    for (let epoch = startEpoch; epoch <= epochs && !stoppedEarly; epoch += 1) {
      const epochStarted = performance.now();
      const order =
        options.shuffle === false
          ? Int32Array.from({ length: n }, (_, index) => index)
          : epochPermutation(n, seed, epoch);
      steps.resetLossSum();
      let lastEvent = performance.now();
      for (let step = 0; step < stepsPerEpoch; step += 1) {
        throwIfAborted(signal);
        const indices = order.subarray(step * batchSize, Math.min(n, (step + 1) * batchSize));
        const wantEvent =
          options.onEvent !== undefined &&
          (step === stepsPerEpoch - 1 || performance.now() - lastEvent >= STEP_EVENT_INTERVAL_MS);
        const read = options.traceSteps === true ? 'trace' : wantEvent ? 'loss' : 'nothing';
        const readback = await steps.step(indices, stepSeed(seed, epoch, step), read);
        stepsDone += 1;
        if (readback !== undefined) {
          lastEvent = performance.now();
          emit({
            type: 'step',
            epoch,
            step: step + 1,
            stepsPerEpoch,
            loss: readback.loss,
            elapsedMs: Math.round(lastEvent - started),
            etaMs: eta(),
            ...(readback.gradNorm !== undefined ? { gradNorm: readback.gradNorm } : {}),
          });
        }
        if (step % parts.yieldEvery === parts.yieldEvery - 1) await new Promise((resolve) => setImmediate(resolve));
      }
      const trainLoss = (await steps.readLossSum()) / stepsPerEpoch;
      steps.syncModel();
      const evaluation = await parts.evaluate();
      const diverged = !Number.isFinite(trainLoss) || !Number.isFinite(evaluation.loss);
      if (diverged && options.onDiverge !== 'stop') {
        const [which, value] = Number.isFinite(trainLoss) ? ['validation', evaluation.loss] : ['training', trainLoss];
        throw new TrainError(
          'TRAIN_DIVERGED',
          `training diverged: the ${which} loss is ${value} after epoch ${epoch}`,
          'input',
          {
            hint: 'the learning rate is too high for these features; lower it',
          },
        );
      }
      const improved = evaluation.loss < bestValLoss;
      if (improved) {
        bestValLoss = evaluation.loss;
        bestEpoch = epoch;
        bestWeights = await parts.getWeights();
        epochsWithoutImprovement = 0;
      } else {
        epochsWithoutImprovement += 1;
      }
      history.push({
        epoch,
        trainLoss,
        valLoss: evaluation.loss,
        valAccuracy: evaluation.accuracy,
        seconds: (performance.now() - epochStarted) / 1000,
      });
      emit({
        type: 'epoch',
        epoch,
        trainLoss,
        valLoss: evaluation.loss,
        valAccuracy: evaluation.accuracy,
        improved,
        elapsedMs: Math.round(performance.now() - started),
        etaMs: eta(),
      });
      if (diverged || (patience !== undefined && epochsWithoutImprovement >= patience && epoch < epochs)) {
        stoppedEarly = true;
        emit({ type: 'early-stop', epoch });
      }
      if (options.checkpointDir !== undefined) {
        const { firstMoments, secondMoments, step: optimizerStep } = await steps.optimizerState();
        const state: CheckpointState = {
          fingerprint: options.fingerprint,
          epoch,
          optimizerStep,
          history,
          bestEpoch,
          bestValLoss,
          epochsWithoutImprovement,
          stoppedEarly,
          weights: await parts.getWeights(),
          firstMoments,
          secondMoments,
          bestWeights,
        };
        await saveCheckpoint(options.checkpointDir, state);
      }
    }
  } finally {
    steps.dispose();
  }
  if (bestEpoch > 0) {
    parts.setWeights(bestWeights);
    emit({ type: 'restore', bestEpoch, bestValLoss });
  }
  return { history, bestEpoch, bestValLoss, stoppedEarly };
}
