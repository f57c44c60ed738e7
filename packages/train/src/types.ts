import type { ClassificationHead, HeadConfig } from '@senti/model';

/** Feature rows and their labels. */
export interface Split {
  /** Row-major [n, inputSize] encoder features. */
  features: Float32Array;
  /** Class index of each row. */
  labels: readonly number[];
}

/** Everything `train` needs; defaults follow the PyTorch tutorial. */
export interface TrainOptions {
  /** Training rows. */
  train: Split;
  /** Validation rows (loss and accuracy each epoch; the best epoch is kept). */
  val: Split;
  /** Width of a feature row. */
  inputSize: number;
  /** Number of classes. */
  numClasses: number;
  /** Head shape overrides (hiddenSize 512, dropout 0.1 by default). */
  head?: Partial<HeadConfig>;
  /** Passes over the training rows. Default 10. */
  epochs?: number;
  /** Rows per optimizer step; the last partial batch is kept. Default 32. */
  batchSize?: number;
  /** AdamW learning rate. Default 1e-3. */
  learningRate?: number;
  /** AdamW decoupled weight decay, applied to every parameter. Default 0.01. */
  weightDecay?: number;
  /** AdamW betas. Default [0.9, 0.999]. */
  betas?: [number, number];
  /** AdamW epsilon. Default 1e-8. */
  eps?: number;
  /** Global L2 gradient-norm cap (torch clip_grad_norm_); 0 or Infinity switches clipping off. Default 1.0. */
  clipNorm?: number;
  /** Per-class loss weights. Default: sklearn 'balanced' weights of the training labels. */
  classWeights?: number[];
  /** Seed of the head init, the shuffles and the dropout masks. Default 2021. */
  seed?: number;
  /** Stop after this many epochs without a lower validation loss. Default: off. */
  patience?: number;
  /** Directory to write a checkpoint into after every epoch. Default: no checkpoints. */
  checkpointDir?: string;
  /** Continue from the checkpoint in `checkpointDir` when there is one. Default false. */
  resume?: boolean;
  /** Receives progress events. */
  onEvent?: (event: TrainEvent) => void;
  /** Start from these head weights (w1 [in, hidden], b1, w2 [hidden, classes], b2) instead of a seeded init. */
  initialWeights?: Float32Array[];
  /** Shuffle the training rows each epoch (seeded). Default true; false keeps them in order (for reference checks). */
  shuffle?: boolean;
  /** Emit a `step` event after every step with the gradient norm before clipping (one sync per step; slower). */
  traceSteps?: boolean;
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

/** The trained head (best-validation weights restored) and what happened. */
export interface TrainResult {
  head: ClassificationHead;
  history: EpochRecord[];
  bestEpoch: number;
  bestValLoss: number;
  stoppedEarly: boolean;
}
