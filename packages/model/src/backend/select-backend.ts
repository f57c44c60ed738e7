import type { BackendChoice, SelectBackendOptions } from './backend-choice.js';
import { backendOrder, decideBackend } from './backend-order.js';
import { probeBackend } from './probes.js';
import { sentiEnvironment } from '@senti/base';

let cached: { device: string; forced: string; choice: Promise<BackendChoice> } | undefined;

/**
 * Pick and activate the fastest working tfjs backend for a device (set `SENTI_TF_BACKEND` to force one).
 * Idempotent: a second call with the same device returns the first call's choice.
 */
export function selectBackend(options: SelectBackendOptions = {}): Promise<BackendChoice> {
  const device = options.device ?? 'auto';
  const forced = sentiEnvironment().tfBackend ?? '';
  if (cached !== undefined && cached.device === device && cached.forced === forced) return cached.choice;
  const choice = (async () => decideBackend(backendOrder(device, forced), probeBackend))();
  cached = { device, forced, choice };
  choice.catch(() => {
    if (cached?.choice === choice) cached = undefined;
  });
  return choice;
}
