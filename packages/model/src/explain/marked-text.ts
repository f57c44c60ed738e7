import { escapeControl } from '@senti/errors';
import type { Explanation } from './explanation.js';

/** Words whose score rounds to 0.00 are left unmarked. */
export const UNMARKED_BELOW = 0.005;

/** A score as `+0.31` / `-0.07`. */
export function signedScore(score: number): string {
  return `${score >= 0 ? '+' : '-'}${Math.abs(score).toFixed(2)}`;
}

/** `terrible(+0.41)`: a word with its score, or the word alone when the score rounds to 0.00. */
function plainMark(word: string, score: number): string {
  return Math.abs(score) < UNMARKED_BELOW ? word : `${word}(${signedScore(score)})`;
}

/**
 * The text with each word's score as `terrible(+0.41)` marks, on one line (whitespace collapsed, control characters
 * escaped): what a predictions file's `explanation` column holds. `mark` restyles each (escaped) word instead, e.g.
 * with colours on a terminal.
 */
export function markedText(
  explanation: Explanation,
  mark: (word: string, score: number) => string = plainMark,
): string {
  let out = '';
  let at = 0;
  for (const word of explanation.words) {
    out += escapeControl(explanation.text.slice(at, word.start));
    out += mark(escapeControl(word.word), word.score);
    at = word.end;
  }
  return (out + escapeControl(explanation.text.slice(at))).replace(/\s+/g, ' ').trim();
}
