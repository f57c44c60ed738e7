import type { EventEmitter } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { webGpuAccess } from '../gpu/webgpu.js';
import type { BackendName } from './backend-choice.js';

const require = createRequire(import.meta.url);

/** Activate a backend for real; returns why it cannot be used, or undefined when it is now active. */
export async function probeBackend(name: BackendName): Promise<string | undefined> {
  switch (name) {
    case 'tensorflow-gpu':
      return activateTensorflow('@tensorflow/tfjs-node-gpu');
    case 'tensorflow':
      return activateTensorflow('@tensorflow/tfjs-node');
    case 'webgpu':
      return activateWebgpu();
    case 'wasm':
      return activateWasm();
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return activate('cpu');
  }
}

async function activate(tfName: string): Promise<string | undefined> {
  const ok = await tf.setBackend(tfName);
  if (!ok) return `tf.setBackend('${tfName}') failed`;
  await tf.ready();
  return undefined;
}

/** tfjs-node(-gpu): only import it when its native addon was installed (importing a broken one is noisy). */
async function activateTensorflow(packageName: string): Promise<string | undefined> {
  let packageDir: string;
  try {
    packageDir = dirname(require.resolve(`${packageName}/package.json`));
  } catch {
    return `${packageName} is not installed`;
  }
  const libDir = join(packageDir, 'lib');
  const hasBinding =
    existsSync(libDir) && readdirSync(libDir).some((entry) => existsSync(join(libDir, entry, 'tfjs_binding.node')));
  if (!hasBinding) {
    return `${packageName}'s native binary is not installed (its install script, which downloads libtensorflow, was not run or could not reach the network)`;
  }
  try {
    await import(packageName);
  } catch (cause) {
    return `${packageName} failed to load: ${cause instanceof Error ? cause.message : String(cause)}`;
  }
  return activate('tensorflow');
}

/** WebGPU through Dawn (the `webgpu` package), only when a GPU adapter exists. */
async function activateWebgpu(): Promise<string | undefined> {
  const access = await webGpuAccess();
  if (!access.found) return access.detail;
  Object.assign(globalThis, access.globals);
  const holder = globalThis as { navigator?: Record<string, unknown> };
  if (holder.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu: access.gpu }, configurable: true, writable: true });
  } else {
    Object.defineProperty(holder.navigator, 'gpu', { value: access.gpu, configurable: true, writable: true });
  }
  await import('@tensorflow/tfjs-backend-webgpu');
  return activate('webgpu');
}

/** WASM backend; its .wasm files are read from the package's dist folder. */
async function activateWasm(): Promise<string | undefined> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  try {
    const distDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    if (existsSync(join(distDir, 'tfjs-backend-wasm.wasm'))) wasm.setWasmPaths(`${distDir}/`);
  } catch {
    // Fall back to the package's own lookup.
  }
  // The emscripten glue adds process-wide handlers that rethrow every uncaught error and print the whole minified
  // module with it; take them out again so errors look like errors.
  const emitter = process as unknown as EventEmitter;
  const events = ['uncaughtException', 'unhandledRejection'];
  const before = events.map((event) => new Set(emitter.listeners(event)));
  try {
    return await activate('wasm');
  } finally {
    events.forEach((event, index) => {
      for (const listener of emitter.listeners(event)) {
        if (!before[index]!.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    });
  }
}
