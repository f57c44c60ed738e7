import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writeFileAtomic } from '@senti/base';
import { encoderBuildDir } from './build-cache-dir.js';
import {
  explainTexts,
  planExplanations,
  probabilityRows,
  saveModel,
  toPredictions,
  tokenWindowOf,
  writeModelCard,
  type ClassificationHead,
  type Classifier,
  type ClassifierInfo,
  type Encoder,
  type ExplainOptions,
  type Explanation,
  type ExplanationPlan,
  type ModelCardInfo,
  type Prediction,
} from '@senti/model';
import { publicEncoderName } from '@senti/model/serving';
import { type LayerParameter, type TunedLayersInfo } from '@senti/model/layers';
import type { SplitRecord } from './prepare-splits.js';

/** The file in a saved model directory that records the run's split (so `evaluateModel` re-reads it). */
export const SPLIT_FILE = 'split.json';

/** What a trained model keeps besides its encoder and head. */
export interface TrainedModelInfo {
  maxLength: number;
  labelNames: string[];
  metrics: Record<string, unknown>;
  training: Record<string, unknown>;
  split: SplitRecord;
  /** Default abstention threshold to store in senti.json (chosen for a target accuracy). */
  abstention?: { threshold: number; targetAccuracy?: number };
  /** What the model card (README.md in the model directory) says about the data, split, settings and test report. */
  card?: ModelCardInfo;
  /** Fine-tuned encoder layers (`unfreeze` > 0): saved as layers.bin beside head.bin. */
  tuned?: { info: Omit<TunedLayersInfo, 'file' | 'sha256' | 'tensors'>; parameters: () => Promise<LayerParameter[]> };
}

/** A fine-tuned model in memory: predict with it, serve it (it is a `Classifier`), save it, dispose it. */
export class TrainedModel implements Classifier {
  /** What it keeps (split, metrics, settings, card) and what any classifier says about itself (labels, encoder...). */
  readonly info: TrainedModelInfo & ClassifierInfo;

  constructor(
    readonly encoder: Encoder,
    readonly head: ClassificationHead,
    info: TrainedModelInfo,
  ) {
    this.info = { ...info, ...trainedClassifierInfo(encoder, head, info) };
  }

  /** Class names in class-index order. */
  get labelNames(): string[] {
    return this.info.labelNames;
  }

  /** Row-major `[texts.length, classes]` probabilities (same route as a loaded model's). */
  async predictProba(texts: readonly string[]): Promise<Float32Array> {
    if (texts.length === 0) return new Float32Array(0);
    const features = await this.encoder.encode(texts, { maxLength: this.info.maxLength });
    return this.head.predictProba(features, texts.length);
  }

  /** The most probable label of each text, with its score and every class probability. */
  async predict(texts: readonly string[]): Promise<Prediction[]> {
    return toPredictions(await this.predictProba(texts), this.info.labelNames);
  }

  /** Word attributions of each text, exactly as the saved model's `explain` gives them. */
  explain(texts: readonly string[], options: ExplainOptions = {}): Promise<Explanation[]> {
    const window = tokenWindowOf(this.encoder.tokenizer, this.info.maxLength);
    const probabilities = async (texts: readonly string[]) =>
      probabilityRows(await this.predictProba(texts), this.info.labelNames.length);
    return explainTexts({ labelNames: this.info.labelNames, probabilities, window }, texts, options);
  }

  /** Writes the model directory (senti.json, head weights, split.json); load it back with `loadModel`/`createPredictor`. */
  async save(dir: string, options: { bundleEncoder?: boolean } = {}): Promise<void> {
    const { cacheDir, cache } = this.info.training as { cacheDir?: string; cache?: boolean };
    const buildDir = encoderBuildDir({
      ...(typeof cacheDir === 'string' ? { cacheDir } : {}),
      ...(cache === false ? { cache } : {}),
    });
    await saveModel(dir, {
      ...(buildDir ? { cacheDir: buildDir } : {}),
      ...(options.bundleEncoder !== undefined ? { bundleEncoder: options.bundleEncoder } : {}),
      head: this.head,
      encoder: {
        ...this.encoder.info,
        ...(this.encoder.source.path ? { path: this.encoder.source.path } : {}),
        ...(this.encoder.layout
          ? { weights: this.encoder.layout.weights, architecture: this.encoder.layout.architecture }
          : {}),
      },
      maxLength: this.info.maxLength,
      labelNames: this.info.labelNames,
      metrics: this.info.metrics,
      training: this.info.training,
      ...(this.info.abstention ? { abstention: this.info.abstention } : {}),
      ...(this.info.tuned
        ? { tunedLayers: { info: this.info.tuned.info, parameters: await this.info.tuned.parameters() } }
        : {}),
    });
    await writeFileAtomic(join(dir, SPLIT_FILE), `${JSON.stringify(this.info.split)}\n`);
    await writeModelCard(dir, this.info.card ?? {});
  }

  /** The texts to encode to explain each text (so a `Predictor` serving this model batches them with other work). */
  planExplanations(texts: readonly string[], options: ExplainOptions = {}): ExplanationPlan[] {
    return planExplanations(texts, tokenWindowOf(this.encoder.tokenizer, this.info.maxLength), options);
  }

  /** Frees the encoder session and the head's tensors. */
  async dispose(): Promise<void> {
    this.head.dispose();
    await this.encoder.dispose();
  }
}

/** The classifier info of a model just trained: what `loadModel` of its saved directory reports, minus the file's identity. */
function trainedClassifierInfo(encoder: Encoder, head: ClassificationHead, info: TrainedModelInfo): ClassifierInfo {
  const { model, dtype, pooling, hiddenSize, fileHash } = encoder.info;
  const served: Omit<ClassifierInfo, 'id'> = {
    source: 'trained',
    labels: [...info.labelNames],
    encoder: { model: publicEncoderName(model), dtype, pooling, hiddenSize, fileHash },
    maxLength: info.maxLength,
    metrics: info.metrics,
    training: info.training,
    ...(head.temperature !== 1
      ? { calibration: { method: 'temperature' as const, temperature: head.temperature } }
      : {}),
    ...(info.abstention ? { abstention: info.abstention } : {}),
  };
  return { id: createHash('sha256').update(JSON.stringify(served)).digest('hex').slice(0, 12), ...served };
}
