import type { ClassificationHead, HeadConfig } from '@senti/model';
import type { BertTopLayers, LayerStateStore } from '@senti/model/layers';
import type { LearningRateSchedule } from './unfreeze/lr-schedule.js';

/** Feature rows and their labels. */
export interface Split {
  /** Row-major [n, inputSize] encoder features. */
  features: Float32Array;
  /** Class index of each row. */
  labels: readonly number[];
}

/** Texts of a split, as their keys in the layer-state store, with their labels. */
export interface StatesSplit {
  /** Hex sha1 of each text (from `encodeLayerStates`). */
  keys: readonly string[];
  labels: readonly number[];
}

/** The options every training loop takes (the frozen head's `train` and `trainUnfrozen`); defaults follow the PyTorch tutorial. */
export interface LoopOptions {
  /** Number of classes. */
  numClasses: number;
  /** Head shape overrides (hiddenSize 512, dropout 0.1 by default). */
  head?: Partial<HeadConfig>;
  /** Passes over the training rows. Default: the `epochs` setting's. */
  epochs?: number;
  /** Rows per optimizer step; the last partial batch is kept. Default: the `batchSize` setting's. */
  batchSize?: number;
  /** The head's AdamW learning rate. Default: the `learningRate` setting's. */
  learningRate?: number;
  /** AdamW decoupled weight decay. Default: the `weightDecay` setting's. */
  weightDecay?: number;
  /** AdamW betas. Default: `ADAMW_DEFAULTS`. */
  betas?: [number, number];
  /** AdamW epsilon. Default: `ADAMW_DEFAULTS`. */
  eps?: number;
  /** Global L2 gradient-norm cap over every trained tensor (torch clip_grad_norm_); 0 or Infinity switches clipping off. Default 1.0. */
  clipNorm?: number;
  /** Per-class loss weights. Default: sklearn 'balanced' weights of the training labels. */
  classWeights?: number[];
  /** Seed of the head init, the shuffles and the dropout masks. Default: the `seed` setting's. */
  seed?: number;
  /** Stop after this many epochs without a lower validation loss. Default: off. */
  patience?: number;
  /** Directory to write a checkpoint into after every epoch. Default: no checkpoints. */
  checkpointDir?: string;
  /** Continue from the checkpoint in `checkpointDir` when there is one. Default false. */
  resume?: boolean;
  /** Receives progress events. */
  onEvent?: (event: TrainEvent) => void;
  /** Cancels training: it rejects with a `TRAIN_ABORTED` TrainError; checkpoints of completed epochs stay usable for `resume`. */
  signal?: AbortSignal;
  /** A non-finite training or validation loss: `throw` (default) a `TRAIN_DIVERGED` error, or `stop` training at that epoch (a sweep records it). */
  onDiverge?: 'throw' | 'stop';
}

/** Everything `train` needs: feature rows of both splits and the loop's options. */
export interface TrainOptions extends LoopOptions {
  /** Training rows. */
  train: Split;
  /** Validation rows (loss and accuracy each epoch; the best epoch is kept). */
  val: Split;
  /** Width of a feature row. */
  inputSize: number;
  /** Start from these head weights (w1 [in, hidden], b1, w2 [hidden, classes], b2) instead of a seeded init. */
  initialWeights?: Float32Array[];
  /** Shuffle the training rows each epoch (seeded). Default true; false keeps them in order (for reference checks). */
  shuffle?: boolean;
  /** Emit a `step` event after every step with the gradient norm before clipping (one sync per step; slower). */
  traceSteps?: boolean;
}

/** Options of {@link trainUnfrozen}: stored layer states of both splits, the layers to train, and the loop's options. */
export interface TrainUnfrozenOptions extends LoopOptions {
  /** Layer-(L-k) states of every text of both splits. */
  store: LayerStateStore;
  /** The unfrozen layers (trained in place; k = 0 trains the head alone on the last hidden states). */
  layers: BertTopLayers;
  train: StatesSplit;
  val: StatesSplit;
  /** The unfrozen layers' AdamW learning rate. Default: the `encoderLearningRate` setting's. */
  encoderLearningRate?: number;
  /** `linear`: warm-up then linear decay to 0. Default: the `schedule` setting's. */
  schedule?: LearningRateSchedule;
  /** Share of all steps spent warming up with the `linear` schedule. Default 0.1. */
  warmupRatio?: number;
}

/** Progress of a training run; epochs are 1-based. */
export type TrainEvent =
  | {
      type: 'start';
      /** The run's total number of epochs (the last epoch's number). */
      epochs: number;
      /** Optimizer steps (batches) per epoch. */
      stepsPerEpoch: number;
      /** The first epoch this call trains (above 1 when resuming). */
      startEpoch: number;
    }
  | {
      type: 'step';
      /** The epoch this step belongs to. */
      epoch: number;
      /** Steps done in this epoch, 1..stepsPerEpoch. */
      step: number;
      /** Steps per epoch. */
      stepsPerEpoch: number;
      /** This batch's training loss. */
      loss: number;
      /** Milliseconds since this call started training, a whole number. */
      elapsedMs: number;
      /** Estimated milliseconds until the last epoch ends, a whole number (0 until a step has been timed). */
      etaMs: number;
      /** The gradient's global norm before clipping (only with `traceSteps`). */
      gradNorm?: number;
    }
  | {
      type: 'epoch';
      /** The epoch just finished. */
      epoch: number;
      /** Mean of the epoch's per-batch training losses. */
      trainLoss: number;
      /** Mean validation loss after the epoch. */
      valLoss: number;
      /** Validation accuracy after the epoch, 0..1. */
      valAccuracy: number;
      /** True when this epoch has the lowest validation loss so far (its weights are kept). */
      improved: boolean;
      /** Milliseconds since this call started training, a whole number. */
      elapsedMs: number;
      /** Estimated milliseconds until the last epoch ends, a whole number. */
      etaMs: number;
    }
  | {
      type: 'early-stop';
      /** The last epoch trained: validation loss did not improve for `patience` epochs. */
      epoch: number;
    }
  | {
      type: 'restore';
      /** The epoch whose weights were restored (lowest validation loss). */
      bestEpoch: number;
      /** That epoch's validation loss. */
      bestValLoss: number;
    };

/** One epoch's figures (losses are means of per-batch losses, as in the tutorial). */
export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  valAccuracy: number;
  seconds: number;
}

/** What a training loop did: the history and the epoch whose weights were kept. */
export interface LoopResult {
  history: EpochRecord[];
  bestEpoch: number;
  bestValLoss: number;
  stoppedEarly: boolean;
}

/** The trained head (best-validation weights restored) and what happened. */
export interface TrainResult extends LoopResult {
  head: ClassificationHead;
}

/** The trained head and layers (best-validation weights restored) and what happened. */
export interface TrainUnfrozenResult extends TrainResult {
  layers: BertTopLayers;
}
