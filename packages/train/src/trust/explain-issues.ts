import {
  ClassificationHead,
  explainTexts,
  probabilityRows,
  tokenWindowOf,
  type Encoder,
  type HeadConfig,
} from '@senti/model';

/** A fold's head, kept after its fold so the rows it held out can be explained by the very head that scored them. */
export interface KeptFoldHead {
  config: HeadConfig;
  weights: Float32Array[];
  /** Cleaned-data rows this head did not see. */
  heldOut: readonly number[];
}

/** A word behind a suggested label: how much p(suggested) falls without it. */
export interface SuggestionWord {
  word: string;
  start: number;
  end: number;
  score: number;
}

/** Most flagged rows explained (each costs one encoding per word); the rest get no words. */
export const EXPLAINED_ISSUES = 200;

/**
 * The words behind each suggestion: for flagged row r with suggested class j, leave-one-word-out scores
 * p(j | text) − p(j | text without the word) under the head that held r out (the one whose probabilities flagged it),
 * best first, only words that raise p(j), at most `top`.
 */
export async function wordsBehindSuggestions(
  encoder: Encoder,
  maxLength: number,
  labelNames: readonly string[],
  folds: readonly KeptFoldHead[],
  issues: readonly { index: number; text: string; suggested: number }[],
  top = 5,
): Promise<(SuggestionWord[] | undefined)[]> {
  const out = new Array<SuggestionWord[] | undefined>(issues.length);
  const window = tokenWindowOf(encoder.tokenizer, maxLength);
  const explained = issues.slice(0, EXPLAINED_ISSUES);
  for (const fold of folds) {
    const held = new Set(fold.heldOut);
    const mine = explained.flatMap((issue, position) => (held.has(issue.index) ? [position] : []));
    if (mine.length === 0) continue;
    const head = new ClassificationHead(fold.config, fold.weights);
    try {
      const probabilities = async (texts: readonly string[]) =>
        probabilityRows(
          await head.predictProba(await encoder.encode(texts, { maxLength }), texts.length),
          labelNames.length,
        );
      const explanations = await explainTexts(
        { labelNames, probabilities, window },
        mine.map((position) => explained[position]!.text),
      );
      mine.forEach((position, index) => {
        const suggested = labelNames[explained[position]!.suggested]!;
        out[position] = explanations[index]!.words.map(({ word, start, end, scores }) => ({
          word,
          start,
          end,
          score: scores[suggested]!,
        }))
          .filter((word) => word.score >= 0.005)
          .sort((a, b) => b.score - a.score)
          .slice(0, top);
      });
    } finally {
      head.dispose();
    }
  }
  return out;
}

/** `terrible(+0.41) awful(+0.12)`: the words of a suggestion for a CSV cell. */
export function suggestionWordsCell(words: readonly SuggestionWord[] | undefined): string {
  return (words ?? []).map((word) => `${word.word}(+${word.score.toFixed(2)})`).join(' ');
}
