import type { Dtype, UsedDevice } from './types.js';

/** What `dtype` may be asked for: a fixed weight format, or `auto` to pick the fast one for the device. */
export type DtypeChoice = Dtype | 'auto';

/**
 * `auto`: int8 (q8) on the CPU, where it is ~2.5x faster and its pooled outputs keep a cosine similarity of ~0.9995
 * with fp32 (tools/bench); fp32 on a GPU, where int8 kernels bring nothing. Falls back to fp32 when the model has no
 * int8 file. `isAvailable` answers for local directories; hub models are assumed to publish every format.
 */
export function chooseDtype(requested: DtypeChoice, device: UsedDevice, isAvailable: (dtype: Dtype) => boolean): Dtype {
  if (requested !== 'auto') return requested;
  return device === 'cpu' && isAvailable('q8') ? 'q8' : 'fp32';
}
