import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TINY_BERT } from '@senti/fixtures';
import { decodeOnnxModel, encodeOnnxModel, readFileShared } from './onnx-model.js';
import { quantizeMatrices, quantizeMatrix, type QuantizeJob } from './parallel-quantize.js';
import { quantizePerToken, quantizePerTokenParallel } from './per-token-int8.js';

/** The quantizer as first written (Math.round, Math.max/min): the kernels must give these exact bits. */
function reference(
  values: Float32Array,
  rows: number,
  columns: number,
  kind: QuantizeJob['kind'],
): { values: Int8Array; scales: Float32Array } {
  const scales = new Float32Array(kind === 'columns' ? columns : rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const s = kind === 'columns' ? c : r;
      scales[s] = Math.max(scales[s]!, Math.abs(values[r * columns + c]!));
    }
  }
  for (let s = 0; s < scales.length; s++) scales[s] = scales[s]! > 0 ? Math.fround(scales[s]! / 127) : 1;
  const q = new Int8Array(values.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++)
      q[r * columns + c] = Math.max(
        -127,
        Math.min(127, Math.round(values[r * columns + c]! / scales[kind === 'columns' ? c : r]!)),
      );
  }
  return { values: q, scales };
}

/** A matrix in a SharedArrayBuffer at an odd byte offset, with ties (x.5 after scaling), zeros and an all-zero column. */
function sharedMatrix(
  rows: number,
  columns: number,
  seed: number,
): { job: (kind: QuantizeJob['kind']) => QuantizeJob; values: Float32Array } {
  const values = new Float32Array(rows * columns);
  let state = seed;
  for (let i = 0; i < values.length; i++) {
    state = (state * 16807) % 2147483647;
    values[i] =
      i % 97 === 0 ? 0 : i % 89 === 0 ? (i % 2 ? 2.5 : -2.5) / 127 : (state / 2147483647 - 0.5) * (1 + (i % 7));
  }
  for (let r = 0; r < rows; r++) values[r * columns] = 0; // an all-zero first column: scale 1
  const buffer = new SharedArrayBuffer(values.byteLength + 3);
  const bytes = new Uint8Array(buffer, 3, values.byteLength);
  bytes.set(new Uint8Array(values.buffer));
  return { job: (kind) => ({ kind, bytes, rows, columns }), values };
}

describe('int8 weight quantization', () => {
  it('gives the reference bits per column and per row, from unaligned bytes', () => {
    const { job, values } = sharedMatrix(37, 53, 7);
    for (const kind of ['columns', 'rows'] as const) {
      const got = quantizeMatrix(job(kind));
      const want = reference(values, 37, 53, kind);
      expect(
        Buffer.from(got.values.buffer, got.values.byteOffset, got.values.byteLength).equals(
          Buffer.from(want.values.buffer),
        ),
      ).toBe(true);
      expect(Array.from(got.scales)).toEqual(Array.from(want.scales));
    }
  });

  it('gives the same bits in worker threads as in this thread', async () => {
    const jobs = [
      sharedMatrix(64, 48, 1).job('columns'),
      sharedMatrix(40, 96, 2).job('rows'),
      sharedMatrix(17, 5, 3).job('columns'),
    ];
    const parallel = await quantizeMatrices(jobs, { threads: 2, minElements: 0 });
    expect(parallel[0]!.values.buffer).toBeInstanceOf(SharedArrayBuffer); // it really ran in workers
    jobs.forEach((job, index) => {
      const here = quantizeMatrix(job);
      expect(Array.from(parallel[index]!.values)).toEqual(Array.from(here.values));
      expect(Array.from(parallel[index]!.scales)).toEqual(Array.from(here.scales));
    });
  });

  it('builds the same per-token int8 graph bytes with and without worker threads', async () => {
    const file = path.join(TINY_BERT, 'onnx', 'model.onnx');
    const serial = decodeOnnxModel(await readFileShared(file));
    const parallel = decodeOnnxModel(await readFileShared(file));
    const serialReport = quantizePerToken(serial);
    const parallelReport = await quantizePerTokenParallel(parallel, { threads: 2, minElements: 0 });
    expect(parallelReport).toEqual(serialReport);
    expect(Buffer.from(encodeOnnxModel(parallel)).equals(Buffer.from(encodeOnnxModel(serial)))).toBe(true);
  });
});
