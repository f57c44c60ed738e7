import { availableParallelism } from 'node:os';
import type { UsedDevice } from './types.js';
import { sentiEnvironment } from '@senti/base';

/** ONNX Runtime session options for a frozen encoder: all cores for one op at a time, full graph optimization. */
export function sessionOptions(device: UsedDevice, threads?: number): Record<string, unknown> {
  const intraOpNumThreads = threads ?? sentiEnvironment().threads ?? availableParallelism();
  const base = { graphOptimizationLevel: 'all', executionMode: 'sequential', interOpNumThreads: 1, intraOpNumThreads };
  return device === 'cpu' ? { ...base, enableCpuMemArena: true } : base;
}
