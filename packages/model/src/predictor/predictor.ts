import { ModelError } from '@senti/errors';
import type { LoadModelOptions } from '../artifact/load-model.js';
import type { Prediction } from '../artifact/predictions.js';
import { MicroBatcher } from './micro-batcher.js';
import { loadModelInThread } from './model-thread.js';
import { loadClassifier } from './load-classifier.js';
import type { Classifier } from './classifier.js';
import type { ServedModelInfo } from './served-model-info.js';
import { estimateTokens } from './text-cost.js';
import { planExplanations, scoreExplanations } from '../explain/explain-texts.js';
import type { ExplainOptions, Explanation } from '../explain/explanation.js';

/** What a predictor serves: any {@link Classifier}. Kept as the older name of that interface. */
export type PredictorModel = Classifier;

/** Loads the model a predictor serves; called once. */
export type ModelLoader = () => Promise<Classifier>;

/** Where a predictor's model is in its life. */
export type PredictorState = 'loading' | 'ready' | 'failed' | 'closing' | 'closed';

/** The short identity of the model, sent with every prediction. */
export interface ModelRef {
  id: string;
  encoder: string;
  dtype: string;
}

/** A predictor's batching defaults (the server's too): 32 texts a call, 5 ms to fill a batch, 4096 texts waiting. */
export const PREDICTOR_DEFAULTS = { maxBatchSize: 32, maxWaitMs: 5, maxQueuedTexts: 4096 } as const;

/** Batching and warm-up settings of a predictor. */
export interface PredictorSettings {
  /** Most texts in one `model.predict` call. Default: `PREDICTOR_DEFAULTS`. */
  maxBatchSize?: number;
  /** Longest wait for more texts before a partial batch runs, in ms. Default: `PREDICTOR_DEFAULTS`. */
  maxWaitMs?: number;
  /** Most texts waiting at once; more are refused with `MODEL_QUEUE_FULL`. Default: `PREDICTOR_DEFAULTS`. */
  maxQueuedTexts?: number;
  /**
   * Longest expected wait for the model, in ms: texts that would wait longer (at the measured throughput) are refused
   * at once with `MODEL_QUEUE_FULL`; texts that waited this long without reaching a batch are dropped with
   * `MODEL_QUEUE_TIMEOUT`. Default: no time bound.
   */
  maxQueueMs?: number;
  /** Text of the warm-up prediction run before the host reports ready. */
  warmupText?: string;
  /** Called after each batch (logging). */
  onBatch?: (info: { size: number; requests: number; ms: number; error?: unknown }) => void;
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
  private model: Classifier | undefined;
  private modelRef: ModelRef | undefined;
  private readonly batcher: MicroBatcher<string, Prediction>;
  private closed: Promise<void> | undefined;
  private draining = false;

  constructor(options: PredictorOptions) {
    this.batcher = new MicroBatcher<string, Prediction>({
      maxBatchSize: options.maxBatchSize ?? PREDICTOR_DEFAULTS.maxBatchSize,
      maxWaitMs: options.maxWaitMs ?? PREDICTOR_DEFAULTS.maxWaitMs,
      maxQueuedItems: options.maxQueuedTexts ?? PREDICTOR_DEFAULTS.maxQueuedTexts,
      ...(options.maxQueueMs === undefined ? {} : { maxQueueMs: options.maxQueueMs }),
      // The queue counts tokens, not texts: a long text costs what it costs (up to the model's max length).
      cost: (text) => this.textCost(text),
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

  /** The loaded model's info and short identity. */
  describe(): { info: ServedModelInfo; ref: ModelRef } {
    return { info: this.loaded().info, ref: this.modelRef! };
  }

  /** Texts waiting for a batch. */
  get pending(): number {
    return this.batcher.pending;
  }

  /** How long the texts now waiting will take, in ms, at the measured throughput (undefined before the first batch). */
  expectedWaitMs(): number | undefined {
    return this.batcher.expectedWaitMs();
  }

  /**
   * The `MODEL_QUEUE_FULL` error predicting `texts` (or that many short texts) would get now, or undefined when they
   * would be queued (a server asks with 1 before reading a request body).
   */
  refusal(texts: readonly string[] | number = 1): ModelError | undefined {
    if (typeof texts === 'number') return this.batcher.refusal(texts, texts * this.textCost(''));
    return this.batcher.refusal(
      texts.length,
      texts.reduce((sum, text) => sum + this.textCost(text), 0),
    );
  }

  /** Estimated tokens of one text (see `estimateTokens`); the model's max length bounds it once loaded. */
  private textCost(text: string): number {
    return estimateTokens(text, this.model?.info.maxLength ?? 512);
  }

  /** Predicts `texts` in order, batched with concurrent callers; `signal` cancels work not yet started. */
  async predict(texts: readonly string[], options: { signal?: AbortSignal } = {}): Promise<Prediction[]> {
    return (await this.predictWithRef(texts, options)).predictions;
  }

  /** Like {@link predict}, with the model's short identity. */
  async predictWithRef(
    texts: readonly string[],
    options: { signal?: AbortSignal } = {},
  ): Promise<{ predictions: Prediction[]; ref: ModelRef }> {
    this.loaded();
    const predictions = await this.batcher.submit(texts, options.signal);
    return { predictions, ref: this.modelRef! };
  }

  /**
   * Word attributions of `texts` (leave-one-word-out occlusion). The edited texts are planned on the model's thread,
   * then queued and batched like any texts: they count against the queue's bounds, and each text's attributions are
   * the same alone, in a batch, or through `SentiModel.explain`.
   */
  async explain(
    texts: readonly string[],
    options: ExplainOptions & { signal?: AbortSignal } = {},
  ): Promise<{ explanations: Explanation[]; ref: ModelRef }> {
    const model = this.loaded();
    const planOptions = options.maxWords === undefined ? {} : { maxWords: options.maxWords };
    const plans = model.planExplanations
      ? await model.planExplanations(texts, planOptions)
      : planExplanations(texts, undefined, planOptions);
    const edited = plans.flatMap((plan) => plan.texts);
    // Refuse the whole request at once rather than queue part of it.
    const refused = this.refusal(edited);
    if (refused !== undefined) throw refused;
    const predictions = await this.batcher.submit(edited, options.signal);
    const labels = model.info.labels;
    const rows = predictions.map((prediction) => labels.map((label) => prediction.probabilities[label] ?? 0));
    return { explanations: scoreExplanations(plans, rows, labels), ref: this.modelRef! };
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
      const { info } = model;
      this.modelRef = { id: info.id, encoder: info.encoder.model, dtype: info.encoder.dtype };
      await model.predict([warmupText]);
      if (this.currentState === 'loading') this.currentState = 'ready';
    } catch (error) {
      this.failure = error;
      if (this.currentState === 'loading') this.currentState = 'failed';
      throw error;
    }
  }

  private loaded(): Classifier {
    if (this.currentState === 'ready' && this.model !== undefined) return this.model;
    if (this.currentState === 'closing' || this.currentState === 'closed') {
      throw new ModelError('MODEL_CLOSING', 'the model is shutting down', 'runtime');
    }
    throw new ModelError(
      'MODEL_NOT_READY',
      this.currentState === 'failed' ? 'the model failed to load' : 'the model is still loading; retry shortly',
      'runtime',
    );
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

/** Options of {@link createPredictor}: how to load the model, where to run it, and how to batch. */
export type CreatePredictorOptions = LoadModelOptions &
  PredictorSettings & {
    warmupText?: string;
    /**
     * Run the model on its own worker thread (default true): the encoder's `session.run` then never blocks the caller's
     * event loop, with the same answers bit for bit. `false` loads it in the caller's thread.
     */
    thread?: boolean;
  };

/**
 * Loads a saved model directory (or a `senti export` directory) and returns a micro-batching predictor whose model runs
 * on a worker thread by default; `await predictor.ready` is already done when it resolves.
 */
export async function createPredictor(modelDir: string, options: CreatePredictorOptions = {}): Promise<Predictor> {
  const { maxBatchSize, maxWaitMs, maxQueuedTexts, maxQueueMs, warmupText, thread, ...load } = options;
  const predictor = new Predictor({
    loadModel: () => (thread === false ? loadClassifier(modelDir, load) : loadModelInThread(modelDir, load)),
    ...(maxBatchSize !== undefined ? { maxBatchSize } : {}),
    ...(maxWaitMs !== undefined ? { maxWaitMs } : {}),
    ...(maxQueuedTexts !== undefined ? { maxQueuedTexts } : {}),
    ...(maxQueueMs !== undefined ? { maxQueueMs } : {}),
    ...(warmupText !== undefined ? { warmupText } : {}),
  });
  await predictor.ready;
  return predictor;
}
