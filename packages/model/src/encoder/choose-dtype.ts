import type { Dtype, UsedDevice } from './types.js';

/** What `dtype` may be asked for: a fixed weight format, or `auto` to pick the fast one for the device. */
export type DtypeChoice = Dtype | 'auto';

/**
 * `auto`: per-token int8 on the CPU (built from the fp32 file: batch-invariant, about as fast as dynamic q8, cosine
 * >= 0.999 to fp32; see the package README); fp32 on a GPU, where int8 kernels bring nothing. `isAvailable` answers
 * for local directories; hub models are assumed to publish every format.
 */
export function chooseDtype(requested: DtypeChoice, device: UsedDevice, isAvailable: (dtype: Dtype) => boolean): Dtype {
  if (requested !== 'auto') return requested;
  return device === 'cpu' && isAvailable('int8') ? 'int8' : 'fp32';
}
