import type { Pooling } from './types.js';

/** One forward pass's outputs, as flat row-major arrays. */
export interface EncoderOutputs {
  /** `[batch, sequence, hidden]`. */
  lastHiddenState: Float32Array;
  /** `[batch, hidden]`, when the model has a pooler. */
  poolerOutput?: Float32Array;
  /** `[batch, sequence]`, 1 for real tokens. */
  attentionMask: BigInt64Array;
  /** Rows per text in `lastHiddenState`: `sequenceLength`, or 1 when the graph's last layer ran for [CLS] only. */
  stateRows?: number;
  batchSize: number;
  sequenceLength: number;
  hiddenSize: number;
}

/** Writes the pooled vector of each row `r` of a batch into `target` at row `rows[r]`. */
export function poolInto(
  pooling: Pooling,
  outputs: EncoderOutputs,
  target: Float32Array,
  rows: readonly number[],
): void {
  const { lastHiddenState, attentionMask, batchSize, sequenceLength, hiddenSize } = outputs;
  for (let r = 0; r < batchSize; r++) {
    const at = rows[r]! * hiddenSize;
    if (pooling === 'pooler') {
      if (!outputs.poolerOutput) throw new Error('pooler_output missing');
      target.set(outputs.poolerOutput.subarray(r * hiddenSize, (r + 1) * hiddenSize), at);
    } else if (pooling === 'cls') {
      const start = r * (outputs.stateRows ?? sequenceLength) * hiddenSize;
      target.set(lastHiddenState.subarray(start, start + hiddenSize), at);
    } else {
      meanInto(lastHiddenState, attentionMask, r, sequenceLength, hiddenSize, target, at);
    }
  }
}

// Attention-masked mean over tokens, summed in float64 for accuracy.
function meanInto(
  states: Float32Array,
  mask: BigInt64Array,
  row: number,
  sequenceLength: number,
  hiddenSize: number,
  target: Float32Array,
  at: number,
): void {
  const sum = new Float64Array(hiddenSize);
  let count = 0;
  for (let t = 0; t < sequenceLength; t++) {
    if (mask[row * sequenceLength + t] === 0n) continue;
    count++;
    const start = (row * sequenceLength + t) * hiddenSize;
    for (let h = 0; h < hiddenSize; h++) sum[h]! += states[start + h]!;
  }
  for (let h = 0; h < hiddenSize; h++) target[at + h] = count === 0 ? 0 : sum[h]! / count;
}
