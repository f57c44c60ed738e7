import { createHash } from 'node:crypto';
import { basename, isAbsolute } from 'node:path';
import { ModelError } from '@senti/errors';
import { loadModel, type LoadModelOptions, type SentiModel } from '../artifact/load-model.js';
import type { SentiManifest } from '../artifact/manifest.js';
import type { Prediction } from '../artifact/predictions.js';
import { MicroBatcher } from './micro-batcher.js';

/** The part of a loaded model a predictor uses (a `SentiModel`, or anything with this shape). */
export type PredictorModel = Pick<SentiModel, 'manifest' | 'predict' | 'dispose'>;

/** Loads the model a predictor serves; called once. */
export type ModelLoader = () => Promise<PredictorModel>;

/** Where a predictor's model is in its life. */
export type PredictorState = 'loading' | 'ready' | 'failed' | 'closing' | 'closed';

/** The short identity of the model, sent with every prediction. */
export interface ModelRef {
  id: string;
  encoder: string;
  dtype: string;
}

/** Batching and warm-up settings of a predictor. */
export interface PredictorSettings {
  /** Most texts in one `model.predict` call. Default 32. */
  maxBatchSize?: number;
  /** Longest wait for more texts before a partial batch runs, in ms. Default 5. */
  maxWaitMs?: number;
  /** Most texts waiting at once; more are refused with `MODEL_QUEUE_FULL`. Default 4096. */
  maxQueuedTexts?: number;
  /** Text of the warm-up prediction run before the host reports ready. */
  warmupText?: string;
  /** Called after each batch (logging). */
  onBatch?: (info: { size: number; requests: number; ms: number; error?: unknown }) => void;
}

/** The identity of a model: the first 12 hex digits of the SHA-256 of its manifest. */
export function modelId(manifest: SentiManifest): string {
  return createHash('sha256').update(JSON.stringify(manifest)).digest('hex').slice(0, 12);
}

/** The encoder's name as clients see it: a Hub id as is, a local directory by its last segment only. */
export function publicEncoderName(model: string): string {
  return isAbsolute(model) || model.startsWith('.') || model.includes('\\') ? basename(model.replace(/[\\/]+$/, '')) : model;
}

/** Options of a {@link Predictor}: the loader plus batching settings. */
export interface PredictorOptions extends PredictorSettings {
  /** Loads the model; called once, right away. */
  loadModel: ModelLoader;
}

/**
 * Owns a model for serving: loads and warms it up, micro-batches predictions of concurrent callers into
 * encoder calls (bounded queue, cancellable), and on close drains the queue and disposes the model.
 */
export class Predictor {
  /** Settles when the model is loaded and warmed up (rejects if loading failed). */
  readonly ready: Promise<void>;
  private currentState: PredictorState = 'loading';
  private failure: unknown;
  private model: PredictorModel | undefined;
  private modelRef: ModelRef | undefined;
  private readonly batcher: MicroBatcher<string, Prediction>;
  private closed: Promise<void> | undefined;
  private draining = false;

  constructor(options: PredictorOptions) {
    this.batcher = new MicroBatcher<string, Prediction>({
      maxBatchSize: options.maxBatchSize ?? 32,
      maxWaitMs: options.maxWaitMs ?? 5,
      maxQueuedItems: options.maxQueuedTexts ?? 4096,
      run: (texts) => this.loaded().predict(texts),
      ...(options.onBatch === undefined ? {} : { onBatch: options.onBatch }),
    });
    this.ready = this.load(options.loadModel, options.warmupText ?? 'warm-up');
    this.ready.catch(() => {}); // observed through `state` and `error`; callers may still await `ready`
  }

  /** Where the model is in its life (`closing` as soon as shutdown began, while in-flight work finishes). */
  get state(): PredictorState {
    return this.draining && this.currentState !== 'closed' ? 'closing' : this.currentState;
  }

  /** Marks the host as shutting down (readiness turns 503) without stopping work already accepted. */
  beginClose(): void {
    this.draining = true;
  }

  /** Why loading failed, when it did. */
  get error(): unknown {
    return this.failure;
  }

  /** The loaded model's manifest and short identity. */
  describe(): { manifest: SentiManifest; ref: ModelRef } {
    return { manifest: this.loaded().manifest, ref: this.modelRef! };
  }

  /** Texts waiting for a batch. */
  get pending(): number {
    return this.batcher.pending;
  }

  /** Predicts `texts` in order, batched with concurrent callers; `signal` cancels work not yet started. */
  async predict(texts: readonly string[], options: { signal?: AbortSignal } = {}): Promise<Prediction[]> {
    return (await this.predictWithRef(texts, options)).predictions;
  }

  /** Like {@link predict}, with the model's short identity. */
  async predictWithRef(texts: readonly string[], options: { signal?: AbortSignal } = {}): Promise<{ predictions: Prediction[]; ref: ModelRef }> {
    this.loaded();
    const predictions = await this.batcher.submit(texts, options.signal);
    return { predictions, ref: this.modelRef! };
  }

  /** Finishes queued predictions, then disposes the model; safe to call more than once. */
  close(): Promise<void> {
    this.draining = true;
    this.closed ??= this.shutdown();
    return this.closed;
  }

  private async load(loader: ModelLoader, warmupText: string): Promise<void> {
    try {
      const model = await loader();
      this.model = model;
      const { manifest } = model;
      this.modelRef = { id: modelId(manifest), encoder: publicEncoderName(manifest.encoder.model), dtype: manifest.encoder.dtype };
      await model.predict([warmupText]);
      if (this.currentState === 'loading') this.currentState = 'ready';
    } catch (error) {
      this.failure = error;
      if (this.currentState === 'loading') this.currentState = 'failed';
      throw error;
    }
  }

  private loaded(): PredictorModel {
    if (this.currentState === 'ready' && this.model !== undefined) return this.model;
    if (this.currentState === 'closing' || this.currentState === 'closed') {
      throw new ModelError('MODEL_CLOSING', 'the model is shutting down', 'runtime');
    }
    throw new ModelError('MODEL_NOT_READY', this.currentState === 'failed' ? 'the model failed to load' : 'the model is still loading; retry shortly', 'runtime');
  }

  private async shutdown(): Promise<void> {
    const wasReady = this.currentState === 'ready';
    await this.batcher.close();
    this.currentState = 'closing';
    if (!wasReady) await this.ready.catch(() => {});
    try {
      await this.model?.dispose();
    } finally {
      this.model = undefined;
      this.currentState = 'closed';
    }
  }
}

/** Options of {@link createPredictor}: how to load the model and how to batch. */
export type CreatePredictorOptions = LoadModelOptions & PredictorSettings & { warmupText?: string };

/** Loads a saved model directory and returns a micro-batching predictor; `await predictor.ready` before timing it. */
export async function createPredictor(modelDir: string, options: CreatePredictorOptions = {}): Promise<Predictor> {
  const { maxBatchSize, maxWaitMs, maxQueuedTexts, warmupText, ...load } = options;
  const predictor = new Predictor({
    loadModel: () => loadModel(modelDir, load),
    ...(maxBatchSize !== undefined ? { maxBatchSize } : {}),
    ...(maxWaitMs !== undefined ? { maxWaitMs } : {}),
    ...(maxQueuedTexts !== undefined ? { maxQueuedTexts } : {}),
    ...(warmupText !== undefined ? { warmupText } : {}),
  });
  await predictor.ready;
  return predictor;
}
