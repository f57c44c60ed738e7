import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vulkanLoaderPresent, webGpuAccess } from './webgpu.js';

describe('WebGPU access', () => {
  it('finds the Vulkan loader through LD_LIBRARY_PATH', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'senti-vulkan-'));
    await writeFile(join(dir, 'libvulkan.so.1'), '');
    expect(vulkanLoaderPresent({ LD_LIBRARY_PATH: `/nonexistent:${dir}` })).toBe(true);
  });

  it('answers once per process and never throws', async () => {
    const first = webGpuAccess();
    expect(webGpuAccess()).toBe(first);
    const access = await first;
    if (!access.found) expect(access.detail.length).toBeGreaterThan(0);
  });
});
