import type { ClassificationHead, HeadConfig } from '@senti/model';
import type { BertTopLayers, LayerStateStore } from '@senti/model/layers';
import type { EpochRecord, TrainEvent } from '../types.js';
import type { LearningRateSchedule } from './lr-schedule.js';

/** Texts of a split, as their keys in the layer-state store, with their labels. */
export interface StatesSplit {
  /** Hex sha1 of each text (from `encodeLayerStates`). */
  keys: readonly string[];
  labels: readonly number[];
}

/** Options of {@link trainUnfrozen}; the shared ones mean what they mean for `train`. */
export interface TrainUnfrozenOptions {
  /** Layer-(L-k) states of every text of both splits. */
  store: LayerStateStore;
  /** The unfrozen layers (trained in place; k = 0 trains the head alone on the last hidden states). */
  layers: BertTopLayers;
  train: StatesSplit;
  val: StatesSplit;
  numClasses: number;
  head?: Partial<HeadConfig>;
  epochs?: number;
  batchSize?: number;
  /** The head's AdamW learning rate. Default 1e-3. */
  learningRate?: number;
  /** The unfrozen layers' AdamW learning rate. Default 2e-5. */
  encoderLearningRate?: number;
  /** Decoupled weight decay of weight matrices; biases and LayerNorm weights get none. Default 0.01. */
  weightDecay?: number;
  betas?: [number, number];
  eps?: number;
  /** Global L2 clip over every trained tensor (layers and head). Default 1.0. */
  clipNorm?: number;
  /** `linear`: warm-up then linear decay to 0. Default `constant`. */
  schedule?: LearningRateSchedule;
  /** Share of all steps spent warming up with the `linear` schedule. Default 0.1. */
  warmupRatio?: number;
  classWeights?: number[];
  seed?: number;
  patience?: number;
  checkpointDir?: string;
  resume?: boolean;
  onEvent?: (event: TrainEvent) => void;
}

/** The trained head and layers (best-validation weights restored) and what happened. */
export interface TrainUnfrozenResult {
  head: ClassificationHead;
  layers: BertTopLayers;
  history: EpochRecord[];
  bestEpoch: number;
  bestValLoss: number;
  stoppedEarly: boolean;
}
