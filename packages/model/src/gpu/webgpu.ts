import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Dawn's GPU object, as far as senti uses it. */
export interface DawnGpu {
  requestAdapter(): Promise<DawnAdapter | null>;
}

/** A WebGPU adapter, as far as senti uses it. */
export interface DawnAdapter {
  info?: { isFallbackAdapter?: boolean; description?: string };
  isFallbackAdapter?: boolean;
}

/** A hardware WebGPU adapter, or why there is none. */
export type WebGpuAccess =
  | { found: true; gpu: DawnGpu; globals: Record<string, unknown>; adapter: DawnAdapter; detail?: string }
  | { found: false; detail: string };

const LIBRARY_DIRS = [
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/usr/lib',
  '/lib/x86_64-linux-gnu',
  '/lib64',
  '/usr/local/lib',
];

/** On Linux Dawn needs the Vulkan loader; without it, it prints a warning with a stack to stderr. Look first. */
export function vulkanLoaderPresent(env: NodeJS.ProcessEnv = process.env): boolean {
  if (process.platform !== 'linux') return true;
  const dirs = [...(env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), ...LIBRARY_DIRS];
  return dirs.some((dir) => existsSync(join(dir, 'libvulkan.so.1')));
}

let access: Promise<WebGpuAccess> | undefined;

/** Asks Dawn (the optional `webgpu` package) for a hardware adapter, once per process; never throws. */
export function webGpuAccess(): Promise<WebGpuAccess> {
  access ??= requestAdapter();
  return access;
}

async function requestAdapter(): Promise<WebGpuAccess> {
  if (!vulkanLoaderPresent()) return { found: false, detail: 'no Vulkan loader (libvulkan.so.1) for WebGPU' };
  try {
    const webgpu = (await import('webgpu')) as unknown as {
      create: (flags: string[]) => DawnGpu;
      globals: Record<string, unknown>;
    };
    const gpu = webgpu.create([]);
    const adapter = await gpu.requestAdapter();
    if (adapter === null) return { found: false, detail: 'no WebGPU adapter (Dawn found none)' };
    if (adapter.info?.isFallbackAdapter || adapter.isFallbackAdapter)
      return { found: false, detail: 'only a software WebGPU adapter' };
    return {
      found: true,
      gpu,
      globals: webgpu.globals,
      adapter,
      ...(adapter.info?.description ? { detail: adapter.info.description } : {}),
    };
  } catch (error) {
    return { found: false, detail: `WebGPU probe failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}
