/** One row confident learning flags as a likely label error. */
export interface FlaggedRow {
  /** Index of the row in the probabilities given. */
  index: number;
  given: number;
  suggested: number;
  pGiven: number;
  pSuggested: number;
  /** pSuggested - pGiven: how much more the model believes the suggested label (the ranking key). */
  margin: number;
}

/**
 * Confident learning (Northcutt et al. 2021) on out-of-fold probabilities, with this exact rule:
 * - per-class self-confidence threshold t_j = mean of p_j over the rows labelled j;
 * - a row labelled i is flagged when p_i < t_i and some other class j has p_j >= t_j;
 * - its suggested label is the class j != i with p_j >= t_j and the largest p_j (lowest index on a tie);
 * - flagged rows are ranked by margin p_suggested - p_given, largest first (ties: lower row first).
 * `probabilities` is row-major `[labels.length, numClasses]`.
 */
export function confidentLearning(labels: readonly number[], probabilities: ArrayLike<number>, numClasses: number): { thresholds: number[]; flagged: FlaggedRow[] } {
  const sums = new Array<number>(numClasses).fill(0);
  const counts = new Array<number>(numClasses).fill(0);
  labels.forEach((label, row) => {
    sums[label]! += probabilities[row * numClasses + label] as number;
    counts[label]! += 1;
  });
  // A class nobody is labelled with has no self-confidence: nothing can be suggested into it.
  const thresholds = sums.map((sum, label) => (counts[label]! > 0 ? sum / counts[label]! : Number.POSITIVE_INFINITY));
  const flagged: FlaggedRow[] = [];
  labels.forEach((given, row) => {
    const p = (column: number) => probabilities[row * numClasses + column] as number;
    if (!(p(given) < thresholds[given]!)) return;
    let suggested = -1;
    for (let column = 0; column < numClasses; column++) {
      if (column === given || p(column) < thresholds[column]!) continue;
      if (suggested < 0 || p(column) > p(suggested)) suggested = column;
    }
    if (suggested < 0) return;
    flagged.push({ index: row, given, suggested, pGiven: p(given), pSuggested: p(suggested), margin: p(suggested) - p(given) });
  });
  flagged.sort((a, b) => b.margin - a.margin || a.index - b.index);
  return { thresholds, flagged };
}
