import type { Explanation } from './explanation.js';
import type { ExplanationPlan } from './plan-explanation.js';

/** Turns a plan and the class probabilities of its texts (rows in `plan.texts` order) into word attributions. */
export function scoreExplanation(
  plan: ExplanationPlan,
  rows: readonly (readonly number[])[],
  labelNames: readonly string[],
): Explanation {
  const base = rows[0]!;
  let labelIndex = 0;
  for (let c = 1; c < base.length; c++) if (base[c]! > base[labelIndex]!) labelIndex = c;
  const named = (values: readonly number[]) => Object.fromEntries(labelNames.map((label, c) => [label, values[c]!]));
  const words = plan.words.map((word, index) => {
    const edited = rows[index + 1]!;
    const differences = base.map((p, c) => p - edited[c]!);
    return { ...word, score: differences[labelIndex]!, scores: named(differences) };
  });
  const allRemoved = rows[plan.words.length + 1]!;
  return {
    text: plan.text,
    label: labelNames[labelIndex]!,
    labelIndex,
    probabilities: named(base),
    words,
    coverage: plan.coverage,
    check: {
      dropAllWords: base[labelIndex]! - allRemoved[labelIndex]!,
      sumOfScores: words.reduce((sum, word) => sum + word.score, 0),
    },
  };
}
