import type { CleaningSummary } from '@senti/data';
import type { BackendChoice, DeviceReport, EncoderInfo, EncoderLayoutReport } from '@senti/model';
import type { DownloadEvent } from '@senti/tokenize';
import type { TrainEvent } from '../types.js';
import type { MaxLengthChoice } from './max-length-choice.js';
import type { PreparedSplits } from './prepare-splits.js';

/** Progress of {@link fineTune}, in the order the stages run; training events are those of `train`. */
export type FineTuneEvent =
  | {
      type: 'reading';
      /** The data file about to be read (a million rows take a while), or `rows` for in-memory data. */
      source: string;
    }
  | {
      type: 'data';
      /** The train/validation/test splits with their label vocabulary and class weights. */
      splits: PreparedSplits;
      /** Per input file: rows read, kept and dropped (and why). */
      cleaning: CleaningSummary[];
      /** Seconds spent loading, cleaning and splitting. */
      seconds: number;
    }
  | {
      type: 'token-lengths';
      /** Training texts whose token length is measured so far (reported every 20,000 texts). */
      done: number;
      /** Training texts to measure. */
      total: number;
    }
  | {
      type: 'max-length';
      /** The padding length chosen (or given) and the token-length statistics behind it. */
      choice: MaxLengthChoice;
    }
  /** A Hub model's files downloading into the Hugging Face cache (only files not cached yet), before `compute`. */
  | DownloadEvent
  | {
      type: 'compute';
      /** The encoder in use: model, dtype, pooling, hidden size. */
      encoder: EncoderInfo;
      /** The device asked for and used, with a note when a GPU was not usable. */
      device: DeviceReport;
      /** How the model's files store the encoder and where the pooling came from. */
      layout?: EncoderLayoutReport;
      /** The TensorFlow.js backend of the head, and why the ones before it were skipped. */
      backend: BackendChoice;
      /** The dtype setting as given (`auto` or a dtype); `encoder.dtype` is what it resolved to. */
      dtypeRequested: string;
    }
  | {
      type: 'encode';
      /** Texts encoded (or found in the cache) so far. */
      done: number;
      /** Texts to encode in all splits. */
      total: number;
    }
  | {
      type: 'encoded';
      /** Texts whose features came from the feature cache. */
      hits: number;
      /** Texts the encoder ran on. */
      misses: number;
      /** Cache segments that were unreadable and encoded again: the file and what was wrong with it. */
      discarded: { file: string; problem: string }[];
      /** Seconds spent encoding (cache reads included). */
      seconds: number;
    }
  | TrainEvent
  | {
      type: 'cross-validation-fold';
      /** 1-based fold number and the number of folds (`kfold`). */
      fold: number;
      folds: number;
      /** Scores on the fold's held-out rows (ROC-AUC null when a class is missing there). */
      accuracy: number;
      macroF1: number;
      rocAuc: number | null;
    }
  | {
      type: 'calibrated';
      /** The temperature fitted on the validation split (probabilities are softmax(logits / T)). */
      temperature: number;
      /** Expected calibration error on the test split (15 bins) before and after. */
      eceBefore: number;
      eceAfter: number;
    }
  | {
      type: 'warning';
      /**
       * What went wrong, for programs: `target-accuracy-unreached` (the model is saved without a default threshold),
       * `calibration-separable` (no temperature could be fitted; T stays 1), `threshold-small-sample` (the threshold
       * was picked from few validation rows), `one-class-predicted` (the model answers one class for every test text:
       * it has not learned, whatever its accuracy).
       */
      code: 'target-accuracy-unreached' | 'calibration-separable' | 'threshold-small-sample' | 'one-class-predicted';
      /** One line for a person. */
      message: string;
    }
  | {
      type: 'evaluated';
      /** Test accuracy, 0..1. */
      accuracy: number;
      /** Test macro-averaged F1, 0..1. */
      macroF1: number;
      /** Test ROC-AUC (one-vs-rest macro for more than two classes); null when a class is missing from the test split. */
      rocAuc: number | null;
    };
