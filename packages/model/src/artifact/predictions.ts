/** One text's predicted class. */
export interface Prediction {
  /** Name of the most probable class. */
  label: string;
  /** Index of the most probable class. */
  labelIndex: number;
  /** Its probability. */
  score: number;
  /** Probability of every class, by name. */
  probabilities: Record<string, number>;
}

/** Turn row-major class probabilities into named predictions. */
export function toPredictions(probabilities: Float32Array, labelNames: readonly string[]): Prediction[] {
  const numClasses = labelNames.length;
  const predictions: Prediction[] = [];
  for (let row = 0; row * numClasses < probabilities.length; row += 1) {
    const named: Record<string, number> = {};
    let best = 0;
    for (let column = 0; column < numClasses; column += 1) {
      const value = probabilities[row * numClasses + column]!;
      named[labelNames[column]!] = value;
      if (value > probabilities[row * numClasses + best]!) best = column;
    }
    predictions.push({
      label: labelNames[best]!,
      labelIndex: best,
      score: probabilities[row * numClasses + best]!,
      probabilities: named,
    });
  }
  return predictions;
}
