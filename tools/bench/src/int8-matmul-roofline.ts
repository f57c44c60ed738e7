import { sessionOptions } from '@senti/model';
import {
  DataType,
  encodeOnnxModel,
  int8Tensor,
  makeNode,
  tensorValueInfo,
  uint8Tensor,
  type OnnxModel,
} from '@senti/onnx';
import { InferenceSession, Tensor } from 'onnxruntime-node';

/** One measured int8 MatMul shape: [tokens, k] (uint8) x [k, n] (int8) -> int32, as the per-token graph runs it. */
export interface MatMulRate {
  tokens: number;
  k: number;
  n: number;
  /** Best of the timed runs, seconds. */
  seconds: number;
  /** 2·tokens·k·n / seconds, in 10^9 operations per second. */
  gops: number;
  /** Least process CPU time of the timed runs, seconds (with 1 intra-op thread, the time on a quiet core). */
  cpuSeconds: number;
  /** 2·tokens·k·n / cpuSeconds: the roofline per CPU-second, robust to other processes taking the cores. */
  cpuGops: number;
}

/**
 * A one-node graph, `MatMulInteger(x uint8 [tokens, k], W int8 [k, n], zero point 128)`, written with the repo's
 * ONNX writer: the same operator, types and zero point as every weight MatMul of the per-token int8 encoder.
 */
export function matMulIntegerModel(k: number, n: number): Uint8Array {
  const weights = new Int8Array(k * n);
  for (let i = 0; i < weights.length; i++) weights[i] = ((i * 7919) % 255) - 127;
  const model: OnnxModel = {
    ir_version: 8,
    opset_import: [{ domain: '', version: 17 }],
    producer_name: 'senti-bench',
    graph: {
      name: 'int8-matmul-roofline',
      node: [makeNode('MatMulInteger', ['x', 'w', 'zero_point'], ['y'], 'MatMulInteger')],
      initializer: [int8Tensor('w', [k, n], weights), uint8Tensor('zero_point', [], [128])],
      input: [tensorValueInfo('x', DataType.UINT8, ['tokens', k])],
      output: [tensorValueInfo('y', DataType.INT32, ['tokens', n])],
    },
  };
  return encodeOnnxModel(model);
}

/**
 * Best int8 MatMul throughput ONNX Runtime reaches here for [tokens, k] x [k, n], with the encoder's own session
 * options (same thread count): warm-up, then `repeats` timed runs (enough to last ~`minSeconds`), best kept.
 */
export async function measureMatMulInteger(
  tokens: number,
  k: number,
  n: number,
  options: { threads?: number; minSeconds?: number } = {},
): Promise<MatMulRate> {
  const session = await InferenceSession.create(
    matMulIntegerModel(k, n),
    sessionOptions('cpu', options.threads) as InferenceSession.SessionOptions,
  );
  try {
    const x = new Uint8Array(tokens * k);
    for (let i = 0; i < x.length; i++) x[i] = (i * 104729) % 256;
    const feeds = { x: new Tensor('uint8', x, [tokens, k]) };
    await session.run(feeds);
    await session.run(feeds);
    let best = Infinity;
    let bestCpu = Infinity;
    const started = performance.now();
    for (let run = 0; run < 3 || performance.now() - started < (options.minSeconds ?? 1) * 1000; run++) {
      const start = performance.now();
      const cpu = process.cpuUsage();
      await session.run(feeds);
      const used = process.cpuUsage(cpu);
      best = Math.min(best, (performance.now() - start) / 1000);
      bestCpu = Math.min(bestCpu, (used.user + used.system) / 1e6);
    }
    const operations = 2 * tokens * k * n;
    return {
      tokens,
      k,
      n,
      seconds: best,
      gops: operations / best / 1e9,
      cpuSeconds: bestCpu,
      cpuGops: operations / bestCpu / 1e9,
    };
  } finally {
    await session.release();
  }
}
