import * as tf from '@tensorflow/tfjs-core';
import { coefficientFromNorm, globalNormFromSquares } from './clip-grad-norm.js';
import { SETTINGS } from './fine-tune/setting-table.js';

/** torch.optim.AdamW's moment decay rates and epsilon (the learning rate and weight decay default to the settings table's). */
export const ADAMW_DEFAULTS = { betas: [0.9, 0.999] as [number, number], eps: 1e-8 } as const;

/** AdamW hyper-parameters (torch.optim.AdamW names; defaults: `ADAMW_DEFAULTS` and the settings table). */
export interface AdamWOptions {
  /** Learning rate. */
  learningRate: number;
  /** Decay rates of the first and second moment estimates. Default: `ADAMW_DEFAULTS`. */
  betas?: [number, number];
  /** Added to the denominator for stability. Default: `ADAMW_DEFAULTS`. */
  eps?: number;
  /** Decoupled weight decay (p -= lr * wd * p before the Adam step). Default: the `weightDecay` setting's. */
  weightDecay?: number;
}

/** Variables that share a learning rate and a weight decay (torch's param groups). */
export interface ParamGroup {
  variables: readonly tf.Variable[];
  learningRate: number;
  weightDecay: number;
}

/** What AdamW needs to continue exactly where it stopped. */
export interface AdamWState {
  step: number;
  firstMoments: Float32Array[];
  secondMoments: Float32Array[];
}

/** A group's constants: its learning rate and weight decay, and the decay factor at the full learning rate. */
interface GroupSettings {
  learningRate: number;
  weightDecay: number;
  decay: tf.Scalar;
}

/**
 * torch.optim.AdamW (amsgrad off, maximize off) over tfjs variables in one or more param groups (each its own
 * learning rate and weight decay), optionally fused with torch's clip_grad_norm_ over all groups together and scaled by
 * a learning-rate factor per step (schedules, like torch's LambdaLR scaling every group). Per variable it makes the
 * fewest full-size passes the algebra allows (elementwise ops cost ~50-90 µs each on a 393k-element tensor on wasm,
 * sqrt ~550 µs): the clip coefficient c and (1 - beta) are folded into one scalar per moment, and the step size into
 * the denominator:
 *   m ← beta1·m + [c(1−beta1)]·g,   v ← beta2·v + [c²(1−beta2)]·g²,
 *   p ← p·(1 − lr·wd) − m / (√v · [1/(√bc2 · stepSize)] + [eps/stepSize]),   stepSize = lr / bc1,
 * which is torch's update (lerp, addcmul, addcdiv on the clipped gradient) up to float32 rounding. g² is shared by
 * the norm and v. Constant scalars are made once; nothing is read back (no sync).
 */
export class AdamW {
  readonly variables: readonly tf.Variable[];
  private readonly betas: [number, number];
  private readonly eps: number;
  private readonly groups: GroupSettings[];
  /** Index into `groups` of each variable. */
  private readonly groupOf: number[];
  private readonly firstMoments: tf.Variable[];
  private readonly secondMoments: tf.Variable[];
  private readonly constants: {
    beta1: tf.Scalar;
    beta2: tf.Scalar;
    oneMinusBeta1: tf.Scalar;
    oneMinusBeta2: tf.Scalar;
  };
  private stepCount = 0;

  /** One group of `variables` with `options`, or several `ParamGroup`s (betas and eps from `options`). */
  constructor(variables: readonly tf.Variable[], options: AdamWOptions);
  constructor(groups: readonly ParamGroup[], options?: Omit<AdamWOptions, 'learningRate' | 'weightDecay'>);
  constructor(params: readonly tf.Variable[] | readonly ParamGroup[], options: Partial<AdamWOptions> = {}) {
    const groups: readonly ParamGroup[] =
      params.length > 0 && !(params[0] instanceof tf.Variable)
        ? (params as readonly ParamGroup[])
        : [
            {
              variables: params as readonly tf.Variable[],
              learningRate: options.learningRate ?? SETTINGS.learningRate.default,
              weightDecay: options.weightDecay ?? SETTINGS.weightDecay.default,
            },
          ];
    this.variables = groups.flatMap((group) => group.variables);
    this.groupOf = groups.flatMap((group, index) => group.variables.map(() => index));
    this.betas = options.betas ?? [...ADAMW_DEFAULTS.betas];
    this.eps = options.eps ?? ADAMW_DEFAULTS.eps;
    this.groups = groups.map(({ learningRate, weightDecay }) => ({
      learningRate,
      weightDecay,
      decay: tf.scalar(1 - learningRate * weightDecay),
    }));
    this.firstMoments = this.variables.map((variable) => tf.tidy(() => tf.variable(tf.zerosLike(variable), false)));
    this.secondMoments = this.variables.map((variable) => tf.tidy(() => tf.variable(tf.zerosLike(variable), false)));
    const [beta1, beta2] = this.betas;
    this.constants = {
      beta1: tf.scalar(beta1),
      beta2: tf.scalar(beta2),
      oneMinusBeta1: tf.scalar(1 - beta1),
      oneMinusBeta2: tf.scalar(1 - beta2),
    };
  }

  /** Number of steps taken so far. */
  get step(): number {
    return this.stepCount;
  }

  /**
   * Apply one update from gradients given in `variables` order. With `maxNorm` > 0 the gradients are first clipped
   * like torch's clip_grad_norm_(maxNorm): all scaled by min(1, maxNorm / (global L2 norm + 1e-6)).
   * With `keepNorm` it returns the global gradient norm before clipping (a scalar the caller disposes). `factor`
   * scales every group's learning rate for this step (a schedule; 0 moves no parameter but still updates the moments).
   */
  apply(gradients: readonly tf.Tensor[], maxNorm = 0, keepNorm = false, factor = 1): tf.Scalar | undefined {
    const [beta1, beta2] = this.betas;
    this.stepCount += 1;
    const biasCorrection1 = 1 - beta1 ** this.stepCount;
    const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** this.stepCount);
    const c = this.constants;
    let kept: tf.Scalar | undefined;
    tf.tidy(() => {
      const squares = gradients.map((gradient) => tf.square(gradient));
      const clipping = maxNorm > 0 && maxNorm !== Infinity;
      const norm = clipping || keepNorm ? globalNormFromSquares(squares) : undefined;
      if (keepNorm) kept = tf.keep(norm!);
      const coefficient = clipping ? coefficientFromNorm(norm!, maxNorm) : undefined;
      const firstScale = coefficient === undefined ? c.oneMinusBeta1 : tf.mul(coefficient, c.oneMinusBeta1);
      const secondScale = coefficient === undefined ? c.oneMinusBeta2 : tf.mul(tf.square(coefficient), c.oneMinusBeta2);
      const perGroup = this.groups.map((group) => {
        const learningRate = group.learningRate * factor;
        const stepSize = learningRate / biasCorrection1;
        return stepSize === 0
          ? undefined
          : {
              sqrtScale: tf.scalar(1 / (biasCorrection2Sqrt * stepSize)),
              epsScaled: tf.scalar(this.eps / stepSize),
              decay:
                group.weightDecay === 0
                  ? undefined
                  : factor === 1
                    ? group.decay
                    : tf.scalar(1 - learningRate * group.weightDecay),
            };
      });
      this.variables.forEach((parameter, index) => {
        const firstMoment = this.firstMoments[index]!;
        const secondMoment = this.secondMoments[index]!;
        // Intermediates are freed as soon as they are used, so the allocator hands the next op warm memory.
        const m = disposing(tf.mul(firstMoment, c.beta1), (decayedMoment) =>
          disposing(tf.mul(gradients[index]!, firstScale), (scaled) => tf.add(decayedMoment, scaled)),
        );
        firstMoment.assign(m);
        const v = disposing(tf.mul(secondMoment, c.beta2), (decayedMoment) =>
          disposing(tf.mul(squares[index]!, secondScale), (scaled) => tf.add(decayedMoment, scaled)),
        );
        squares[index]!.dispose();
        secondMoment.assign(v);
        const scales = perGroup[this.groupOf[index]!];
        if (scales === undefined) return;
        const update = disposing(
          disposing(tf.sqrt(v), (root) => tf.mul(root, scales.sqrtScale)),
          (scaledRoot) => disposing(tf.add(scaledRoot, scales.epsScaled), (denominator) => tf.div(m, denominator)),
        );
        const decay = scales.decay;
        parameter.assign(
          disposing(update, (value) =>
            decay === undefined
              ? tf.sub(parameter, value)
              : disposing(tf.mul(parameter, decay), (decayed) => tf.sub(decayed, value)),
          ),
        );
      });
    });
    return kept;
  }

  /**
   * For a fused kernel that updates parameters and moments in place (`FusedHeadStep`): counts one step and returns
   * the float32 scalars `apply` would use for it, given the clip coefficient c (1 without clipping):
   * firstScale = c(1−β1), secondScale = c²(1−β2), decay = 1 − lr·wd, sqrtScale = 1/(√bc2·stepSize), epsScaled = eps/stepSize.
   */
  nextStepScalars(coefficient: number): {
    beta1: number;
    beta2: number;
    firstScale: number;
    secondScale: number;
    decay: number;
    sqrtScale: number;
    epsScaled: number;
  } {
    // Fused kernels serve the frozen head: one param group, no learning-rate factor.
    if (this.groups.length !== 1) throw new Error('nextStepScalars serves a single param group');
    const { learningRate, weightDecay } = this.groups[0]!;
    const [beta1, beta2] = this.betas;
    const eps = this.eps;
    this.stepCount += 1;
    const stepSize = learningRate / (1 - beta1 ** this.stepCount);
    const f = Math.fround;
    const c = f(coefficient);
    return {
      beta1: f(beta1),
      beta2: f(beta2),
      firstScale: f(c * f(1 - beta1)),
      secondScale: f(f(c * c) * f(1 - beta2)),
      decay: weightDecay === 0 ? 1 : f(1 - learningRate * weightDecay),
      sqrtScale: f(1 / (Math.sqrt(1 - beta2 ** this.stepCount) * stepSize)),
      epsScaled: f(eps / stepSize),
    };
  }

  /** The first and second moment variables of the parameter at `index` (for fused kernels). */
  moments(index: number): [tf.Variable, tf.Variable] {
    return [this.firstMoments[index]!, this.secondMoments[index]!];
  }

  /** Copies of the step count and moment estimates (for checkpoints; async: read back from the backend). */
  async getState(): Promise<AdamWState> {
    const step = this.stepCount;
    // Copies: the cpu backend hands out its own storage, which the next step would overwrite.
    const read = (variables: tf.Variable[]) =>
      Promise.all(variables.map(async (variable) => Float32Array.from((await variable.data()) as Float32Array)));
    const [firstMoments, secondMoments] = await Promise.all([read(this.firstMoments), read(this.secondMoments)]);
    return { step, firstMoments, secondMoments };
  }

  /** Restore a state saved by `getState`. */
  setState(state: AdamWState): void {
    this.stepCount = state.step;
    const write = (variables: tf.Variable[], values: Float32Array[]) =>
      variables.forEach((variable, index) => tf.tidy(() => variable.assign(tf.tensor(values[index]!, variable.shape))));
    write(this.firstMoments, state.firstMoments);
    write(this.secondMoments, state.secondMoments);
  }

  /** Free the moment estimates and cached scalars (not the parameters). */
  dispose(): void {
    for (const variable of [...this.firstMoments, ...this.secondMoments]) variable.dispose();
    for (const scalar of [...Object.values(this.constants), ...this.groups.map((group) => group.decay)])
      scalar.dispose();
  }
}

/** `use(tensor)`, then free `tensor`. */
function disposing<T>(tensor: tf.Tensor, use: (tensor: tf.Tensor) => T): T {
  const result = use(tensor);
  tensor.dispose();
  return result;
}
