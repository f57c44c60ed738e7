import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('summarize.mjs (the last step of run.sh)', () => {
  it('reports end-to-end runs, failures and the verdict against the issue targets', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'senti-gpu-out-'));
    const work = mkdtempSync(path.join(tmpdir(), 'senti-gpu-work-'));
    writeFileSync(
      path.join(work, 'steps.tsv'),
      'make-model\t0\t61.2\ntrain-gpu\t1\t9.0\ntrain-gpu-wasm-head\t0\t8.4\nbench\tskipped\t0\n',
    );
    writeFileSync(path.join(work, 'torch.json'), '{"torch-cuda-fp32-B256-S64": 4200}\n');
    writeFileSync(path.join(work, 'train-gpu.out'), 'Encoding...\nReferenceError: OffscreenCanvas is not defined\n');
    writeFileSync(path.join(work, 'train-gpu.wall'), '9.0\n');
    writeFileSync(path.join(work, 'train-gpu.json'), '');
    writeFileSync(
      path.join(work, 'train-gpu-wasm-head.json'),
      JSON.stringify({
        encoderDevice: 'webgpu',
        backend: 'wasm',
        testAccuracy: 0.81,
        seconds: { total: 7.9, encode: 2.1, train: 4.2 },
      }),
    );
    writeFileSync(path.join(work, 'train-gpu-wasm-head.wall'), '8.4\n');
    execFileSync(process.execPath, [
      path.join(here, 'summarize.mjs'),
      '--out',
      out,
      '--work',
      work,
      '--total-seconds',
      '300',
    ]);
    const figures = JSON.parse(readFileSync(path.join(out, 'figures.json'), 'utf8'));
    expect(figures.endToEnd.gpu).toMatchObject({ ok: false, error: expect.stringContaining('OffscreenCanvas') });
    expect(figures.endToEnd.gpuEncoderWasmHead).toMatchObject({
      ok: true,
      wallSeconds: 8.4,
      encoderDevice: 'webgpu',
      backend: 'wasm',
    });
    expect(figures.verdict).toMatchObject({
      endToEndSeconds: 8.4,
      endToEndTargetMet: true,
      encoderTargetMet: false,
      correctnessOk: false,
    });
    const summary = readFileSync(path.join(out, 'summary.txt'), 'utf8');
    expect(summary).toContain('bench SKIPPED');
    expect(summary).toContain('Benchmark: no bench.json');
    expect(summary).toMatch(/gpuEncoderWasmHead\s+8\.4 s wall .*encoder on webgpu, head on wasm/);
  });

  it('does not count a run that fell back to the CPU towards the GPU target', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'senti-gpu-out-'));
    const work = mkdtempSync(path.join(tmpdir(), 'senti-gpu-work-'));
    writeFileSync(path.join(work, 'steps.tsv'), 'train-gpu\t0\t3.0\n');
    writeFileSync(
      path.join(work, 'train-gpu.json'),
      JSON.stringify({ encoderDevice: 'cpu', backend: 'wasm', testAccuracy: 0.5, seconds: { total: 2.5 } }),
    );
    writeFileSync(path.join(work, 'train-gpu.wall'), '3.0\n');
    execFileSync(process.execPath, [path.join(here, 'summarize.mjs'), '--out', out, '--work', work]);
    const figures = JSON.parse(readFileSync(path.join(out, 'figures.json'), 'utf8'));
    expect(figures.endToEnd.gpu).toMatchObject({ ok: true, encoderDevice: 'cpu' });
    expect(figures.verdict).toMatchObject({ endToEndSeconds: null, endToEndTargetMet: false });
  });
});
