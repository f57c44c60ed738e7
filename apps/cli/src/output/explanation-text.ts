import { escapeControl } from '@senti/errors';
import { markedText as plainMarkedText, signedScore, UNMARKED_BELOW, type Explanation } from '@senti/model';

/** Whether stdout gets colours: a terminal, unless `NO_COLOR` is set; `FORCE_COLOR` (not 0) forces them. */
export function wantsColour(stream: NodeJS.WritableStream): boolean {
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0') return true;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  return Boolean((stream as NodeJS.WriteStream).isTTY);
}

/** ANSI background for a score: green supports the predicted label, red pulls against it; stronger = brighter. */
function paint(word: string, score: number): string {
  if (Math.abs(score) < 0.05) return word;
  const strong = Math.abs(score) >= 0.2;
  const background = score > 0 ? (strong ? 42 : 102) : strong ? 41 : 101;
  return `\x1b[${background};30m${word}\x1b[0m`;
}

/** The text with each word's score: `terrible(+0.41)` marks, or coloured words on a terminal (control characters escaped). */
export function markedText(explanation: Explanation, options: { colour?: boolean } = {}): string {
  return options.colour ? plainMarkedText(explanation, paint) : plainMarkedText(explanation);
}

/** The words that moved the prediction most, strongest first, as `terrible +0.41, boring +0.22`. */
export function topWords(explanation: Explanation, count = 3): string {
  const ranked = [...explanation.words]
    .filter((word) => Math.abs(word.score) >= UNMARKED_BELOW)
    .sort((a, b) => Math.abs(b.score) - Math.abs(a.score));
  return ranked
    .slice(0, count)
    .map((word) => `${escapeControl(word.word)} ${signedScore(word.score)}`)
    .join(', ');
}

/** What the marks mean, printed once above the explanations. */
export function explanationLegend(colour: boolean): string {
  const marks = colour
    ? `\x1b[42;30m green \x1b[0m raises the predicted label's probability, \x1b[41;30m red \x1b[0m lowers it (bright: 0.05–0.2, deep: 0.2 or more)`
    : "word(+0.31): the predicted label's probability falls 0.31 without that word; word(-0.07): it rises 0.07";
  return `Why (leave-one-word-out: each word's score is p(label | text) − p(label | text without the word)):\n${marks}`;
}

/** The block printed under the predictions table: legend, then each text marked, its label and coverage. */
export function explanationsBlock(explanations: readonly (Explanation | undefined)[], colour: boolean): string {
  const lines = [explanationLegend(colour)];
  explanations.forEach((explanation, index) => {
    if (explanation === undefined) return;
    lines.push(
      '',
      `${index + 1}. ${escapeControl(explanation.label)} ${explanation.probabilities[explanation.label]!.toFixed(3)}  ${markedText(explanation, { colour })}`,
    );
    const top = topWords(explanation);
    lines.push(`   ${top === '' ? 'no single word moves it' : `top: ${top}`}; ${explanation.coverage.note}`);
  });
  return lines.join('\n');
}

/** An explanation for `--json`: the words with their offsets and scores, coverage and check. */
export function explanationJson(explanation: Explanation) {
  const { label, words, coverage, check } = explanation;
  return {
    label,
    words: words.map(({ word, start, end, score, scores }) => ({ word, start, end, score, scores })),
    coverage,
    check,
  };
}
