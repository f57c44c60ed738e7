import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveModelDir } from './model-dir.js';

describe('resolveModelDir', () => {
  it('accepts a run directory holding model/ as well as the model directory itself', async () => {
    const run = await mkdtemp(join(tmpdir(), 'senti-run-'));
    await mkdir(join(run, 'model'));
    await writeFile(join(run, 'model', 'senti.json'), '{}');
    expect(resolveModelDir(run)).toBe(join(run, 'model'));
    expect(resolveModelDir(join(run, 'model'))).toBe(join(run, 'model'));
  });

  it('leaves a directory without a model alone, so loading names it', () => {
    expect(resolveModelDir('/nonexistent/run')).toBe('/nonexistent/run');
  });
});
