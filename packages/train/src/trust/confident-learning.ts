/** One row confident learning flags as a likely label error. */
export interface FlaggedRow {
  /** Index of the row in the probabilities given. */
  index: number;
  given: number;
  /** The most probable class (never the given one: a row whose given label is the most probable is not flagged). */
  suggested: number;
  pGiven: number;
  pSuggested: number;
  /** pSuggested - pGiven: how much more the model believes the suggested label (the ranking key). */
  margin: number;
}

/** What {@link confidentLearning} estimated and flagged. */
export interface ConfidentLearning {
  /** Per-class self-confidence threshold t_j = mean p_j over the rows labelled j (Infinity for a class nobody has). */
  thresholds: number[];
  /** Confident joint C[i][j]: rows labelled i whose confident class is j (raw counts, each diagonal at least 1). */
  confidentJoint: number[][];
  /** C calibrated to the label counts (row i sums to the rows labelled i, the whole to n), rounded to integers. */
  calibratedJoint: number[][];
  /** Q = calibrated joint / n: the estimated joint distribution of (given label i, true label j). */
  joint: number[][];
  /** Sum of the off-diagonal Q: the estimated share of rows whose given label is wrong. */
  noiseRate: number;
  /** Sum of the off-diagonal calibrated joint: the estimated number of wrong labels. */
  estimatedIssues: number;
  /** Flagged rows, most likely label error first. */
  flagged: FlaggedRow[];
}

/** cleanlab's FLOATING_POINT_COMPARISON: the slack of a threshold test, and the head start of the given label. */
const SLACK = 1e-6;
/** cleanlab's CONFIDENT_THRESHOLDS_LOWER_BOUND: a threshold of 0 would count every row as confident. */
const LOWEST_THRESHOLD = 2 * SLACK;

/**
 * Confident learning (Northcutt et al. 2021) as cleanlab's `find_label_issues` does it by default
 * (`filter_by='prune_by_noise_rate'`, `min_examples_per_class=1`, `frac_noise=1`), on out-of-fold probabilities:
 * - thresholds t_j = mean p_j over the rows labelled j (at least 2e-6);
 * - confident joint C: a row labelled i counts in C[i][j] where j is its one class with p_j >= t_j (of several, the
 *   most probable class); rows with none are not counted; each diagonal is raised to at least 1;
 * - C calibrated to the label counts and rounded keeping row totals (`calibrate_confident_joint`): the estimated
 *   number of rows labelled i whose true label is j is C[i][j], so Q = C / n and the noise rate is Q's off-diagonal;
 * - for each given class i (with more than one row) and each j != i, the C[i][j] rows labelled i with the largest
 *   p_j - p_i are flagged (`prune_by_noise_rate`); then rows whose most probable class is their given one (within
 *   1e-6) are let go;
 * - flagged rows suggest their most probable class and are ranked by p_suggested - p_given, largest first (cleanlab's
 *   `normalized_margin` order; ties: lower row first).
 * `probabilities` is row-major `[labels.length, numClasses]`. Sorts are stable (numpy's `kind='stable'`), so ties
 * are broken by row order.
 */
export function confidentLearning(
  labels: readonly number[],
  probabilities: ArrayLike<number>,
  numClasses: number,
): ConfidentLearning {
  const p = (row: number, column: number) => probabilities[row * numClasses + column] as number;
  const rows = labels.length;
  const sums = new Array<number>(numClasses).fill(0);
  const counts = new Array<number>(numClasses).fill(0);
  labels.forEach((label, row) => {
    sums[label]! += p(row, label);
    counts[label]! += 1;
  });
  // A class nobody is labelled with has no self-confidence: no row is confidently counted into it.
  const thresholds = sums.map((sum, label) =>
    counts[label]! > 0 ? Math.max(sum / counts[label]!, LOWEST_THRESHOLD) : Number.POSITIVE_INFINITY,
  );
  const argmax = (row: number) => {
    let best = 0;
    for (let column = 1; column < numClasses; column++) if (p(row, column) > p(row, best)) best = column;
    return best;
  };

  const confidentJoint = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  labels.forEach((given, row) => {
    let confident = -1;
    let several = false;
    for (let column = 0; column < numClasses; column++) {
      if (!(p(row, column) >= thresholds[column]! - SLACK)) continue;
      if (confident >= 0) several = true;
      else confident = column;
    }
    if (confident < 0) return;
    confidentJoint[given]![several ? argmax(row) : confident]! += 1;
  });
  confidentJoint.forEach((row, label) => (row[label] = Math.max(row[label]!, 1)));

  const calibratedJoint = calibrate(confidentJoint, counts, rows);
  let estimatedIssues = 0;
  calibratedJoint.forEach((row, given) =>
    row.forEach((count, truth) => (estimatedIssues += given === truth ? 0 : count)),
  );
  const joint = calibratedJoint.map((row) => row.map((count) => count / rows));
  const noiseRate = joint.reduce(
    (sum, row, given) => sum + row.reduce((inner, share, truth) => inner + (given === truth ? 0 : share), 0),
    0,
  );

  // prune_by_noise_rate on the calibrated joint, each class keeping at least one row.
  const prune = keepOnePerClass(calibratedJoint);
  const flaggedRows = new Set<number>();
  const byClass = Array.from({ length: numClasses }, () => [] as number[]);
  labels.forEach((label, row) => byClass[label]!.push(row));
  byClass.forEach((members, given) => {
    if (members.length <= 1) return;
    for (let truth = 0; truth < numClasses; truth++) {
      const take = prune[given]![truth]!;
      if (truth === given || take <= 0) continue;
      const margin = (row: number) => p(row, truth) - p(row, given);
      [...members]
        .sort((a, b) => margin(b) - margin(a))
        .slice(0, take)
        .forEach((row) => flaggedRows.add(row));
    }
  });

  const flagged: FlaggedRow[] = [];
  for (const row of [...flaggedRows].sort((a, b) => a - b)) {
    const given = labels[row]!;
    const suggested = argmax(row);
    // cleanlab's _reduce_issues: argmax with the given label's probability raised by the slack; given wins -> no issue.
    const raised = p(row, given) + SLACK;
    let beaten = false;
    for (let column = 0; column < numClasses; column++)
      if (column !== given && (p(row, column) > raised || (p(row, column) === raised && column < given))) beaten = true;
    if (!beaten) continue;
    flagged.push({
      index: row,
      given,
      suggested,
      pGiven: p(row, given),
      pSuggested: p(row, suggested),
      margin: p(row, suggested) - p(row, given),
    });
  }
  flagged.sort((a, b) => b.margin - a.margin || a.index - b.index);
  return { thresholds, confidentJoint, calibratedJoint, joint, noiseRate, estimatedIssues, flagged };
}

/**
 * cleanlab's `calibrate_confident_joint`: row i scaled to the `counts[i]` rows labelled i, the whole to `rows`, then
 * each row rounded to integers keeping its total.
 */
function calibrate(
  confidentJoint: readonly (readonly number[])[],
  counts: readonly number[],
  rows: number,
): number[][] {
  const scaled = confidentJoint.map((row, label) => {
    const total = row.reduce((sum, count) => sum + count, 0);
    return row.map((count) => (count / total) * counts[label]!);
  });
  const total = scaled.reduce((sum, row) => sum + row.reduce((inner, value) => inner + value, 0), 0);
  return scaled.map((row) => roundPreservingSum(row.map((value) => (value / total) * rows)));
}

/**
 * cleanlab's `round_preserving_sum`: round half to even (numpy's `round`), then move the rounded total onto the
 * rounded sum by adding 1 to the values rounded down the most (or taking 1 from those rounded up the most).
 */
export function roundPreservingSum(values: readonly number[]): number[] {
  const ints = values.map(roundHalfEven);
  const target = roundHalfEven(values.reduce((sum, value) => sum + value, 0));
  let current = ints.reduce((sum, value) => sum + value, 0);
  while (Math.abs(target - current) > 1e-6) {
    const step = target > current ? 1 : -1;
    const changes = Math.min(Math.abs(Math.round(target - current)), values.length);
    // numpy: argsort(values - ints)[::-step][:changes], a stable ascending sort read backwards for +1.
    const order = values.map((_, index) => index).sort((a, b) => values[a]! - ints[a]! - (values[b]! - ints[b]!));
    if (step > 0) order.reverse();
    for (const index of order.slice(0, changes)) ints[index]! += step;
    current = ints.reduce((sum, value) => sum + value, 0);
  }
  return ints;
}

/** Round half to even, as numpy's `round` (0.5 -> 0, 1.5 -> 2, 2.5 -> 2). */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const rest = value - floor;
  if (rest > 0.5) return floor + 1;
  if (rest < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * cleanlab's `_keep_at_least_n_per_class` (n = 1, frac_noise = 1) on the calibrated joint: a given class whose
 * diagonal is below 1 gets 1, taken evenly from its non-zero off-diagonal counts (at least 0, then truncated).
 */
function keepOnePerClass(calibratedJoint: readonly (readonly number[])[]): number[][] {
  return calibratedJoint.map((row, label) => {
    const diff = Math.max(row[label]!, 1) - row[label]!;
    if (diff === 0) return [...row];
    const nonZero = Math.max(row.filter((count) => count !== 0).length - 1, 1);
    return row.map((count, truth) => (truth === label ? 1 : Math.trunc(Math.max(count - diff / nonZero, 0))));
  });
}
