import { encodeWithCache, loadEncoder, selectBackend, type BackendChoice, type Encoder } from '@senti/model';
import { prefetchEncoder } from '@senti/model';
import { throwIfAborted } from '../abort.js';
import type { Split } from '../types.js';
import type { FineTuneEvent } from './events.js';
import { chooseMaxLength, type MaxLengthChoice } from './max-length-choice.js';
import { prepareSplits, type PreparedSplits } from './prepare-splits.js';
import { resolveSettings, type FineTuneInput, type FineTuneSettings } from './settings.js';
import { tokenLengthsWithProgress } from './token-lengths.js';
import { encoderBuildDir } from './build-cache-dir.js';

/** A fine-tuning job made ready to encode: settings, split, encoder, padding length and the head's backend. */
export interface PreparedRun {
  settings: FineTuneSettings;
  splits: PreparedSplits;
  /** The loaded encoder; the caller owns it (a `TrainedModel` takes it over, or call `encoder.dispose()`). */
  encoder: Encoder;
  maxLength: MaxLengthChoice;
  backend: BackendChoice;
  /** When preparation started (`Date.now()`). */
  started: number;
  /** Wall-clock seconds per preparation stage. */
  seconds: { loadSplit: number; loadEncoder: number; tokenize: number };
}

/** The data of a fine-tuning job made ready for head training: split, padded, encoded once (cached on disk). */
export interface PreparedFeatures extends PreparedRun {
  /** Encoder features of each split, row-major `[rows, hiddenSize]`, with their labels. */
  features: { train: Split; val: Split; test: Split };
  cache: { hits: number; misses: number; discarded: { file: string; problem: string }[] };
  /** Wall-clock seconds per preparation stage. */
  seconds: PreparedRun['seconds'] & { encode: number };
}

/**
 * The stages of {@link fineTune} before head training, shared with `sweep`: {@link prepareRun}, then every text
 * encoded once through the feature cache ({@link encodeFeatures}). The encoder is disposed if a stage fails.
 */
export async function prepareFeatures(
  input: FineTuneInput,
  emit: (event: FineTuneEvent) => void = () => {},
  signal?: AbortSignal,
): Promise<PreparedFeatures> {
  const run = await prepareRun(input, emit, signal);
  try {
    return await encodeFeatures(run, emit, signal);
  } catch (error) {
    await run.encoder.dispose();
    throw error;
  }
}

/**
 * Loads and cleans the data, splits it, loads the encoder, chooses the padding length and selects the head's backend.
 * Emits `data`, `max-length` and `compute` events. The encoder is disposed if a stage fails. `whole` keeps every row
 * in train (see {@link prepareSplits}).
 */
export async function prepareRun(
  input: FineTuneInput,
  emit: (event: FineTuneEvent) => void = () => {},
  signal?: AbortSignal,
  options: { whole?: boolean } = {},
): Promise<PreparedRun> {
  const started = Date.now();
  const settings = resolveSettings(input);
  emit({ type: 'reading', source: typeof settings.data === 'string' ? settings.data : 'rows' });
  // The int8 graph's first build (if this run needs one) runs in worker threads while the data is read and split.
  const buildDir = encoderBuildDir(settings);
  void prefetchEncoder({
    model: settings.model,
    dtype: settings.dtype,
    device: settings.device,
    ...(settings.pooling ? { pooling: settings.pooling } : {}),
    ...(buildDir ? { cacheDir: buildDir } : {}),
  });
  const splits = await prepareSplits(settings, options);
  const loadSplit = secondsSince(started);
  emit({ type: 'data', splits, cleaning: splits.cleaning, seconds: loadSplit });
  throwIfAborted(signal);

  const encoderStarted = Date.now();
  const encoder = await loadEncoder({
    model: settings.model,
    dtype: settings.dtype,
    device: settings.device,
    offline: settings.offline,
    onDownload: emit,
    signal,
    ...(settings.pooling ? { pooling: settings.pooling } : {}),
    ...(buildDir ? { cacheDir: buildDir } : {}),
  });
  const loadEncoderSeconds = secondsSince(encoderStarted);
  try {
    throwIfAborted(signal);
    const tokenizeStarted = Date.now();
    const lengths = await tokenLengthsWithProgress(encoder.tokenizer, splits.train.texts, (done, total) =>
      emit({ type: 'token-lengths', done, total }),
    );
    const maxLength = chooseMaxLength(lengths, settings.maxLength, settings.coverage, encoder.tokenizer.modelMaxLength);
    const tokenize = secondsSince(tokenizeStarted);
    emit({ type: 'max-length', choice: maxLength });

    const backend = await selectBackend({ device: settings.device });
    emit({
      type: 'compute',
      encoder: encoder.info,
      device: encoder.device,
      ...(encoder.layout ? { layout: encoder.layout } : {}),
      backend,
      dtypeRequested: settings.dtype,
    });
    return {
      settings,
      splits,
      encoder,
      maxLength,
      backend,
      started,
      seconds: { loadSplit, loadEncoder: loadEncoderSeconds, tokenize },
    };
  } catch (error) {
    await encoder.dispose();
    throw error;
  }
}

/** Encodes every text of a prepared run once with its encoder, through the feature cache; emits `encode` and `encoded`. */
export async function encodeFeatures(
  run: PreparedRun,
  emit: (event: FineTuneEvent) => void = () => {},
  signal?: AbortSignal,
): Promise<PreparedFeatures> {
  const { settings, splits, encoder } = run;
  const encodeStarted = Date.now();
  const allTexts = [...splits.train.texts, ...splits.val.texts, ...splits.test.texts];
  const encoded = await encodeWithCache(encoder, allTexts, {
    maxLength: run.maxLength.maxLength,
    enabled: settings.cache,
    ...(settings.cacheDir ? { cacheDir: settings.cacheDir } : {}),
    // Cancelling between batches: what the cache holds is written whole, so a rerun reuses it.
    onProgress: (done, total) => {
      throwIfAborted(signal, 'encoding');
      emit({ type: 'encode', done, total });
    },
  });
  const encode = secondsSince(encodeStarted);
  emit({ type: 'encoded', hits: encoded.hits, misses: encoded.misses, discarded: encoded.discarded, seconds: encode });

  const hidden = encoder.info.hiddenSize;
  const rows = (from: number, count: number): Float32Array =>
    encoded.features.subarray(from * hidden, (from + count) * hidden);
  const nTrain = splits.train.texts.length;
  const nVal = splits.val.texts.length;
  const features = {
    train: { features: rows(0, nTrain), labels: splits.train.labels },
    val: { features: rows(nTrain, nVal), labels: splits.val.labels },
    test: { features: rows(nTrain + nVal, splits.test.texts.length), labels: splits.test.labels },
  };
  return {
    ...run,
    features,
    cache: { hits: encoded.hits, misses: encoded.misses, discarded: encoded.discarded },
    seconds: { ...run.seconds, encode },
  };
}

/** Seconds since `start` (a `Date.now()` value). */
export function secondsSince(start: number): number {
  return (Date.now() - start) / 1000;
}
