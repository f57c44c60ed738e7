import * as tf from '@tensorflow/tfjs-core';
import { adamwSimd, isWasmMemory, type AdamWSimd } from './kernels/adamw-simd.js';
import { HeadGradientKernel } from './kernels/head-gradient-kernel.js';
import type { AdamW } from './adamw.js';
import type { TransposedHead } from './transposed-head.js';
import { sentiEnvironment } from '@senti/base';

/** A batch already in the host buffers the step reads: [x | 1], its transpose, weighted targets, dropout mask. */
export interface HostBatch {
  rows: number;
  x: Float32Array;
  xT: Float32Array;
  targets: Float32Array;
  maskT: Float32Array;
}

/** What the tfjs-wasm backend exposes to kernels: its heap and where each tensor's data lives in it. */
interface WasmBackendInternals {
  wasm?: { asm?: { memory?: unknown }; HEAPU8?: Uint8Array };
  dataIdMap?: { get(dataId: object): { memoryOffset: number } | undefined };
  /** Allocates a tensor's memory in the heap without filling it. */
  makeOutput?: (shape: number[], dtype: 'float32') => tf.TensorInfo;
}

/**
 * One head training step as two fused kernels working on the tfjs variables where they live (the tfjs-wasm heap):
 * ONNX Runtime runs the forward and backward pass (`HeadGradientKernel`: native multi-threaded GEMMs, reading W1 and
 * W2 and writing both gradients into tfjs tensors without copies), then one WebAssembly SIMD pass per variable
 * (`adamwSimd`, instantiated over the same heap) computes the global gradient norm and applies clip_grad_norm_'s
 * scale and AdamW to the parameter and its moments in place. The parameters and moments stay tfjs variables
 * (TransposedHead's and AdamW's); the algebra is `TransposedHead.lossAndGradients` + `AdamW.apply`, op for op in
 * float32 (the norm summed in float64). Only for the wasm backend (see {@link FusedHeadStep.create}).
 */
export class FusedHeadStep {
  private constructor(
    private readonly head: TransposedHead,
    private readonly optimizer: AdamW,
    private readonly kernel: HeadGradientKernel,
    private readonly simd: AdamWSimd,
    private readonly backend: Required<WasmBackendInternals>,
  ) {}

  /**
   * The fused step for this head and optimizer, or undefined when the active backend is not tfjs-wasm (its heap
   * is what both kernels work in) or `SENTI_HEAD_KERNEL=tfjs` asks for the plain tfjs route.
   */
  static async create(head: TransposedHead, optimizer: AdamW): Promise<FusedHeadStep | undefined> {
    if (tf.getBackend() !== 'wasm' || sentiEnvironment().headKernel === 'tfjs') return undefined;
    const backend = tf.backend() as unknown as WasmBackendInternals;
    const memory = backend.wasm?.asm?.memory;
    if (!isWasmMemory(memory) || backend.dataIdMap === undefined || typeof backend.makeOutput !== 'function')
      return undefined;
    // In-place updates need buffers no other tensor shares: give every variable a fresh copy of its own.
    const variables = head.variables.flatMap((variable, index) => [variable, ...optimizer.moments(index)]);
    tf.tidy(() => variables.forEach((variable) => variable.assign(tf.mul(variable, 1))));
    const kernel = await HeadGradientKernel.create(head.config);
    return new FusedHeadStep(head, optimizer, kernel, adamwSimd(memory), backend as Required<WasmBackendInternals>);
  }

  /** One step: gradients, clipping to `clipNorm` (0 or Infinity: none), AdamW. Resolves to the loss and the norm before clipping. */
  async step(batch: HostBatch, clipNorm: number): Promise<{ loss: number; norm: number }> {
    const [first, second] = this.head.variables;
    // Gradient buffers live for one step (unfilled heap memory: every value is written by the kernel).
    const gradients = this.head.variables.map((variable) =>
      tf.engine().makeTensorFromTensorInfo(this.backend.makeOutput(variable.shape, 'float32')),
    ) as [tf.Tensor, tf.Tensor];
    try {
      return await this.update(batch, first, second, gradients, clipNorm);
    } finally {
      for (const gradient of gradients) gradient.dispose();
    }
  }

  private async update(
    batch: HostBatch,
    first: tf.Variable,
    second: tf.Variable,
    gradients: [tf.Tensor, tf.Tensor],
    clipNorm: number,
  ): Promise<{ loss: number; norm: number }> {
    const [firstGradient, secondGradient] = gradients;
    const loss = await this.kernel.run(batch.rows, {
      ...batch,
      w1: this.view(first),
      w2: this.view(second),
      w1Gradient: this.view(firstGradient),
      w2Gradient: this.view(secondGradient),
    });
    const f = Math.fround;
    const norm = f(
      Math.sqrt(
        this.simd.sumSquares(this.offset(firstGradient), firstGradient.size) +
          this.simd.sumSquares(this.offset(secondGradient), secondGradient.size),
      ),
    );
    const clipping = clipNorm > 0 && clipNorm !== Infinity;
    const coefficient = clipping ? Math.min(1, f(f(clipNorm) / f(norm + f(1e-6)))) : 1;
    const s = this.optimizer.nextStepScalars(coefficient);
    this.head.variables.forEach((parameter, index) => {
      const [m, v] = this.optimizer.moments(index);
      const gradient = gradients[index]!;
      this.simd.adamw(
        this.offset(parameter),
        this.offset(m),
        this.offset(v),
        this.offset(gradient),
        parameter.size,
        s.beta1,
        s.beta2,
        s.firstScale,
        s.secondScale,
        s.decay,
        s.sqrtScale,
        s.epsScaled,
      );
    });
    return { loss, norm };
  }

  /** Frees the ONNX Runtime session. */
  async dispose(): Promise<void> {
    await this.kernel.dispose();
  }

  private offset(tensor: tf.Tensor): number {
    const entry = this.backend.dataIdMap.get(tensor.dataId);
    if (entry === undefined) throw new Error('fused head step: a tensor has no data in the wasm heap (disposed?)');
    return entry.memoryOffset;
  }

  /** A view of the tensor's data in the heap; made per step, since the heap's buffer changes when it grows. */
  private view(tensor: tf.Tensor): Float32Array {
    return new Float32Array(this.backend.wasm.HEAPU8!.buffer, this.offset(tensor), tensor.size);
  }
}
