export { splitWords, withoutWords, type WordSpan } from './words.js';
export {
  DEFAULT_MAX_WORDS,
  type ExplainOptions,
  type Explanation,
  type ExplanationCheck,
  type ExplanationCoverage,
  type WordAttribution,
} from './explanation.js';
export { planExplanation, tokenWindowOf, type ExplanationPlan, type TokenWindow } from './plan-explanation.js';
export { scoreExplanation } from './score-explanation.js';
export {
  explainTexts,
  planExplanations,
  probabilityRows,
  scoreExplanations,
  type ProbabilityModel,
} from './explain-texts.js';
export {
  explanationsHtml,
  highlightedHtml,
  scoreColour,
  type ExplainedRow,
  type ExplanationsHtmlOptions,
} from './explanations-html.js';
export { markedText, signedScore, UNMARKED_BELOW } from './marked-text.js';
