import { InferenceSession, Tensor } from 'onnxruntime-node';
import { sessionOptions, type HeadConfig } from '@senti/model';
import { headGradientGraph } from './head-gradient-graph.js';
import { sentiEnvironment } from '@senti/base';

/** The arrays of one forward + backward pass (see {@link headGradientGraph}); the gradients are written in place. */
export interface HeadGradientArrays {
  /** [rows, input + 1], last column ones. */
  x: Float32Array;
  /** [input + 1, rows]. */
  xT: Float32Array;
  /** [rows, classes]: one-hot times the class weight. */
  targets: Float32Array;
  /** [hidden, rows]: the dropout mask (0 or 1/(1 − p)), ones without dropout. */
  maskT: Float32Array;
  /** W1 = [w1ᵀ | b1], [hidden, input + 1]. */
  w1: Float32Array;
  /** W2 = [w2; b2], [hidden + 1, classes]. */
  w2: Float32Array;
  /** Written: dW1, [hidden, input + 1]. */
  w1Gradient: Float32Array;
  /** Written: dW2, [hidden + 1, classes]. */
  w2Gradient: Float32Array;
}

/**
 * The head's forward and backward pass run by ONNX Runtime's CPU provider (native multi-threaded GEMMs, ~10x the
 * single-threaded tfjs-wasm ones on this pass). It reads its inputs from, and writes the gradients into, the
 * caller's arrays without copies (views of the tfjs variables' memory on the wasm backend).
 */
export class HeadGradientKernel {
  private readonly loss = new Float32Array(1);

  private constructor(
    readonly config: HeadConfig,
    private readonly session: InferenceSession,
  ) {}

  /** Builds the graph for this head shape and opens its session (intra-op threads: `threads`, default {@link headThreads}). */
  static async create(config: HeadConfig, threads?: number): Promise<HeadGradientKernel> {
    const graph = headGradientGraph(config.inputSize, config.hiddenSize, config.numClasses);
    const session = await InferenceSession.create(
      graph,
      sessionOptions('cpu', threads ?? headThreads()) as InferenceSession.SessionOptions,
    );
    return new HeadGradientKernel(config, session);
  }

  /** One pass over `rows` batch rows; resolves to the batch loss (class-weighted mean NLL). */
  async run(rows: number, arrays: HeadGradientArrays): Promise<number> {
    const { inputSize, hiddenSize, numClasses } = this.config;
    const width = inputSize + 1;
    const tensor = (data: Float32Array, dims: number[]): Tensor => new Tensor('float32', data, dims);
    await this.session.run(
      {
        x: tensor(arrays.x, [rows, width]),
        xT: tensor(arrays.xT, [width, rows]),
        targets: tensor(arrays.targets, [rows, numClasses]),
        maskT: tensor(arrays.maskT, [hiddenSize, rows]),
        w1: tensor(arrays.w1, [hiddenSize, width]),
        w2: tensor(arrays.w2, [hiddenSize + 1, numClasses]),
      },
      {
        loss: tensor(this.loss, []),
        w1_gradient: tensor(arrays.w1Gradient, [hiddenSize, width]),
        w2_gradient: tensor(arrays.w2Gradient, [hiddenSize + 1, numClasses]),
      },
    );
    return this.loss[0]!;
  }

  /** Closes the session. */
  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/**
 * ONNX Runtime threads for the head's step: `SENTI_HEAD_THREADS`, else 1. The step's GEMMs are small (32 rows), and
 * on the shared 2-core machine a second thread made the step 2-3x slower, not faster (spinning workers and per-op
 * synchronisation across ~25 small kernels; `head` bench, same minutes): see packages/train/README.md.
 */
export function headThreads(): number {
  return sentiEnvironment().headThreads ?? 1;
}
