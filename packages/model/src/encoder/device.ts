import type { Device, UsedDevice } from './types.js';

/** What the machine offers, as found by {@link probeGpu} (or made up in tests). */
export interface GpuProbe {
  /** onnxruntime-node's CUDA provider library (libonnxruntime_providers_cuda.so) is installed. */
  cudaProvider: boolean;
  /** A hardware (not software-fallback) WebGPU adapter could be obtained; undefined when not probed. */
  webgpuAdapter?: boolean;
  /** Why the WebGPU probe failed or was skipped, for the note. */
  webgpuDetail?: string;
}

/** The providers to try in order (the last one is always `cpu`) and what to tell the user if a GPU is skipped. */
export interface DevicePlan {
  /** Execution providers to try, in order. */
  attempts: UsedDevice[];
  /** Why no GPU is attempted, when one was asked for or auto found none. */
  note?: string;
}

/** Decides which execution providers to try for a requested device, from probe results. Pure. */
export function planDevice(requested: Device, probe: GpuProbe): DevicePlan {
  if (requested === 'cpu') return { attempts: ['cpu'] };
  const gpus: UsedDevice[] = [];
  if (probe.cudaProvider) gpus.push('cuda');
  // Explicit gpu: try WebGPU unless the probe showed there is no adapter; auto: only when an adapter was found.
  if (requested === 'gpu' ? probe.webgpuAdapter !== false : probe.webgpuAdapter === true) gpus.push('webgpu');
  if (gpus.length > 0) return { attempts: [...gpus, 'cpu'] };
  const why = `no GPU found: onnxruntime-node has no CUDA provider (install with ONNXRUNTIME_NODE_INSTALL=cuda12) and no WebGPU adapter${probe.webgpuDetail ? ` (${probe.webgpuDetail})` : ''}`;
  return {
    attempts: ['cpu'],
    note: requested === 'gpu' ? `a GPU was asked for, but ${why}; using cpu` : `${why}; using cpu`,
  };
}

/** The note for a GPU provider that was tried and failed before falling back. */
export function fallbackNote(
  failures: readonly { device: UsedDevice; error: string }[],
  used: UsedDevice,
): string | undefined {
  if (failures.length === 0) return undefined;
  const tried = failures.map((failure) => `${failure.device} failed (${failure.error.split('\n')[0]})`).join('; ');
  return `${tried}; using ${used}`;
}
