import { writeFileAtomic } from '@senti/base';
import { explanationsHtml } from '@senti/model';
import type { FineTuneResult } from './fine-tune.js';
import type { TestRow } from './save-run.js';

/** The page of a run directory that shows the most confident test mistakes with the words behind them. */
export const EXPLANATIONS_FILE = 'explanations.html';

/** How many mistakes the page explains (each costs one encoding per word). */
export const EXPLAINED_MISTAKES = 20;

/** Explains the most confident test mistakes and writes them as a self-contained page (no network, no scripts). */
export async function writeExplanationsPage(
  result: Pick<FineTuneResult, 'model' | 'splits'>,
  mistakes: readonly TestRow[],
  file: string,
): Promise<void> {
  const shown = mistakes.slice(0, EXPLAINED_MISTAKES);
  const explanations = await result.model.explain(shown.map((row) => row.text));
  const total = mistakes.length;
  const intro =
    total === 0
      ? 'The model made no mistakes on the test split.'
      : `The ${shown.length} most confident of the ${total} mistakes on the test split (all in misclassified.csv), with the words that drove each prediction.`;
  await writeFileAtomic(
    file,
    explanationsHtml({
      title: 'Why the model got these wrong',
      intro,
      rows: explanations.map((explanation, index) => ({ explanation, trueLabel: shown[index]!.label })),
    }),
  );
}
