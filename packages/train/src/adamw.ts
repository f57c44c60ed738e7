import * as tf from '@tensorflow/tfjs-core';

/** AdamW hyper-parameters (torch.optim.AdamW names and defaults). */
export interface AdamWOptions {
  /** Learning rate. */
  learningRate: number;
  /** Decay rates of the first and second moment estimates. Default [0.9, 0.999]. */
  betas?: [number, number];
  /** Added to the denominator for stability. Default 1e-8. */
  eps?: number;
  /** Decoupled weight decay (p -= lr * wd * p before the Adam step). Default 0.01. */
  weightDecay?: number;
}

/** What AdamW needs to continue exactly where it stopped. */
export interface AdamWState {
  step: number;
  firstMoments: Float32Array[];
  secondMoments: Float32Array[];
}

/** torch.optim.AdamW (amsgrad off, maximize off) over tfjs variables; one fused tidy per variable. */
export class AdamW {
  readonly variables: readonly tf.Variable[];
  private readonly options: Required<AdamWOptions>;
  private readonly firstMoments: tf.Variable[];
  private readonly secondMoments: tf.Variable[];
  private stepCount = 0;

  constructor(variables: readonly tf.Variable[], options: AdamWOptions) {
    this.variables = variables;
    this.options = { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, ...options };
    this.firstMoments = variables.map((variable) => tf.tidy(() => tf.variable(tf.zerosLike(variable), false)));
    this.secondMoments = variables.map((variable) => tf.tidy(() => tf.variable(tf.zerosLike(variable), false)));
  }

  /** Number of steps taken so far. */
  get step(): number {
    return this.stepCount;
  }

  /** Apply one update from gradients given in `variables` order. */
  apply(gradients: readonly tf.Tensor[]): void {
    const { learningRate, betas, eps, weightDecay } = this.options;
    const [beta1, beta2] = betas;
    this.stepCount += 1;
    const biasCorrection1 = 1 - beta1 ** this.stepCount;
    const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** this.stepCount);
    const stepSize = learningRate / biasCorrection1;
    const decay = 1 - learningRate * weightDecay;
    this.variables.forEach((parameter, index) => {
      const gradient = gradients[index]!;
      const firstMoment = this.firstMoments[index]!;
      const secondMoment = this.secondMoments[index]!;
      tf.tidy(() => {
        // exp_avg.lerp_(grad, 1 - beta1); exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2)
        const m = tf.add(firstMoment, tf.mul(tf.sub(gradient, firstMoment), 1 - beta1));
        const v = tf.add(tf.mul(secondMoment, beta2), tf.mul(tf.square(gradient), 1 - beta2));
        // denom = exp_avg_sq.sqrt() / sqrt(bias_correction2) + eps; param.addcdiv_(exp_avg, denom, -step_size)
        const denominator = tf.add(tf.div(tf.sqrt(v), biasCorrection2Sqrt), eps);
        const decayed = weightDecay === 0 ? parameter : tf.mul(parameter, decay);
        parameter.assign(tf.sub(decayed, tf.mul(tf.div(m, denominator), stepSize)));
        firstMoment.assign(m);
        secondMoment.assign(v);
      });
    });
  }

  /** Copies of the step count and moment estimates (for checkpoints). */
  getState(): AdamWState {
    const read = (variables: tf.Variable[]) => variables.map((variable) => Float32Array.from(variable.dataSync() as Float32Array));
    return { step: this.stepCount, firstMoments: read(this.firstMoments), secondMoments: read(this.secondMoments) };
  }

  /** Restore a state saved by `getState`. */
  setState(state: AdamWState): void {
    this.stepCount = state.step;
    const write = (variables: tf.Variable[], values: Float32Array[]) =>
      variables.forEach((variable, index) => tf.tidy(() => variable.assign(tf.tensor(values[index]!, variable.shape))));
    write(this.firstMoments, state.firstMoments);
    write(this.secondMoments, state.secondMoments);
  }

  /** Free the moment estimates (not the parameters). */
  dispose(): void {
    for (const variable of [...this.firstMoments, ...this.secondMoments]) variable.dispose();
  }
}
