import { MetricsError } from '@senti/errors';
import { checkRows } from './check-probabilities.js';

/** Bounds of the temperature search: outside them a temperature says more about the data than about calibration. */
export const TEMPERATURE_BOUNDS = [0.01, 100] as const;

/** What {@link fitTemperature} found. */
export interface TemperatureFit {
  /** The temperature T that minimises the mean NLL of softmax(logits / T); divide logits by it before the softmax. */
  temperature: number;
  /** Mean NLL at T = 1. */
  nllBefore: number;
  /** Mean NLL at the fitted T. */
  nllAfter: number;
  /**
   * Set when the fit stopped at a bound of {@link TEMPERATURE_BOUNDS}: `lower` when the rows are separated perfectly
   * (the NLL keeps falling as T -> 0, so T says nothing about calibration), `upper` when the logits carry no signal.
   */
  atBound?: 'lower' | 'upper';
}

/**
 * Temperature scaling (Guo et al. 2017): the single T > 0 minimising the mean negative log-likelihood of
 * softmax(logits / T) on labelled rows (usually the validation split). `logits` is row-major `[n, numClasses]`;
 * log-probabilities work as well (softmax ignores a per-row shift). The NLL is convex in 1/T, so the fit bisects the
 * sign of its derivative over log T within {@link TEMPERATURE_BOUNDS} to machine precision; it equals scipy's
 * minimiser of the same NLL.
 */
export function fitTemperature(
  yTrue: ArrayLike<number>,
  logits: ArrayLike<number>,
  numClasses: number,
): TemperatureFit {
  const labels = checkRows(yTrue, logits, numClasses, 'logits');
  const values = Float64Array.from(logits as ArrayLike<number>);
  let low = -Math.log(TEMPERATURE_BOUNDS[1]); // log of the inverse temperature beta
  let high = -Math.log(TEMPERATURE_BOUNDS[0]);
  if (nllSlope(labels, values, numClasses, Math.exp(low)) >= 0) high = low;
  else if (nllSlope(labels, values, numClasses, Math.exp(high)) <= 0) low = high;
  for (let step = 0; step < 200 && high - low > 1e-15; step++) {
    const middle = (low + high) / 2;
    if (nllSlope(labels, values, numClasses, Math.exp(middle)) > 0) high = middle;
    else low = middle;
  }
  const temperature = Math.exp(-(low + high) / 2);
  const atBound =
    temperature <= TEMPERATURE_BOUNDS[0] * (1 + 1e-9)
      ? 'lower'
      : temperature >= TEMPERATURE_BOUNDS[1] * (1 - 1e-9)
        ? 'upper'
        : undefined;
  return {
    temperature,
    nllBefore: meanNll(labels, values, numClasses, 1),
    nllAfter: meanNll(labels, values, numClasses, 1 / temperature),
    ...(atBound ? { atBound } : {}),
  };
}

/** softmax(logits / temperature) per row, row-major `[n, numClasses]`. */
export function temperatureSoftmax(logits: ArrayLike<number>, numClasses: number, temperature: number): Float64Array {
  checkTemperature(temperature);
  const output = new Float64Array(logits.length);
  for (let start = 0; start < logits.length; start += numClasses) {
    let max = -Infinity;
    for (let k = 0; k < numClasses; k++) max = Math.max(max, (logits[start + k] as number) / temperature);
    let sum = 0;
    for (let k = 0; k < numClasses; k++)
      sum += output[start + k] = Math.exp((logits[start + k] as number) / temperature - max);
    for (let k = 0; k < numClasses; k++) output[start + k] = (output[start + k] as number) / sum;
  }
  return output;
}

/** Mean negative log-likelihood of softmax(logits / temperature) for the given labels. */
export function temperatureNll(
  yTrue: ArrayLike<number>,
  logits: ArrayLike<number>,
  numClasses: number,
  temperature: number,
): number {
  checkTemperature(temperature);
  const labels = checkRows(yTrue, logits, numClasses, 'logits');
  return meanNll(labels, Float64Array.from(logits as ArrayLike<number>), numClasses, 1 / temperature);
}

function checkTemperature(temperature: number): void {
  if (!(Number.isFinite(temperature) && temperature > 0)) {
    throw new MetricsError(
      'METRICS_BAD_OPTION',
      `temperature is ${String(temperature)}; expected a positive finite number`,
      'usage',
    );
  }
}

/** Mean over rows of logsumexp(beta z) - beta z_y. */
function meanNll(labels: readonly number[], logits: Float64Array, numClasses: number, beta: number): number {
  let total = 0;
  labels.forEach((label, row) => {
    const start = row * numClasses;
    let max = -Infinity;
    for (let k = 0; k < numClasses; k++) max = Math.max(max, beta * (logits[start + k] as number));
    let sum = 0;
    for (let k = 0; k < numClasses; k++) sum += Math.exp(beta * (logits[start + k] as number) - max);
    total += max + Math.log(sum) - beta * (logits[start + label] as number);
  });
  return total / labels.length;
}

/** d/dbeta of the mean NLL: mean over rows of E_softmax(beta z)[z] - z_y (increasing in beta: the NLL is convex). */
function nllSlope(labels: readonly number[], logits: Float64Array, numClasses: number, beta: number): number {
  let total = 0;
  labels.forEach((label, row) => {
    const start = row * numClasses;
    let max = -Infinity;
    for (let k = 0; k < numClasses; k++) max = Math.max(max, beta * (logits[start + k] as number));
    let sum = 0;
    let weighted = 0;
    for (let k = 0; k < numClasses; k++) {
      const weight = Math.exp(beta * (logits[start + k] as number) - max);
      sum += weight;
      weighted += weight * (logits[start + k] as number);
    }
    total += weighted / sum - (logits[start + label] as number);
  });
  return total / labels.length;
}
