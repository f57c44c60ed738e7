import { createHash } from 'node:crypto';
import { basename, isAbsolute } from 'node:path';
import { Batcher } from './batcher.js';
import type { ModelLoader, Prediction, SentiManifest, ServedModel } from './served-model.js';
import { ServerError } from './server-error.js';

/** Where the served model is in its life. */
export type ModelState = 'loading' | 'ready' | 'failed' | 'closing' | 'closed';

/** The short identity of the served model sent with every prediction. */
export interface ModelRef {
  id: string;
  encoder: string;
  dtype: string;
}

/** Options of a model host. */
export interface ModelHostOptions {
  /** Loads the model; called once, right away. */
  loadModel: ModelLoader;
  /** Most texts in one `model.predict` call. */
  maxBatchSize: number;
  /** Longest wait for more texts before a partial batch runs. */
  maxWaitMs: number;
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

/**
 * Owns the served model: loads and warms it up, micro-batches predictions through one batcher,
 * and on close drains the batcher and disposes the model.
 */
export class ModelHost {
  /** Settles when the model is loaded and warmed up (rejects if loading failed). */
  readonly ready: Promise<void>;
  private currentState: ModelState = 'loading';
  private failure: unknown;
  private model: ServedModel | undefined;
  private modelRef: ModelRef | undefined;
  private readonly batcher: Batcher<string, Prediction>;
  private closed: Promise<void> | undefined;
  private draining = false;

  constructor(options: ModelHostOptions) {
    this.batcher = new Batcher<string, Prediction>({
      maxBatchSize: options.maxBatchSize,
      maxWaitMs: options.maxWaitMs,
      run: (texts) => this.loaded().predict(texts),
      ...(options.onBatch === undefined ? {} : { onBatch: options.onBatch }),
    });
    this.ready = this.load(options.loadModel, options.warmupText ?? 'warm-up');
    this.ready.catch(() => {}); // observed through `state` and `error`; callers may still await `ready`
  }

  /** Where the model is in its life (`closing` as soon as shutdown began, while in-flight work finishes). */
  get state(): ModelState {
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

  /** Predicts `texts` in order, batched with concurrent callers. */
  async predict(texts: readonly string[]): Promise<{ predictions: Prediction[]; ref: ModelRef }> {
    this.loaded();
    const predictions = await this.batcher.submit(texts);
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

  private loaded(): ServedModel {
    if (this.currentState === 'ready' && this.model !== undefined) return this.model;
    if (this.currentState === 'closing' || this.currentState === 'closed') {
      throw new ServerError('SERVER_SHUTTING_DOWN', 'the server is shutting down');
    }
    throw new ServerError('SERVER_NOT_READY', this.currentState === 'failed' ? 'the model failed to load' : 'the model is still loading; retry shortly');
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
