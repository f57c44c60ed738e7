import type { ExplainOptions, Explanation } from './explanation.js';
import { planExplanation, type ExplanationPlan, type TokenWindow } from './plan-explanation.js';
import { scoreExplanation } from './score-explanation.js';

/** A model as explaining needs it: class probabilities of texts (batch-invariant), its labels and token window. */
export interface ProbabilityModel {
  /** Class names in class-index order. */
  labelNames: readonly string[];
  /** Calibrated class probabilities of each text, rows in input order. */
  probabilities(texts: readonly string[]): Promise<(readonly number[])[]>;
  /** The model's tokenizer and max length; without it texts are explained whole. */
  window?: TokenWindow;
}

/** Plans the occlusion of several texts. */
export function planExplanations(
  texts: readonly string[],
  window: TokenWindow | undefined,
  options: ExplainOptions = {},
): ExplanationPlan[] {
  return texts.map((text) => planExplanation(text, window, options));
}

/** Scores planned texts given the probabilities of every planned text, in plan order. */
export function scoreExplanations(
  plans: readonly ExplanationPlan[],
  rows: readonly (readonly number[])[],
  labelNames: readonly string[],
): Explanation[] {
  let at = 0;
  return plans.map((plan) => {
    const own = rows.slice(at, (at += plan.texts.length));
    return scoreExplanation(plan, own, labelNames);
  });
}

/**
 * Word attributions by leave-one-word-out occlusion: each word's score per class is p(class | text) − p(class | text
 * without the word). All edited texts go to the model in one call; as its features are batch-invariant, a text's
 * attributions are the same alone or beside others.
 */
export async function explainTexts(
  model: ProbabilityModel,
  texts: readonly string[],
  options: ExplainOptions = {},
): Promise<Explanation[]> {
  const plans = planExplanations(texts, model.window, options);
  const rows = await model.probabilities(plans.flatMap((plan) => plan.texts));
  return scoreExplanations(plans, rows, model.labelNames);
}

/** Rows of a row-major probability matrix. */
export function probabilityRows(flat: Float32Array, classes: number): number[][] {
  return Array.from({ length: flat.length / classes }, (_, row) =>
    Array.from(flat.subarray(row * classes, (row + 1) * classes)),
  );
}
