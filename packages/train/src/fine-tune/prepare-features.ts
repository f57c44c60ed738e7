import { encodeWithCache, loadEncoder, selectBackend, type BackendChoice, type Encoder } from '@senti/model';
import { prefetchEncoder } from '@senti/model/internals';
import type { Split } from '../types.js';
import type { FineTuneEvent } from './events.js';
import { chooseMaxLength, type MaxLengthChoice } from './max-length-choice.js';
import { prepareSplits, type PreparedSplits } from './prepare-splits.js';
import { resolveSettings, type FineTuneInput, type FineTuneSettings } from './settings.js';
import { tokenLengthsWithProgress } from './token-lengths.js';

/** The data of a fine-tuning job made ready for head training: split, padded, encoded once (cached on disk). */
export interface PreparedFeatures {
  settings: FineTuneSettings;
  splits: PreparedSplits;
  /** The loaded encoder; the caller owns it (a `TrainedModel` takes it over, or call `encoder.dispose()`). */
  encoder: Encoder;
  maxLength: MaxLengthChoice;
  backend: BackendChoice;
  /** Encoder features of each split, row-major `[rows, hiddenSize]`, with their labels. */
  features: { train: Split; val: Split; test: Split };
  cache: { hits: number; misses: number; discarded: { file: string; problem: string }[] };
  /** When preparation started (`Date.now()`). */
  started: number;
  /** Wall-clock seconds per preparation stage. */
  seconds: { loadSplit: number; loadEncoder: number; tokenize: number; encode: number };
}

/**
 * The stages of {@link fineTune} before head training, shared with `sweep`: load and clean the data, split it,
 * load the encoder, choose the padding length, select the head's backend and encode every text once (feature cache).
 * Emits `data`, `max-length`, `compute`, `encode` and `encoded` events. The encoder is disposed if a stage fails.
 */
export async function prepareFeatures(input: FineTuneInput, emit: (event: FineTuneEvent) => void = () => {}, options: { encode?: boolean } = {}): Promise<PreparedFeatures> {
  const started = Date.now();
  const settings = resolveSettings(input);
  emit({ type: 'reading', source: typeof settings.data === 'string' ? settings.data : 'rows' });
  // The int8 graph's first build (if this run needs one) runs in worker threads while the data is read and split.
  void prefetchEncoder({ model: settings.model, dtype: settings.dtype, device: settings.device });
  const splits = await prepareSplits(settings);
  const loadSplit = secondsSince(started);
  emit({ type: 'data', splits, cleaning: splits.cleaning, seconds: loadSplit });

  const encoderStarted = Date.now();
  const encoder = await loadEncoder({
    model: settings.model, dtype: settings.dtype, device: settings.device, offline: settings.offline,
    ...(settings.pooling ? { pooling: settings.pooling } : {}),
  });
  const loadEncoderSeconds = secondsSince(encoderStarted);
  try {
    const tokenizeStarted = Date.now();
    const lengths = await tokenLengthsWithProgress(encoder.tokenizer, splits.train.texts, (done, total) => emit({ type: 'token-lengths', done, total }));
    const maxLength = chooseMaxLength(lengths, settings.maxLength, settings.coverage, encoder.tokenizer.modelMaxLength);
    const tokenize = secondsSince(tokenizeStarted);
    emit({ type: 'max-length', choice: maxLength });

    const backend = await selectBackend({ device: settings.device });
    emit({ type: 'compute', encoder: encoder.info, device: encoder.device, backend, dtypeRequested: settings.dtype });

    if (options.encode === false) {
      const none = (labels: number[]) => ({ features: new Float32Array(0), labels });
      return {
        settings, splits, encoder, maxLength, backend,
        features: { train: none(splits.train.labels), val: none(splits.val.labels), test: none(splits.test.labels) },
        cache: { hits: 0, misses: 0, discarded: [] }, started, seconds: { loadSplit, loadEncoder: loadEncoderSeconds, tokenize, encode: 0 },
      };
    }
    const encodeStarted = Date.now();
    const allTexts = [...splits.train.texts, ...splits.val.texts, ...splits.test.texts];
    const encoded = await encodeWithCache(encoder, allTexts, {
      maxLength: maxLength.maxLength,
      enabled: settings.cache,
      ...(settings.cacheDir ? { cacheDir: settings.cacheDir } : {}),
      onProgress: (done, total) => emit({ type: 'encode', done, total }),
    });
    const encode = secondsSince(encodeStarted);
    emit({ type: 'encoded', hits: encoded.hits, misses: encoded.misses, discarded: encoded.discarded, seconds: encode });

    const hidden = encoder.info.hiddenSize;
    const rows = (from: number, count: number): Float32Array => encoded.features.subarray(from * hidden, (from + count) * hidden);
    const nTrain = splits.train.texts.length;
    const nVal = splits.val.texts.length;
    const features = {
      train: { features: rows(0, nTrain), labels: splits.train.labels },
      val: { features: rows(nTrain, nVal), labels: splits.val.labels },
      test: { features: rows(nTrain + nVal, splits.test.texts.length), labels: splits.test.labels },
    };
    return {
      settings, splits, encoder, maxLength, backend, features,
      cache: { hits: encoded.hits, misses: encoded.misses, discarded: encoded.discarded },
      started,
      seconds: { loadSplit, loadEncoder: loadEncoderSeconds, tokenize, encode },
    };
  } catch (error) {
    await encoder.dispose();
    throw error;
  }
}

/** Seconds since `start` (a `Date.now()` value). */
export function secondsSince(start: number): number {
  return (Date.now() - start) / 1000;
}
