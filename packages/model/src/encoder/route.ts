import type { DeviceReport, UsedDevice } from './types.js';

/** What each ONNX Runtime execution provider is, in words a user can act on. */
export const PROVIDER_LABELS: Record<UsedDevice, string> = {
  cpu: 'ONNX Runtime CPU provider',
  cuda: 'ONNX Runtime CUDA provider (CUDA 12, cuDNN 9)',
  webgpu: 'ONNX Runtime WebGPU provider (Dawn over Vulkan)',
};

/** One line saying where the encoder runs, what was asked for, and why a GPU was not used (when it was not). */
export function describeRoute(report: DeviceReport): string {
  const adapter = report.used === 'webgpu' && report.adapter ? ` on ${report.adapter}` : '';
  const asked = report.requested === report.used ? '' : ` (asked for ${report.requested})`;
  return `${report.used}: ${PROVIDER_LABELS[report.used]}${adapter}${asked}${report.note ? `; ${report.note}` : ''}`;
}
