import type { WordSpan } from './words.js';

/** How much one word moved each class's probability. */
export interface WordAttribution extends WordSpan {
  /** p(predicted class | text) − p(predicted class | text without this word): positive words support the prediction. */
  score: number;
  /** The same difference for every class, by label name. */
  scores: Record<string, number>;
}

/** Which words were explained, and why some were not. */
export interface ExplanationCoverage {
  /** Words in the text. */
  words: number;
  /** Words explained (the first ones). */
  explained: number;
  /** Why not all: `words` (over the word cap) or `tokens` (past the model's maximum length: it never sees them). */
  limitedBy?: 'words' | 'tokens';
  /** One sentence saying what was explained, e.g. "explained the first 64 of 80 words (cap 64)". */
  note: string;
}

/** The method's check of itself: leave-one-out scores vs removing every explained word at once. */
export interface ExplanationCheck {
  /** p(predicted class | text) − p(predicted class | text with every explained word removed). */
  dropAllWords: number;
  /** Sum of the words' scores for the predicted class; close to `dropAllWords` when words act independently. */
  sumOfScores: number;
}

/** Word attributions of one text, by leave-one-word-out occlusion. */
export interface Explanation {
  /** The text as given. */
  text: string;
  /** The predicted class (of the explained part of the text). */
  label: string;
  /** Its index. */
  labelIndex: number;
  /** Calibrated probabilities of the explained part of the text (the whole text unless cut, see `coverage`). */
  probabilities: Record<string, number>;
  /** One entry per explained word, in text order. */
  words: WordAttribution[];
  coverage: ExplanationCoverage;
  check: ExplanationCheck;
}

/** Options of `explain`. */
export interface ExplainOptions {
  /** Most words explained per text (the first ones); each costs one more text to encode. Default 64. */
  maxWords?: number;
}

/** The default cap on explained words per text. */
export const DEFAULT_MAX_WORDS = 64;
