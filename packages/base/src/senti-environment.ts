import { homedir } from 'node:os';
import path from 'node:path';

/**
 * senti's own environment variables, each read here and nowhere else, with one meaning each. (The Hugging Face
 * ones, HF_*, are read by @senti/tokenize's hub environment; the server's options by its option table.)
 */
export interface SentiEnvironment {
  /** `SENTI_OFFLINE` set to 1, true or yes: never download models (the Hub's own `HF_HUB_OFFLINE` counts too). */
  offline?: true;
  /** `SENTI_CACHE_DIR`: where senti keeps its caches (features, built graphs, file hashes). */
  cacheDir?: string;
  /** `SENTI_THREADS`: ONNX Runtime intra-op threads for the encoder (a positive integer). */
  threads?: number;
  /** `SENTI_TF_BACKEND`: force a TensorFlow.js backend for the head (`tensorflow`, `wasm`, `cpu`, ...). */
  tfBackend?: string;
  /** `SENTI_HEAD_THREADS`: threads of the fused head-gradient kernel (a positive integer; default 1). */
  headThreads?: number;
  /** `SENTI_HEAD_KERNEL=tfjs`: train the head with plain TensorFlow.js ops instead of the fused WebAssembly step. */
  headKernel?: 'tfjs' | 'fused';
  /** `SENTI_QUEUE`: the Redis URL distributed encoding uses when `--queue` is not given. */
  queue?: string;
}

/** The user's cache directory: `$XDG_CACHE_HOME` (a leading `~` is the home directory), else `~/.cache`; absolute. */
export function userCacheHome(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME?.trim();
  if (!xdg) return path.join(homedir(), '.cache');
  return path.resolve(xdg === '~' || xdg.startsWith('~/') ? path.join(homedir(), xdg.slice(1)) : xdg);
}

/** True for `1`, `true` or `yes` (any case, surrounding spaces ignored): the one meaning of a boolean variable. */
export function isTruthy(value: string | undefined): boolean {
  return ['1', 'true', 'yes'].includes(value?.trim().toLowerCase() ?? '');
}

/** Reads senti's environment variables from `env` (default `process.env`); blank values count as unset. */
export function sentiEnvironment(env: NodeJS.ProcessEnv = process.env): SentiEnvironment {
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const count = (name: string): number | undefined => {
    const value = Number(text(name));
    return Number.isInteger(value) && value > 0 ? value : undefined;
  };
  const kernel = text('SENTI_HEAD_KERNEL');
  const settings: SentiEnvironment = {
    offline: isTruthy(env.SENTI_OFFLINE) ? true : undefined,
    cacheDir: text('SENTI_CACHE_DIR'),
    threads: count('SENTI_THREADS'),
    tfBackend: text('SENTI_TF_BACKEND'),
    headThreads: count('SENTI_HEAD_THREADS'),
    headKernel: kernel === undefined ? undefined : kernel === 'tfjs' ? 'tfjs' : 'fused',
    queue: text('SENTI_QUEUE'),
  };
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)) as SentiEnvironment;
}
