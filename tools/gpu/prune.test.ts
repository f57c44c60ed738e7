import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without declarations
import { keep } from './prune.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const store = 'node_modules/.pnpm';

describe('what pack.sh carries to the GPU machine', () => {
  it('keeps what Node loads on linux/x64', () => {
    for (const file of [
      `${store}/onnxruntime-node@1.30.0/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1`,
      `${store}/onnxruntime-node@1.30.0/node_modules/onnxruntime-node/dist/index.js`,
      `${store}/webgpu@0.6.2/node_modules/webgpu/dist/linux-x64/dawn.node`,
      `${store}/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/tf-core.node.js`,
      `${store}/@tensorflow+tfjs-backend-wasm@4.22.0_x/node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm`,
      `${store}/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/package.json`,
      `${store}/@tensorflow+tfjs-node-gpu@4.22.0/node_modules/@tensorflow/tfjs-node-gpu/dist/index.js`,
      `${store}/@huggingface+transformers@4.3.1/node_modules/@huggingface/transformers/dist/transformers.node.mjs`,
      `${store}/@img+sharp-libvips-linux-x64@1.3.4/node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.8.18.7`,
      `${store}/xlsx@0.18.5/node_modules/xlsx/dist/cpexcel.js`,
      'packages/model/dist/index.js',
      'packages/model/node_modules/@senti/errors',
    ])
      expect(keep(file), file).toBe(true);
  });

  it('drops other platforms, browser bundles, declarations and maps', () => {
    for (const file of [
      `${store}/onnxruntime-node@1.30.0/node_modules/onnxruntime-node/bin/napi-v6/darwin/arm64/libonnxruntime.dylib`,
      `${store}/onnxruntime-node@1.30.0/node_modules/onnxruntime-node/bin/napi-v6/linux/arm64/libonnxruntime.so.1`,
      `${store}/onnxruntime-node@1.30.0/node_modules/onnxruntime-node/bin/napi-v6/win32/x64/onnxruntime.dll`,
      `${store}/webgpu@0.6.2/node_modules/webgpu/dist/win32-x64/dawn.node`,
      `${store}/webgpu@0.6.2/node_modules/webgpu/dist/darwin-universal/dawn.node`,
      `${store}/onnxruntime-web@1.31.0/node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.jsep.wasm`,
      `${store}/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/tf-core.min.js`,
      `${store}/@tensorflow+tfjs-core@4.22.0/node_modules/@tensorflow/tfjs-core/dist/ops/add.js`,
      `${store}/@tensorflow+tfjs@4.22.0/node_modules/@tensorflow/tfjs/dist/tf.es2017.js`,
      `${store}/@huggingface+transformers@4.3.1/node_modules/@huggingface/transformers/dist/transformers.web.js`,
      `${store}/onnxruntime-node@1.30.0/node_modules/onnxruntime-node/dist/index.js.map`,
      `${store}/onnxruntime-node@1.30.0/node_modules/onnxruntime-node/dist/index.d.ts`,
      `${store}/vega-lite@6.5.0/node_modules/vega-lite/src/compile.ts`,
      'packages/model/dist/index.d.ts',
    ])
      expect(keep(file), file).toBe(false);
  });

  it('follows run-time dependencies only: no test runner, compiler or build tool', () => {
    const entries = execFileSync(
      process.execPath,
      [path.join(here, 'runtime-closure.mjs'), repo, 'tools/gpu', 'apps/cli'],
      { cwd: repo, encoding: 'utf8' },
    )
      .trim()
      .split('\n');
    const names = entries.map((entry) => entry.split('/')[2]!);
    // @senti/data's dist bundles danfojs-node (a dev dependency, not carried) with plain tfjs in place of its
    // tfjs-node; plain tfjs and danfojs-node's other dependencies are @senti/data's own: carried.
    expect(names).toContain('@tensorflow+tfjs@4.22.0_seedrandom@3.0.5');
    for (const needed of [
      'onnxruntime-node@',
      '@huggingface+transformers@',
      'webgpu@',
      '@tensorflow+tfjs-backend-webgpu@',
      '@tensorflow+tfjs-backend-wasm@',
      'sharp@',
      'mathjs@',
      'papaparse@',
      'xlsx@',
      'commander@',
    ]) {
      expect(
        names.some((name) => name.startsWith(needed)),
        needed,
      ).toBe(true);
    }
    for (const unwanted of [
      'danfojs-node@',
      'vitest@',
      'typescript@',
      'turbo@',
      '@turbo+',
      'esbuild@',
      '@esbuild+',
      'tsx@',
      'vite@',
      'rollup@',
      '@changesets+',
      'prettier@',
      'playwright-core@',
    ]) {
      expect(
        names.filter((name) => name.startsWith(unwanted)),
        unwanted,
      ).toEqual([]);
    }
  });
});
