import * as tf from '@tensorflow/tfjs-core';
import { dropoutMask } from './dropout-mask.js';
import { resolveHeadConfig, type HeadConfig } from './head-config.js';
import { linearInit } from './linear-init.js';
import { DEFAULT_SEED, mixSeed, seededRandom } from '@senti/base';

/** Options for one forward pass. */
export interface LogProbsOptions {
  /** Apply dropout (training mode). Default false. */
  training?: boolean;
  /** Seed of the dropout mask; the same seed gives the same mask. Default: a per-head counter. */
  seed?: number;
}

/** The trainable head: fc1 -> ReLU -> dropout -> fc2 -> log-softmax, over tfjs variables. */
export class ClassificationHead {
  readonly config: HeadConfig;
  /** w1 [inputSize, hiddenSize], b1 [hiddenSize], w2 [hiddenSize, numClasses], b2 [numClasses]. */
  readonly variables: tf.Variable[];
  private dropoutCalls = 0;
  private readonly seed: number;
  private calibratedTemperature = 1;

  constructor(config: HeadConfig, weights: readonly Float32Array[], seed = 0) {
    this.config = config;
    this.seed = seed;
    const shapes = headShapes(config);
    checkWeights(shapes, weights);
    this.variables = shapes.map((shape, index) => tf.tidy(() => tf.variable(tf.tensor(weights[index]!, shape), true)));
  }

  /** Log-probabilities [n, numClasses] for a batch of features [n, inputSize]. */
  logProbs(x: tf.Tensor2D, options: LogProbsOptions = {}): tf.Tensor2D {
    const [w1, b1, w2, b2] = this.variables as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
    return tf.tidy(() => {
      let hidden = tf.fused.matMul({ a: x, b: w1 as tf.Tensor2D, bias: b1, activation: 'relu' }) as tf.Tensor2D;
      if (options.training === true && this.config.dropout > 0) {
        const seed = options.seed ?? mixSeed(this.seed, 0x0d0d, (this.dropoutCalls += 1));
        const mask = dropoutMask(hidden.size, this.config.dropout, seed);
        hidden = tf.mul(hidden, tf.tensor2d(mask, hidden.shape));
      }
      const logits = tf.fused.matMul({ a: hidden, b: w2 as tf.Tensor2D, bias: b2 });
      return tf.logSoftmax(logits) as tf.Tensor2D;
    });
  }

  /** Temperature T that `predictProba` divides the logits by (1 = uncalibrated); never changes the most probable class. */
  get temperature(): number {
    return this.calibratedTemperature;
  }

  /** Sets the calibration temperature (a positive finite number; 1 turns calibration off). Training (`logProbs`) ignores it. */
  setTemperature(temperature: number): void {
    if (!(Number.isFinite(temperature) && temperature > 0))
      throw new RangeError(`temperature must be a positive finite number, got ${String(temperature)}`);
    this.calibratedTemperature = temperature;
  }

  /**
   * Class probabilities [n, numClasses] (row-major) for n feature rows, without dropout, calibrated: softmax(logits / T). Async because GPU backends
   * (WebGPU) can only read tensors back asynchronously.
   */
  async predictProba(features: Float32Array, n: number): Promise<Float32Array> {
    const { inputSize, numClasses } = this.config;
    if (features.length !== n * inputSize) {
      throw new RangeError(`features have ${features.length} values, expected ${n} x ${inputSize}`);
    }
    const output = new Float32Array(n * numClasses);
    const chunk = 4096;
    for (let start = 0; start < n; start += chunk) {
      const rows = Math.min(chunk, n - start);
      const probabilities = tf.tidy(() => {
        const x = tf.tensor2d(features.subarray(start * inputSize, (start + rows) * inputSize), [rows, inputSize]);
        const logProbs = this.logProbs(x);
        // log-softmax differs from the logits by a per-row constant, so softmax(logProbs / T) = softmax(logits / T).
        return this.calibratedTemperature === 1
          ? tf.exp(logProbs)
          : tf.softmax(tf.div(logProbs, this.calibratedTemperature));
      });
      try {
        output.set(await probabilities.data(), start * numClasses);
      } finally {
        probabilities.dispose();
      }
    }
    return output;
  }

  /** Copies of the current weights, in `variables` order (async: read back from the backend, which may be a GPU). */
  async getWeights(): Promise<Float32Array[]> {
    // Copies: the cpu backend hands out its own storage, which a later assign would change.
    return Promise.all(
      this.variables.map(async (variable) => Float32Array.from((await variable.data()) as Float32Array)),
    );
  }

  /** Replace the weights (same order and sizes as `getWeights`). */
  setWeights(weights: readonly Float32Array[]): void {
    const shapes = headShapes(this.config);
    checkWeights(shapes, weights);
    this.variables.forEach((variable, index) => {
      tf.tidy(() => variable.assign(tf.tensor(weights[index]!, shapes[index])));
    });
  }

  /** Free the variables. */
  dispose(): void {
    for (const variable of this.variables) variable.dispose();
  }
}

/** Shapes of w1, b1, w2, b2 for a config. */
export function headShapes(config: HeadConfig): number[][] {
  return [
    [config.inputSize, config.hiddenSize],
    [config.hiddenSize],
    [config.hiddenSize, config.numClasses],
    [config.numClasses],
  ];
}

function checkWeights(shapes: number[][], weights: readonly Float32Array[]): void {
  if (weights.length !== shapes.length)
    throw new RangeError(`head needs ${shapes.length} weight arrays, got ${weights.length}`);
  shapes.forEach((shape, index) => {
    const expected = shape.reduce((a, b) => a * b, 1);
    if (weights[index]!.length !== expected) {
      throw new RangeError(
        `head weight ${index} has ${weights[index]!.length} values, expected ${expected} ([${shape.join(', ')}])`,
      );
    }
  });
}

/** Create a head with torch nn.Linear-style initial weights from a seed (default `DEFAULT_SEED`). */
export function createHead(
  config: Partial<HeadConfig> & { inputSize: number; numClasses: number },
  options: { seed?: number } = {},
): ClassificationHead {
  const resolved = resolveHeadConfig(config);
  const seed = options.seed ?? DEFAULT_SEED;
  const random = seededRandom(mixSeed(seed, 0x11ead));
  const { inputSize, hiddenSize, numClasses } = resolved;
  const weights = [
    linearInit(inputSize * hiddenSize, inputSize, random),
    linearInit(hiddenSize, inputSize, random),
    linearInit(hiddenSize * numClasses, hiddenSize, random),
    linearInit(numClasses, hiddenSize, random),
  ];
  return new ClassificationHead(resolved, weights, seed);
}
