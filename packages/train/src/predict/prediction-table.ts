import { formatCsv } from '@senti/data';
import { markedText, type AnsweredPrediction, type Explanation } from '@senti/model';
import type { PredictionInput } from './prediction-input.js';

/** Columns a predictions file adds to each input row (then `abstained` when abstaining, and one `p_<label>` per label). */
export const PREDICTION_COLUMNS = ['predicted_label', 'predicted_score'] as const;

/** What a predictions table is made of: the input rows, one prediction per row (none for an empty text), the labels. */
export interface PredictedRows {
  input: PredictionInput;
  /** One per input row; undefined where the text is empty. */
  predictions: readonly (AnsweredPrediction | undefined)[];
  /** One per input row when explaining; undefined where the text is empty. */
  explanations?: readonly (Explanation | undefined)[];
  labelNames: readonly string[];
  /** The abstention threshold in effect; with one, the table has an `abstained` column. */
  threshold?: number;
}

/** A row of a JSON predictions file: the input columns, `predicted_label`, `predicted_score`, `abstained`, `probabilities`. */
export type PredictionRow = Record<string, string | number | boolean | null | Record<string, number>>;

/** The input columns (minus any earlier prediction columns) followed by the prediction columns. */
function outputColumns(
  input: PredictionInput,
  labels: readonly string[],
  abstaining: boolean,
): { keep: number[]; header: string[] } {
  const added = [...PREDICTION_COLUMNS, ...(abstaining ? ['abstained'] : []), ...labels.map((label) => `p_${label}`)];
  const keep = input.columns.flatMap((name, index) => (added.includes(name) ? [] : [index]));
  return { keep, header: [...keep.map((index) => input.columns[index]!), ...added] };
}

/** The input with an `explanation` column: each text with `word(+0.31)` marks. */
function withExplanationColumn(
  input: PredictionInput,
  explanations: readonly (Explanation | undefined)[],
): PredictionInput {
  // An `explanation` column already in the input (an earlier run's output) is replaced, not repeated.
  const existing = input.columns.indexOf('explanation');
  const column = existing >= 0 ? existing : input.columns.length;
  const rows = input.rows.map((row, index) => {
    const explanation = explanations[index];
    const cells = [...row];
    cells[column] = explanation === undefined ? '' : markedText(explanation);
    return cells;
  });
  return { ...input, columns: existing >= 0 ? input.columns : [...input.columns, 'explanation'], rows };
}

/** The rows a file gets: the input, with the explanation column when explaining. */
function tableOf(predicted: PredictedRows): PredictionInput {
  return predicted.explanations === undefined
    ? predicted.input
    : withExplanationColumn(predicted.input, predicted.explanations);
}

/** The predictions as CSV: every input column kept (earlier prediction columns replaced), then the prediction columns. */
export function predictionsCsv(predicted: PredictedRows): string {
  const input = tableOf(predicted);
  const { labelNames: labels, predictions } = predicted;
  const abstaining = predicted.threshold !== undefined;
  const { keep, header } = outputColumns(input, labels, abstaining);
  return formatCsv(
    header,
    input.rows.map((row, index) => {
      const prediction = predictions[index];
      const cells = keep.map((column) => row[column] ?? '');
      if (prediction === undefined) return [...cells, '', '', ...(abstaining ? [''] : []), ...labels.map(() => '')];
      // An abstained row keeps its score and probabilities; only the label is withheld (empty).
      return [
        ...cells,
        prediction.label ?? '',
        prediction.score,
        ...(abstaining ? [prediction.abstained] : []),
        ...labels.map((label) => prediction.probabilities[label] ?? 0),
      ];
    }),
  );
}

/** The rows of a JSON predictions file: input columns, then `predicted_label`, `predicted_score`, `probabilities`. */
export function predictionRows(predicted: PredictedRows): PredictionRow[] {
  const input = tableOf(predicted);
  const { predictions } = predicted;
  const abstaining = predicted.threshold !== undefined;
  const { keep } = outputColumns(input, predicted.labelNames, abstaining);
  return input.rows.map((row, index) => ({
    ...Object.fromEntries(keep.map((column) => [input.columns[column]!, row[column] ?? ''])),
    predicted_label: predictions[index]?.label ?? null,
    predicted_score: predictions[index]?.score ?? null,
    ...(abstaining ? { abstained: predictions[index]?.abstained ?? null } : {}),
    probabilities: predictions[index]?.probabilities ?? null,
  }));
}

/** The text of a predictions file in `format`: CSV, or JSON rows (indented, newline-terminated). */
export function formatPredictions(predicted: PredictedRows, format: 'csv' | 'json'): string {
  return format === 'json' ? `${JSON.stringify(predictionRows(predicted), null, 2)}\n` : predictionsCsv(predicted);
}
