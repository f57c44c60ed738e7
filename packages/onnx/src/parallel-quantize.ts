import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { quantizeColumnsInto, quantizeRowsInto } from './quantize-kernels.js';

/** One matrix to quantize: per column (a MatMul weight) or per row (an embedding table), from its fp32 bytes. */
export interface QuantizeJob {
  kind: 'columns' | 'rows';
  /** Little-endian fp32 bytes, row-major `[rows, columns]`. */
  bytes: Uint8Array;
  rows: number;
  columns: number;
}

/** A quantized matrix: int8 values (same layout) and one fp32 scale per column or per row. */
export interface QuantizedMatrix {
  values: Int8Array;
  scales: Float32Array;
}

// The kernels run from their own source text (eval'd worker script): no module loader is involved, so this works the
// same from TypeScript sources (tsx, vitest) and from the compiled package.
const WORKER_SOURCE = `'use strict';
const { parentPort } = require('node:worker_threads');
const quantizeColumnsInto = ${quantizeColumnsInto.toString()};
const quantizeRowsInto = ${quantizeRowsInto.toString()};
parentPort.on('message', (job) => {
  (job.kind === 'columns' ? quantizeColumnsInto : quantizeRowsInto)(job.bytes, job.rows, job.columns, job.values, job.scales);
  parentPort.postMessage(job.index);
});`;

/** Below this many weights in all, worker start-up (~30 ms each) costs more than it saves. */
const PARALLEL_MIN_ELEMENTS = 4_000_000;

/**
 * Quantizes every job, in `threads` (default: all cores) worker threads when the inputs live in SharedArrayBuffers and the work is large
 * enough (`minElements`, default 4 M; BERT-base: ~110 M weights, the single slowest step of building the per-token int8 graph), else in this
 * thread. Results are identical either way (same kernels); outputs are backed by SharedArrayBuffers when parallel.
 */
export async function quantizeMatrices(
  jobs: readonly QuantizeJob[],
  options: { threads?: number; minElements?: number } = {},
): Promise<QuantizedMatrix[]> {
  const threads = options.threads ?? availableParallelism();
  const elements = jobs.reduce((sum, job) => sum + job.rows * job.columns, 0);
  const shared = jobs.every((job) => job.bytes.buffer instanceof SharedArrayBuffer);
  if (threads <= 1 || jobs.length < 2 || !shared || elements < (options.minElements ?? PARALLEL_MIN_ELEMENTS))
    return jobs.map(quantizeMatrix);
  const results = jobs.map((job) => ({
    values: new Int8Array(new SharedArrayBuffer(job.rows * job.columns)),
    scales: new Float32Array(new SharedArrayBuffer((job.kind === 'columns' ? job.columns : job.rows) * 4)),
  }));
  // Largest first, each worker taking the next when it finishes: the pool ends nearly together.
  const order = jobs
    .map((_, index) => index)
    .sort((a, b) => jobs[b]!.rows * jobs[b]!.columns - jobs[a]!.rows * jobs[a]!.columns);
  let next = 0;
  const workers = Array.from(
    { length: Math.min(threads, jobs.length) },
    () => new Worker(WORKER_SOURCE, { eval: true }),
  );
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const send = (): void => {
              const index = order[next++];
              if (index === undefined) return resolve();
              const job = jobs[index]!;
              worker.postMessage({
                index,
                kind: job.kind,
                bytes: job.bytes,
                rows: job.rows,
                columns: job.columns,
                values: results[index]!.values,
                scales: results[index]!.scales,
              });
            };
            worker.on('message', send);
            worker.on('error', reject);
            worker.on('exit', (code) => reject(new Error(`quantization worker exited with code ${code}`)));
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return results;
}

/** Quantizes one matrix in this thread. */
export function quantizeMatrix(job: QuantizeJob): QuantizedMatrix {
  const values = new Int8Array(job.rows * job.columns);
  const scales = new Float32Array(job.kind === 'columns' ? job.columns : job.rows);
  (job.kind === 'columns' ? quantizeColumnsInto : quantizeRowsInto)(job.bytes, job.rows, job.columns, values, scales);
  return { values, scales };
}
