import type { Prediction } from '../artifact/predictions.js';
import type { ExplainOptions } from '../explain/explanation.js';
import type { ExplanationPlan } from '../explain/plan-explanation.js';
import type { ServedModelInfo } from './served-model-info.js';

/** What a classifier says about itself: labels, encoder, max length, calibration, abstention (never a local path). */
export type ClassifierInfo = ServedModelInfo;

/**
 * A text classifier, whatever made it: a run just trained (`fineTune(...).model`), a saved model (`loadModel`), an
 * export (`loadClassifier` of a `senti export` directory), or any of these on a worker thread (`loadModelInThread`).
 * A `Predictor` serves any of them, and the same text gets the same answer from each route.
 */
export interface Classifier {
  /** What the model says about itself (labels, encoder, max length...). */
  readonly info: ClassifierInfo;
  /** The most probable label of each text, with its score and all probabilities, in order. */
  predict(texts: readonly string[]): Promise<Prediction[]>;
  /** The texts to encode to explain each text, planned with the model's tokenizer (absent: texts are explained whole). */
  planExplanations?(texts: readonly string[], options?: ExplainOptions): ExplanationPlan[] | Promise<ExplanationPlan[]>;
  /** Frees the model. */
  dispose(): Promise<void>;
}
