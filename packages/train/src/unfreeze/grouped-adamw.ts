import * as tf from '@tensorflow/tfjs-core';
import { gradientNormCoefficient } from '../clip-grad-norm.js';
import type { AdamWState } from '../adamw.js';

/** Variables that share a learning rate and a weight decay (torch's param groups). */
export interface ParamGroup {
  variables: readonly tf.Variable[];
  learningRate: number;
  weightDecay: number;
}

/**
 * torch.optim.AdamW over several param groups, with torch's clip_grad_norm_ over all of them together and a
 * learning-rate factor per step (for schedules, like torch's LambdaLR scaling every group). Per parameter:
 * p ← p·(1 − lr·wd); m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; p ← p − (lr/bc1)·m / (√v/√bc2 + eps).
 * Nothing is read back (no sync).
 */
export class GroupedAdamW {
  readonly variables: readonly tf.Variable[];
  private readonly settings: { learningRate: number; weightDecay: number }[];
  private readonly firstMoments: tf.Variable[];
  private readonly secondMoments: tf.Variable[];
  private stepCount = 0;

  constructor(groups: readonly ParamGroup[], private readonly options: { betas?: [number, number]; eps?: number } = {}) {
    this.variables = groups.flatMap((group) => group.variables);
    this.settings = groups.flatMap((group) => group.variables.map(() => ({ learningRate: group.learningRate, weightDecay: group.weightDecay })));
    this.firstMoments = this.variables.map((variable) => tf.tidy(() => tf.variable(tf.zerosLike(variable), false)));
    this.secondMoments = this.variables.map((variable) => tf.tidy(() => tf.variable(tf.zerosLike(variable), false)));
  }

  /** Steps taken so far. */
  get step(): number {
    return this.stepCount;
  }

  /** One update from gradients in `variables` order, clipped to global norm `maxNorm` (0: off), learning rates scaled by `factor`. */
  apply(gradients: readonly tf.Tensor[], maxNorm: number, factor = 1): void {
    const [beta1, beta2] = this.options.betas ?? [0.9, 0.999];
    const eps = this.options.eps ?? 1e-8;
    this.stepCount += 1;
    const biasCorrection1 = 1 - beta1 ** this.stepCount;
    const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** this.stepCount);
    tf.tidy(() => {
      const clip = maxNorm > 0 && maxNorm !== Infinity ? gradientNormCoefficient(gradients.map((gradient) => tf.square(gradient)), maxNorm) : undefined;
      this.variables.forEach((parameter, index) => {
        const learningRate = this.settings[index]!.learningRate * factor;
        const weightDecay = this.settings[index]!.weightDecay;
        const gradient = clip === undefined ? gradients[index]! : tf.mul(gradients[index]!, clip);
        const m = tf.add(tf.mul(this.firstMoments[index]!, beta1), tf.mul(gradient, 1 - beta1));
        const v = tf.add(tf.mul(this.secondMoments[index]!, beta2), tf.mul(tf.square(gradient), 1 - beta2));
        this.firstMoments[index]!.assign(m);
        this.secondMoments[index]!.assign(v);
        const decayed = weightDecay === 0 ? parameter : tf.mul(parameter, 1 - learningRate * weightDecay);
        const denominator = tf.add(tf.div(tf.sqrt(v), biasCorrection2Sqrt), eps);
        parameter.assign(tf.sub(decayed, tf.mul(tf.div(m, denominator), learningRate / biasCorrection1)));
      });
    });
  }

  /** Copies of the step count and moments (for checkpoints). */
  async getState(): Promise<AdamWState> {
    const read = (variables: tf.Variable[]) => Promise.all(variables.map(async (variable) => Float32Array.from(await variable.data() as Float32Array)));
    const [firstMoments, secondMoments] = await Promise.all([read(this.firstMoments), read(this.secondMoments)]);
    return { step: this.stepCount, firstMoments, secondMoments };
  }

  /** Restore a state saved by `getState`. */
  setState(state: AdamWState): void {
    this.stepCount = state.step;
    const write = (variables: tf.Variable[], values: Float32Array[]) =>
      variables.forEach((variable, index) => tf.tidy(() => variable.assign(tf.tensor(values[index]!, variable.shape))));
    write(this.firstMoments, state.firstMoments);
    write(this.secondMoments, state.secondMoments);
  }

  /** Free the moments (not the parameters). */
  dispose(): void {
    for (const variable of [...this.firstMoments, ...this.secondMoments]) variable.dispose();
  }
}
