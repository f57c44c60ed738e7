import * as tf from '@tensorflow/tfjs-core';
import type { ClassificationHead } from '@senti/model';
import type { AdamW } from './adamw.js';
import type { Split } from './types.js';
import { lossAndGradients } from './loss-and-gradients.js';
import { dropoutMaskTransposed } from '@senti/model';
import { FusedHeadStep, type HostBatch } from './fused-head-step.js';
import { TransposedHead, type PaddedBatch } from './transposed-head.js';
import { weightedOneHot } from './weighted-nll.js';

/** Backends whose tensors live in this process's memory: copying a batch in JS beats tf.gather there. */
const HOST_BACKENDS = new Set(['wasm', 'cpu']);

/**
 * Runs optimizer steps with few ops and no per-step sync; the batch losses are summed on device and read back
 * asynchronously (`await tensor.data()`: WebGPU in Node cannot read synchronously) only when asked. On GPU backends the
 * training rows and weighted targets are uploaded once and each batch is gathered on device; on wasm/cpu a batch is
 * copied in JS into reused buffers (32 rows: ~20 µs) because their gather kernel is far slower (~0.8 ms for 32 x 768
 * on wasm). `model` is the head itself (its variables must be the optimizer's) or, faster, a `TransposedHead` of it
 * (then the optimizer is over its variables and `TransposedHead.writeTo` brings the head up to date).
 */
export class StepRunner {
  private readonly features: tf.Tensor2D | undefined;
  private readonly targets: tf.Tensor2D | undefined;
  private readonly hostFeatures: Float32Array;
  private readonly hostTargets: Float32Array;
  private readonly lossSum: tf.Variable;
  private batchBuffers: { x: Float32Array; targets: Float32Array } | undefined;
  private paddedBuffers: { x: Float32Array; xT: Float32Array; targets: Float32Array } | undefined;
  /** The fused kernels (wasm backend, TransposedHead): undefined until the first step decides, null when not used. */
  private fused: FusedHeadStep | null | undefined;
  private fusedLossSum = 0;
  private ones: Float32Array | undefined;

  constructor(
    private readonly model: ClassificationHead | TransposedHead,
    private readonly optimizer: AdamW,
    split: Split,
    classWeights: readonly number[],
    private readonly clipNorm: number,
    /** Gather batches on device (default: on GPU backends only). */
    onDevice = !HOST_BACKENDS.has(tf.getBackend()),
  ) {
    const n = split.labels.length;
    this.hostFeatures = split.features;
    this.hostTargets = weightedOneHot(split.labels, classWeights);
    this.features = onDevice ? tf.tensor2d(this.hostFeatures, [n, model.config.inputSize]) : undefined;
    this.targets = onDevice ? tf.tensor2d(this.hostTargets, [n, classWeights.length]) : undefined;
    this.lossSum = tf.tidy(() => tf.variable(tf.scalar(0), false));
  }

  /**
   * How steps run: `fused` (ONNX Runtime forward/backward + WebAssembly SIMD AdamW on the tfjs-wasm heap, see
   * FusedHeadStep) or `tfjs` (tfjs kernels); undefined before the first step decides.
   */
  get route(): 'fused' | 'tfjs' | undefined {
    return this.fused === undefined ? undefined : this.fused === null ? 'tfjs' : 'fused';
  }

  /** One AdamW step on the rows `indices`, with the dropout mask of `dropoutSeed`; resolves to the batch loss only when asked. */
  async step(indices: Int32Array, dropoutSeed: number, readLoss = false): Promise<number | undefined> {
    return (await this.traced(indices, dropoutSeed, readLoss, false))?.loss;
  }

  /** Like {@link step}, also reading back the global gradient norm before clipping (one sync per step: for tests and traces). */
  async tracedStep(indices: Int32Array, dropoutSeed: number): Promise<{ loss: number; gradNorm: number }> {
    return (await this.traced(indices, dropoutSeed, true, true)) as { loss: number; gradNorm: number };
  }

  private async traced(
    indices: Int32Array,
    dropoutSeed: number,
    readLoss: boolean,
    readNorm: boolean,
  ): Promise<{ loss: number; gradNorm?: number } | undefined> {
    const { model } = this;
    if (this.fused === undefined) {
      this.fused =
        model instanceof TransposedHead && this.features === undefined
          ? ((await FusedHeadStep.create(model, this.optimizer)) ?? null)
          : null;
    }
    if (this.fused !== null) {
      const { loss, norm } = await this.fused.step(this.hostBatch(indices, dropoutSeed), this.clipNorm);
      this.fusedLossSum = Math.fround(this.fusedLossSum + loss);
      return { loss, gradNorm: norm };
    }
    let norm: tf.Scalar | undefined;
    const loss = tf.tidy(() => {
      const { model } = this;
      const padded = model instanceof TransposedHead && this.features === undefined;
      const [x, targets] = padded ? this.paddedBatch(indices) : this.batch(indices);
      const { loss: value, gradients } =
        model instanceof TransposedHead
          ? model.lossAndGradients(x, targets, dropoutSeed)
          : lossAndGradients(model, x as tf.Tensor2D, targets, dropoutSeed);
      norm = this.optimizer.apply(gradients, this.clipNorm, readNorm);
      this.lossSum.assign(tf.add(this.lossSum, value));
      return readLoss ? value : undefined;
    });
    if (loss === undefined) return undefined;
    try {
      const value = (await loss.data())[0]!;
      return norm === undefined ? { loss: value } : { loss: value, gradNorm: (await norm.data())[0]! };
    } finally {
      loss.dispose();
      norm?.dispose();
    }
  }

  private batch(indices: Int32Array): [tf.Tensor2D, tf.Tensor2D] {
    if (this.features !== undefined && this.targets !== undefined) {
      const batch = tf.tensor1d(indices, 'int32');
      return [tf.gather(this.features, batch), tf.gather(this.targets, batch)];
    }
    const { inputSize, numClasses } = this.model.config;
    // Reused between steps: the tensors made from them die with the step's tidy (wasm copies them anyway).
    if (this.batchBuffers?.x.length !== indices.length * inputSize) {
      this.batchBuffers = {
        x: new Float32Array(indices.length * inputSize),
        targets: new Float32Array(indices.length * numClasses),
      };
    }
    const { x, targets } = this.batchBuffers;
    indices.forEach((row, index) => {
      x.set(this.hostFeatures.subarray(row * inputSize, (row + 1) * inputSize), index * inputSize);
      targets.set(this.hostTargets.subarray(row * numClasses, (row + 1) * numClasses), index * numClasses);
    });
    return [tf.tensor2d(x, [indices.length, inputSize]), tf.tensor2d(targets, [indices.length, numClasses])];
  }

  /**
   * The batch as [x | 1] and its transpose, copied in JS (host backends, TransposedHead): saves the Concat and
   * Transpose kernels of the 32 x 769 input every step.
   */
  private paddedBatch(indices: Int32Array): [PaddedBatch, tf.Tensor2D] {
    const { inputSize, numClasses } = this.model.config;
    const rows = indices.length;
    const { x, xT, targets } = this.fillPadded(indices);
    return [
      { withOnes: tf.tensor2d(x, [rows, inputSize + 1]), withOnesT: tf.tensor2d(xT, [inputSize + 1, rows]) },
      tf.tensor2d(targets, [rows, numClasses]),
    ];
  }

  /** The batch in host buffers for the fused step, with this step's dropout mask (ones without dropout). */
  private hostBatch(indices: Int32Array, dropoutSeed: number): HostBatch {
    const { hiddenSize, dropout } = this.model.config;
    const rows = indices.length;
    let maskT: Float32Array;
    if (dropout > 0) {
      maskT = dropoutMaskTransposed(rows, hiddenSize, dropout, dropoutSeed);
    } else {
      if (this.ones?.length !== rows * hiddenSize) this.ones = new Float32Array(rows * hiddenSize).fill(1);
      maskT = this.ones;
    }
    return { rows, ...this.fillPadded(indices), maskT };
  }

  /** [x | 1], its transpose and the weighted targets of the rows, copied into reused buffers. */
  private fillPadded(indices: Int32Array): { x: Float32Array; xT: Float32Array; targets: Float32Array } {
    const { inputSize, numClasses } = this.model.config;
    const rows = indices.length;
    const width = inputSize + 1;
    if (this.paddedBuffers?.targets.length !== rows * numClasses) {
      this.paddedBuffers = {
        x: new Float32Array(rows * width),
        xT: new Float32Array(rows * width),
        targets: new Float32Array(rows * numClasses),
      };
    }
    const { x, xT, targets } = this.paddedBuffers;
    const features = this.hostFeatures;
    for (let index = 0; index < rows; index += 1) {
      const row = indices[index]!;
      const from = row * inputSize;
      x.set(features.subarray(from, from + inputSize), index * width);
      x[index * width + inputSize] = 1;
      for (let column = 0; column < inputSize; column += 1) xT[column * rows + index] = features[from + column]!;
      xT[inputSize * rows + index] = 1;
      targets.set(this.hostTargets.subarray(row * numClasses, (row + 1) * numClasses), index * numClasses);
    }
    return { x, xT, targets };
  }

  /** Sum of the batch losses since the last reset (one read back). */
  async readLossSum(): Promise<number> {
    return Math.fround((await this.lossSum.data())[0]! + this.fusedLossSum);
  }

  /** Start a new sum of batch losses. */
  resetLossSum(): void {
    this.fusedLossSum = 0;
    tf.tidy(() => this.lossSum.assign(tf.scalar(0)));
  }

  /** Free the uploaded rows and the loss sum. */
  dispose(): void {
    this.features?.dispose();
    this.targets?.dispose();
    this.lossSum.dispose();
    void this.fused?.dispose();
  }
}
