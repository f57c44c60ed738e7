/**
 * numpy's pairwise summation (`np.add.reduce` on float64), reproduced so that averages match numpy to the last bit:
 * fewer than 8 values are summed in order; up to 128 values use 8 interleaved accumulators; longer runs are split.
 */
export function pairwiseSum(values: readonly number[], start = 0, length = values.length - start): number {
  const at = (i: number): number => values[start + i] as number;
  if (length < 8) {
    let sum = 0;
    for (let i = 0; i < length; i++) sum += at(i);
    return sum;
  }
  if (length <= 128) {
    const r = [at(0), at(1), at(2), at(3), at(4), at(5), at(6), at(7)];
    let i = 8;
    for (; i < length - (length % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] = (r[j] as number) + at(i + j);
    }
    const [r0, r1, r2, r3, r4, r5, r6, r7] = r as [number, number, number, number, number, number, number, number];
    let sum = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < length; i++) sum += at(i);
    return sum;
  }
  let half = Math.floor(length / 2);
  half -= half % 8;
  return pairwiseSum(values, start, half) + pairwiseSum(values, start + half, length - half);
}

/** `np.average(values)` or, with weights, `np.average(values, weights=weights)`. */
export function numpyAverage(values: readonly number[], weights?: readonly number[]): number {
  if (weights === undefined) return pairwiseSum(values) / values.length;
  const products = values.map((value, i) => value * (weights[i] as number));
  return pairwiseSum(products) / pairwiseSum(weights);
}
