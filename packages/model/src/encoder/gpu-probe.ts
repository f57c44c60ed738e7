import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { webGpuAccess } from '../gpu/webgpu.js';
import type { GpuProbe } from './device.js';

const require = createRequire(import.meta.url);

/** Directory of onnxruntime-node's native libraries (bin/napi-v6/<platform>/<arch>), or undefined when not found. */
export function onnxRuntimeBinDir(): string | undefined {
  try {
    const transformers = path.dirname(require.resolve('@huggingface/transformers/package.json'));
    const fromTransformers = createRequire(path.join(transformers, 'package.json'));
    const root = path.dirname(fromTransformers.resolve('onnxruntime-node/package.json'));
    return path.join(root, 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return undefined;
  }
}

/** True when onnxruntime-node was installed with its CUDA provider. */
export function hasCudaProvider(binDir = onnxRuntimeBinDir()): boolean {
  return binDir !== undefined && existsSync(path.join(binDir, 'libonnxruntime_providers_cuda.so'));
}

/** Asks Dawn for a hardware WebGPU adapter; never throws. */
export async function probeWebGpuAdapter(): Promise<{ found: boolean; detail?: string }> {
  const access = await webGpuAccess();
  return access.detail === undefined ? { found: access.found } : { found: access.found, detail: access.detail };
}

let probed: Promise<GpuProbe> | undefined;

/** Looks for a usable GPU route: CUDA provider file (free), then a WebGPU adapter; probed once per process. */
export function probeGpu(): Promise<GpuProbe> {
  probed ??= probeWebGpuAdapter().then((webgpu) => ({
    cudaProvider: hasCudaProvider(),
    webgpuAdapter: webgpu.found,
    webgpuDetail: webgpu.detail,
  }));
  return probed;
}
