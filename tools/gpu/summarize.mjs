#!/usr/bin/env node
// Gathers what tools/gpu/run.sh measured into OUT/figures.json and a readable OUT/summary.txt, against the
// issue's references and targets. Usage: node tools/gpu/summarize.mjs --out DIR --work DIR --steps FILE [--total-seconds N]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    work: { type: 'string' },
    steps: { type: 'string' },
    'total-seconds': { type: 'string' },
  },
});
const out = values.out;
const work = values.work;

function readJson(file) {
  try {
    const text = readFileSync(file, 'utf8').trim();
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
const readText = (file) => (existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined);

const steps = (readText(values.steps ?? path.join(work, 'steps.tsv')) ?? '')
  .split('\n')
  .filter(Boolean)
  .map((line) => {
    const [name, exit, seconds] = line.split('\t');
    return { name, exit: exit === 'skipped' ? 'skipped' : Number(exit), seconds: Number(seconds) };
  });
const bench = readJson(path.join(out, 'bench.json'));
const torch = readJson(path.join(work, 'torch.json'));

/** One CLI run: its --json summary, the wall-clock seconds of the whole process, and why it failed if it did. */
function trainRun(name) {
  const summary = readJson(path.join(work, `${name}.json`));
  const wall = Number(readText(path.join(work, `${name}.wall`)));
  const output = readText(path.join(work, `${name}.out`)) ?? '';
  const step = steps.find((entry) => entry.name === name);
  const error =
    step && step.exit !== 0
      ? output
          .split('\n')
          .filter((line) => line.trim() && !line.startsWith('{'))
          .slice(-3)
          .join(' | ')
          .slice(0, 400)
      : undefined;
  return {
    ok: step?.exit === 0 && summary !== undefined,
    wallSeconds: Number.isFinite(wall) ? Math.round(wall * 10) / 10 : null,
    cliSeconds: summary?.seconds ?? null,
    encoderDevice: summary?.encoderDevice ?? null,
    backend: summary?.backend ?? null,
    testAccuracy: summary?.testAccuracy ?? null,
    ...(error ? { error } : {}),
  };
}
const endToEnd = { gpu: trainRun('train-gpu'), gpuEncoderWasmHead: trainRun('train-gpu-wasm-head') };

const references = {
  torchOnThisMachine: torch ?? null,
  issue: bench?.references ?? { tutorialEndToEndSeconds: 10.1, targetEncoder256x64: 5000 },
};
// Only a run whose encoder ran on a GPU counts towards the GPU target.
const best = [endToEnd.gpu, endToEnd.gpuEncoderWasmHead]
  .filter((run) => run.ok && run.wallSeconds !== null && run.encoderDevice !== 'cpu')
  .sort((a, b) => a.wallSeconds - b.wallSeconds)[0];
const verdict = {
  endToEndSeconds: best?.wallSeconds ?? null,
  endToEndTargetMet: best ? best.wallSeconds <= references.issue.tutorialEndToEndSeconds : false,
  encoder256x64: bench?.headline?.encoderSenti256x64 ?? null,
  encoderTargetMet: bench?.headline?.encoderTargetMet ?? false,
  headGpu: bench?.headline?.headGpuSamplesPerSecond ?? null,
  correctnessOk: bench?.headline?.correctnessOk ?? false,
};
const figures = {
  createdAt: new Date().toISOString(),
  totalSeconds: Number(values['total-seconds'] ?? NaN),
  verdict,
  steps,
  endToEnd,
  references,
  bench: bench ?? null,
};
writeFileSync(path.join(out, 'figures.json'), `${JSON.stringify(figures, null, 2)}\n`);

const lines = ['senti GPU run', '============', ''];
lines.push(
  `Steps: ${steps.map((entry) => `${entry.name} ${entry.exit === 0 ? 'ok' : entry.exit === 'skipped' ? 'SKIPPED' : `FAILED(${entry.exit})`} ${entry.seconds.toFixed(0)} s`).join('; ')}`,
);
lines.push('', 'UCI end to end (senti train --device gpu --preset tutorial, 10 epochs, features not cached):');
for (const [label, run] of Object.entries(endToEnd)) {
  lines.push(
    `  ${label.padEnd(20)} ${run.ok ? `${run.wallSeconds} s wall (cli total ${run.cliSeconds?.total?.toFixed?.(1) ?? '-'} s: encode ${run.cliSeconds?.encode?.toFixed?.(1) ?? '-'} s, train ${run.cliSeconds?.train?.toFixed?.(1) ?? '-'} s); encoder on ${run.encoderDevice}, head on ${run.backend}; test accuracy ${run.testAccuracy?.toFixed?.(3)}` : `FAILED: ${run.error ?? 'no result'}`}`,
  );
}
lines.push(
  `  reference: the tutorial's PyTorch pipeline on an H200, ${references.issue.tutorialEndToEndSeconds} s; target met: ${verdict.endToEndTargetMet}`,
);
if (torch) lines.push('', `PyTorch on this machine (make-bert-base-onnx.py, sentences/s): ${JSON.stringify(torch)}`);
if (bench) {
  lines.push('', `Benchmark (tools/gpu/bench-gpu.mjs, ${bench.seconds} s):`);
  lines.push(
    `  routes ${bench.routes.join(', ')}; probe: CUDA provider ${bench.probe.cudaProvider}, WebGPU adapter ${bench.probe.webgpuAdapter}${bench.probe.webgpuDetail ? ` (${bench.probe.webgpuDetail})` : ''}`,
  );
  lines.push('  encoder sentences/s:');
  for (const row of bench.encoder) {
    const note = row.error
      ? `ERROR ${row.error.slice(0, 150)}`
      : row.used && row.used !== row.route
        ? `fell back to ${row.used}`
        : '';
    lines.push(
      `    ${row.kind.padEnd(13)} ${row.route.padEnd(7)} ${row.dtype.padEnd(5)} ${row.shape.padEnd(7)} outputs ${row.outputs.padEnd(7)} ${String(row.sentencesPerSecond ?? '-').padStart(9)}  ${note}`,
    );
  }
  lines.push('  head training samples/s (@senti/train, 768 -> 512 -> 2, batch 32):');
  for (const row of bench.head)
    lines.push(
      `    ${row.requested.padEnd(15)} ${String(row.samplesPerSecond ?? '-').padStart(9)}  ${row.error ? `ERROR ${row.error.slice(0, 150)}` : `backend ${row.backend}`}`,
    );
  const c = bench.correctness;
  lines.push(
    `  correctness (tiny fixture, GPU vs CPU, <= 1e-3): encoder ${c.encoder.maxAbsDiff ?? '-'} ${c.encoder.ok ? 'OK' : `NOT OK (${c.encoder.gpu})`}; head ${c.head.maxAbsDiff ?? '-'} ${c.head.ok ? 'OK' : `NOT OK (${c.head.gpu})`}`,
  );
} else {
  lines.push('', 'Benchmark: no bench.json (see run.log)');
}
lines.push('', `Verdict: ${JSON.stringify(verdict)}`);
writeFileSync(path.join(out, 'summary.txt'), `${lines.join('\n')}\n`);
