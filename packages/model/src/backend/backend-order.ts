import { ModelError, quote } from '@senti/errors';
import type { Device } from '../encoder/index.js';
import { BACKEND_NAMES, GPU_BACKENDS, type BackendChoice, type BackendName } from './backend-choice.js';

/** Says why a backend cannot be used (a message), or undefined when it is now active. */
export type BackendProbe = (name: BackendName) => Promise<string | undefined>;

/**
 * The backends to try, in order, for a device and an optional forced name (`SENTI_TF_BACKEND`).
 * auto: tensorflow-gpu, tensorflow, webgpu, wasm, cpu; gpu: GPU backends first; cpu: no GPU backend.
 */
export function backendOrder(device: Device, forced?: string): BackendName[] {
  if (forced !== undefined && forced !== '') {
    if (!(BACKEND_NAMES as readonly string[]).includes(forced)) {
      throw new ModelError(
        'MODEL_BACKEND_UNKNOWN',
        `SENTI_TF_BACKEND=${quote(forced)} is not a tfjs backend; use one of: ${BACKEND_NAMES.join(', ')}`,
        'usage',
      );
    }
    const name = forced as BackendName;
    if (device === 'cpu' && GPU_BACKENDS.includes(name)) {
      throw new ModelError(
        'MODEL_BACKEND_UNKNOWN',
        `SENTI_TF_BACKEND=${quote(forced)} is a GPU backend but the device is "cpu"`,
        'usage',
      );
    }
    return [name];
  }
  if (device === 'cpu') return BACKEND_NAMES.filter((name) => !GPU_BACKENDS.includes(name));
  if (device === 'gpu') return [...GPU_BACKENDS, ...BACKEND_NAMES.filter((name) => !GPU_BACKENDS.includes(name))];
  return [...BACKEND_NAMES];
}

/** Try the backends in order until one works; the decision depends only on the probe results. */
export async function decideBackend(order: readonly BackendName[], probe: BackendProbe): Promise<BackendChoice> {
  const tried: BackendChoice['tried'] = [];
  for (const name of order) {
    let error: string | undefined;
    try {
      error = await probe(name);
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause);
    }
    if (error === undefined) {
      tried.push({ name });
      return { name, gpu: GPU_BACKENDS.includes(name), tried };
    }
    tried.push({ name, error: error.split('\n')[0]!.slice(0, 300) });
  }
  const reasons = tried.map((entry) => `${entry.name}: ${entry.error ?? 'ok'}`).join('; ');
  throw new ModelError(
    'MODEL_BACKEND_UNAVAILABLE',
    `no TensorFlow.js backend could be started (${reasons})`,
    'runtime',
  );
}
