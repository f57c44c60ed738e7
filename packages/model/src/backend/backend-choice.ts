import type { Device } from '../encoder/index.js';

/** The tfjs backends senti knows, in the order `auto` tries them. */
export const BACKEND_NAMES = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;

/** One of the tfjs backends senti can use. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Backends that compute on a GPU. */
export const GPU_BACKENDS: readonly BackendName[] = ['tensorflow-gpu', 'webgpu'];

/** Which tfjs backend is active, and why the ones before it were not used. */
export interface BackendChoice {
  /** The active backend. */
  name: BackendName;
  /** True when the backend computes on a GPU. */
  gpu: boolean;
  /** Every backend tried, in order; `error` says why one was not used. */
  tried: { name: BackendName; error?: string }[];
}

/** Options of `selectBackend`. */
export interface SelectBackendOptions {
  /** 'auto' (default) tries GPUs first, 'gpu' insists on trying them first, 'cpu' never uses a GPU. */
  device?: Device;
}
