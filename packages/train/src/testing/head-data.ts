import { seededRandom } from '@senti/base';
import type { Split } from '../types.js';

/** Gaussian clusters: class c's rows are centred on a random point; used by the tests. */
export function gaussianClusters(n: number, inputSize: number, numClasses: number, seed: number, spread = 1): Split {
  const random = seededRandom(seed);
  const centres = Array.from({ length: numClasses }, () =>
    Array.from({ length: inputSize }, () => (random() * 2 - 1) * 1.5),
  );
  const features = new Float32Array(n * inputSize);
  const labels: number[] = [];
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  for (let row = 0; row < n; row += 1) {
    const label = row % numClasses;
    labels.push(label);
    for (let column = 0; column < inputSize; column += 1)
      features[row * inputSize + column] = centres[label]![column]! + spread * normal();
  }
  return { features, labels };
}
