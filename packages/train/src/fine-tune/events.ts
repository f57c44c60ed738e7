import type { CleaningSummary } from '@senti/data';
import type { BackendChoice, DeviceReport, EncoderInfo } from '@senti/model';
import type { TrainEvent } from '../types.js';
import type { MaxLengthChoice } from './max-length-choice.js';
import type { PreparedSplits } from './prepare-splits.js';

/** Progress of {@link fineTune}, in the order the stages run; training events are those of `train`. */
export type FineTuneEvent =
  | { type: 'data'; splits: PreparedSplits; cleaning: CleaningSummary[]; seconds: number }
  | { type: 'max-length'; choice: MaxLengthChoice }
  | { type: 'compute'; encoder: EncoderInfo; device: DeviceReport; backend: BackendChoice; dtypeRequested: string }
  | { type: 'encode'; done: number; total: number }
  | { type: 'encoded'; hits: number; misses: number; discarded: { file: string; problem: string }[]; seconds: number }
  | TrainEvent
  | { type: 'cross-validation-fold'; fold: number; folds: number; accuracy: number; macroF1: number; rocAuc: number | null }
  | { type: 'calibrated'; temperature: number; eceBefore: number; eceAfter: number }
  | { type: 'evaluated'; accuracy: number; macroF1: number; rocAuc: number | null };
