#!/usr/bin/env node
// GPU benchmark of senti's frozen encoder and trainable head, route by route, with a correctness check.
// Every measurement runs in its own child process with a time limit, so one provider that hangs or crashes
// (a GPU driver, a missing library) costs only its own row. Runs on a CPU-only machine too: GPU rows then say why
// they were skipped or how they failed, and the cpu rows are measured.
//
// Usage: node tools/gpu/bench-gpu.mjs --model DIR [--tiny fixtures/tiny-bert] [--out FILE.json] [--quick] [--try-all]
//   --model    BERT-base-shaped model directory (HF layout: onnx/model.onnx, optionally onnx/model_fp16.onnx)
//   --tiny     the tiny fixture for the GPU-vs-CPU correctness check (default fixtures/tiny-bert)
//   --out      where to write the JSON figures (default: print only)
//   --quick    fewer repetitions and samples (for tests)
//   --try-all  attempt GPU routes even when the probe found no GPU (exercises the fallbacks)
//   --deadline-s N  stop starting measurements N seconds after the start (the rest are recorded as skipped)
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const REPO = path.resolve(path.dirname(SELF), '../..');
const { values: flags } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    task: { type: 'string' },
    args: { type: 'string' },
    model: { type: 'string' },
    tiny: { type: 'string', default: path.join(REPO, 'fixtures/tiny-bert') },
    out: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'try-all': { type: 'boolean', default: false },
    'deadline-s': { type: 'string' },
  },
});

/** Sentences/s targets and references from the issue (PyTorch on an H200). */
const REFERENCES = {
  torchFp32_32x32: 4790,
  torchFp32_256x64: 4200,
  torchFp16_256x64: 25647,
  tutorialEndToEndSeconds: 10.1,
  targetEncoder256x64: 5000,
  maxAbsDiff: 1e-3,
};

// ---------------------------------------------------------------- child tasks (one measurement each)

const WORDS = [
  'good',
  'bad',
  'movie',
  'film',
  'great',
  'plot',
  'actor',
  'story',
  'boring',
  'funny',
  'the',
  'was',
  'very',
  'not',
];
/** `count` texts, each longer than `tokens` tokens, so every batch is padded to exactly `tokens`. */
function longTexts(count, tokens) {
  return Array.from({ length: count }, (_, i) =>
    Array.from({ length: tokens + 4 }, (_, j) => WORDS[(i * 7 + j * 3) % WORDS.length]).join(' '),
  );
}

/** Runs `once` until `minSeconds` have passed (at least 2, at most `maxReps` times) after `warmups`; seconds per call. */
async function timeIt(once, { warmups = 2, minSeconds = 2, maxReps = 20 } = {}) {
  for (let i = 0; i < warmups; i++) await once();
  let reps = 0;
  const start = performance.now();
  while (reps < 2 || (reps < maxReps && performance.now() - start < minSeconds * 1000)) {
    await once();
    reps++;
  }
  return { seconds: (performance.now() - start) / 1000 / reps, reps };
}

const ONNX_FILE = { fp32: 'model.onnx', fp16: 'model_fp16.onnx', q8: 'model_quantized.onnx' };

const tasks = {
  /** What this machine offers. */
  async probe() {
    const model = await import('@senti/model/internals');
    const ort = (await import('onnxruntime-node')).default;
    const webgpu = await model.probeWebGpuAdapter();
    return {
      node: process.version,
      platform: `${process.platform}/${process.arch}`,
      onnxRuntimeBinDir: model.onnxRuntimeBinDir() ?? null,
      cudaProvider: model.hasCudaProvider(),
      ortBackends: ort
        .listSupportedBackends()
        .map((backend) => `${backend.name}${backend.bundled ? '' : ' (separate download)'}`),
      vulkanLoader: model.vulkanLoaderPresent(),
      webgpuAdapter: webgpu.found,
      webgpuDetail: webgpu.detail ?? null,
    };
  },

  /** Bare ONNX Runtime session: sentences/s on fixed B x S batches; `outputs: 'pooler'` fetches only pooler_output. */
  async 'encoder-raw'({ modelDir, ep, dtype, batch, tokens, outputs, quick }) {
    const ort = (await import('onnxruntime-node')).default;
    const file = path.join(modelDir, 'onnx', ONNX_FILE[dtype]);
    const session = await ort.InferenceSession.create(file, {
      executionProviders: [ep],
      graphOptimizationLevel: 'all',
    });
    const n = batch * tokens;
    const ids = new BigInt64Array(n).map((_, i) => BigInt(1000 + ((i * 7919) % 29000)));
    const all = {
      input_ids: new ort.Tensor('int64', ids, [batch, tokens]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [batch, tokens]),
      token_type_ids: new ort.Tensor('int64', new BigInt64Array(n), [batch, tokens]),
    };
    const feeds = Object.fromEntries(session.inputNames.map((name) => [name, all[name]]));
    const fetches = outputs === 'pooler' ? ['pooler_output'] : session.outputNames;
    let last;
    const { seconds, reps } = await timeIt(
      async () => {
        last = await session.run(feeds, fetches);
      },
      quick ? { warmups: 1, minSeconds: 0.2, maxReps: 3 } : {},
    );
    const pooled = last.pooler_output;
    const result = {
      sentencesPerSecond: round(batch / seconds),
      msPerBatch: round(seconds * 1000, 2),
      reps,
      outputType: pooled.type,
      pooled0: Array.from(pooled.data.slice(0, 3), (v) => Number(Number(v).toFixed(5))),
    };
    await session.release();
    return result;
  },

  /** senti's own loadEncoder + encode (tokenize, sort, pad, pool) on B x S batches, through a chosen route. */
  async 'encoder-senti'({ modelDir, route, dtype, batch, tokens, quick }) {
    const model = await import('@senti/model');
    const { probeWebGpuAdapter } = await import('@senti/model/internals');
    // Pin the route: the probe says only the provider under test is there (cpu needs no probe).
    const probe = async () => ({
      cudaProvider: route === 'cuda',
      webgpuAdapter: route === 'webgpu',
      webgpuDetail: route === 'webgpu' ? (await probeWebGpuAdapter()).detail : undefined,
    });
    const loadStart = performance.now();
    const encoder = await model.loadEncoder(
      { model: modelDir, dtype, device: route === 'cpu' ? 'cpu' : 'gpu', offline: true, pooling: 'pooler' },
      probe,
    );
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const batches = quick ? 2 : 4;
    const texts = longTexts(batch * batches, tokens);
    const { seconds, reps } = await timeIt(
      () => encoder.encode(texts, { maxLength: tokens, batchSize: batch }),
      quick ? { warmups: 1, minSeconds: 0.2, maxReps: 2 } : { warmups: 1, minSeconds: 2, maxReps: 5 },
    );
    const report = {
      used: encoder.device.used,
      routeText: model.describeRoute(encoder.device),
      sentencesPerSecond: round(texts.length / seconds),
      loadSeconds: round(loadSeconds, 2),
      reps,
    };
    await encoder.dispose();
    return report;
  },

  /** Head training samples/s: @senti/train's train on random 768-d features, on one tfjs backend. */
  async head({ backend, samples, epochs }) {
    process.env.SENTI_TF_BACKEND = backend;
    const model = await import('@senti/model');
    const { train } = await import('@senti/train');
    const choice = await model.selectBackend({
      device: backend === 'wasm' || backend === 'cpu' || backend === 'tensorflow' ? 'cpu' : 'gpu',
    });
    const inputSize = 768;
    const { seededRandom } = await import('@senti/base');
    const random = seededRandom(1);
    const features = Float32Array.from({ length: samples * inputSize }, () => random() * 2 - 1);
    const labels = Array.from({ length: samples }, (_, i) => i % 2);
    const valRows = Math.min(1000, samples);
    const result = await train({
      train: { features, labels },
      val: { features: features.subarray(0, valRows * inputSize), labels: labels.slice(0, valRows) },
      inputSize,
      numClasses: 2,
      epochs,
      batchSize: 32,
      seed: 1,
    });
    const perEpoch = result.history.map((record) => record.seconds);
    result.head.dispose();
    return {
      backend: choice.name,
      gpu: choice.gpu,
      samples,
      epochs,
      epochSeconds: perEpoch.map((s) => round(s, 3)),
      samplesPerSecond: round(samples / Math.min(...perEpoch)),
    };
  },

  /** Tiny fixture through loadEncoder on a device: the pooled vectors of the reference sentences. */
  async 'tiny-encode'({ tiny, device }) {
    const model = await import('@senti/model');
    const reference = JSON.parse(readFileSync(path.join(REPO, 'fixtures/tiny-bert-reference.json'), 'utf8'));
    const encoder = await model.loadEncoder({ model: tiny, device, offline: true, pooling: 'pooler' });
    const features = await encoder.encode(reference.tokenization.sentences, {
      maxLength: reference.tokenization.max_length,
      batchSize: 8,
    });
    const out = {
      used: encoder.device.used,
      routeText: model.describeRoute(encoder.device),
      features: Array.from(features),
    };
    await encoder.dispose();
    return out;
  },

  /** Tiny head trained (seeded) and evaluated on one tfjs backend: its class probabilities. */
  async 'tiny-head'({ backend }) {
    process.env.SENTI_TF_BACKEND = backend;
    const model = await import('@senti/model');
    const { train, evaluateHead } = await import('@senti/train');
    const choice = await model.selectBackend({ device: backend === 'wasm' || backend === 'cpu' ? 'cpu' : 'gpu' });
    const reference = JSON.parse(readFileSync(path.join(REPO, 'fixtures/tiny-bert-reference.json'), 'utf8'));
    const rows = reference.tiny_outputs.pooler_output;
    const features = Float32Array.from(rows.flat());
    const labels = rows.map((_, i) => i % 2);
    const split = { features, labels };
    const result = await train({
      train: split,
      val: split,
      inputSize: rows[0].length,
      numClasses: 2,
      epochs: 3,
      batchSize: 4,
      seed: 7,
      learningRate: 1e-3,
    });
    const evaluation = await evaluateHead(result.head, split);
    result.head.dispose();
    return { backend: choice.name, gpu: choice.gpu, probabilities: Array.from(evaluation.probabilities) };
  },
};

function round(value, digits = 1) {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

// ---------------------------------------------------------------- orchestration

/** Runs one task in a child process; resolves to its result, or to `{ error }` on failure or timeout. Never throws. */
const deadline = flags['deadline-s'] ? Date.now() + Number(flags['deadline-s']) * 1000 : Infinity;
function runTask(task, args, wantedSeconds, env = {}) {
  const timeoutSeconds = Math.min(wantedSeconds, Math.floor((deadline - Date.now()) / 1000));
  if (timeoutSeconds < 10) return Promise.resolve({ error: 'skipped: out of time (--deadline-s)', seconds: 0 });
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [SELF, '--task', task, '--args', JSON.stringify(args)], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutSeconds * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const seconds = round((performance.now() - started) / 1000, 2);
      const line = stdout
        .split('\n')
        .reverse()
        .find((text) => text.startsWith('{"result"') || text.startsWith('{"error"'));
      if (line) {
        const parsed = JSON.parse(line);
        resolve(parsed.error !== undefined ? { error: parsed.error, seconds } : { ...parsed.result, seconds });
        return;
      }
      const why = signal === 'SIGKILL' ? `timed out after ${timeoutSeconds} s` : `exited with ${code ?? signal}`;
      const tail = stderr
        .trim()
        .split('\n')
        .filter((text) => !/^\s+at /.test(text))
        .slice(-3)
        .join(' | ');
      resolve({ error: `${why}${tail ? `: ${tail.slice(0, 400)}` : ''}`, seconds });
    });
  });
}

async function main() {
  if (!flags.model)
    throw new Error('--model DIR is required (a BERT-base-shaped model directory; see tools/gpu/run.sh)');
  const modelDir = path.resolve(flags.model);
  const quick = flags.quick;
  const started = Date.now();
  const log = (text) =>
    console.error(`[bench-gpu ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${text}`);

  log('probing routes');
  const probe = await runTask('probe', {}, 60);
  const tryAll = flags['try-all'];
  // GPU routes first: under --deadline-s the CPU reference is what gets dropped.
  const routes = [];
  const skipped = {};
  if (probe.cudaProvider || tryAll) routes.push('cuda');
  else skipped.cuda = 'onnxruntime-node has no CUDA provider (libonnxruntime_providers_cuda.so); see docs/gpu.md';
  if (probe.webgpuAdapter || tryAll) routes.push('webgpu');
  else skipped.webgpu = probe.webgpuDetail ?? probe.error ?? 'no WebGPU adapter';
  routes.push('cpu');
  const dtypes = Object.keys(ONNX_FILE).filter(
    (dtype) => dtype !== 'q8' && existsSync(path.join(modelDir, 'onnx', ONNX_FILE[dtype])),
  );
  const shapes = [
    [32, 32],
    [256, 64],
  ];

  const encoder = [];
  for (const route of routes) {
    for (const dtype of dtypes) {
      for (const [batch, tokens] of shapes) {
        if (route === 'cpu' && (batch > 32 || dtype === 'fp16')) continue; // CPU: reference at 32 x 32 fp32 only.
        const shape = `${batch}x${tokens}`;
        const common = { modelDir, dtype, batch, tokens, quick };
        for (const outputs of route === 'cpu' ? ['all'] : ['all', 'pooler']) {
          log(`raw ORT ${route} ${dtype} ${shape} outputs=${outputs}`);
          encoder.push({
            kind: 'raw ORT',
            route,
            dtype,
            shape,
            outputs,
            ...(await runTask('encoder-raw', { ...common, ep: route, outputs }, quick ? 120 : 150)),
          });
        }
        log(`senti loadEncoder ${route} ${dtype} ${shape}`);
        encoder.push({
          kind: 'senti encode',
          route,
          dtype,
          shape,
          outputs: 'pooler',
          ...(await runTask('encoder-senti', { ...common, route }, quick ? 120 : 150)),
        });
      }
    }
  }

  log('correctness on the tiny fixture: gpu vs cpu');
  const tiny = path.resolve(flags.tiny);
  const [encodeCpu, encodeGpu] = [
    await runTask('tiny-encode', { tiny, device: 'cpu' }, 90),
    await runTask('tiny-encode', { tiny, device: 'gpu' }, 90),
  ];
  const gpuHead = probe.webgpuAdapter || tryAll ? 'webgpu' : 'tensorflow-gpu';
  const [headCpu, headGpu] = [
    await runTask('tiny-head', { backend: 'cpu' }, 90),
    await runTask('tiny-head', { backend: gpuHead }, 90),
  ];
  const correctness = {
    encoder: compare(encodeCpu.features, encodeGpu.features, {
      cpu: encodeCpu.routeText ?? encodeCpu.error,
      gpu: encodeGpu.routeText ?? encodeGpu.error,
      onGpu: encodeGpu.used !== undefined && encodeGpu.used !== 'cpu',
    }),
    head: compare(headCpu.probabilities, headGpu.probabilities, {
      cpu: headCpu.backend ?? headCpu.error,
      gpu: headGpu.backend ?? headGpu.error,
      onGpu: headGpu.gpu === true,
    }),
  };

  const head = [];
  const headBackends = ['wasm', ...(probe.webgpuAdapter || tryAll ? ['webgpu'] : []), 'tensorflow-gpu'];
  const samples = quick ? 2000 : 20000;
  for (const backend of headBackends) {
    log(`head training on tfjs ${backend}`);
    head.push({ requested: backend, ...(await runTask('head', { backend, samples, epochs: 2 }, quick ? 120 : 150)) });
  }

  const figures = {
    createdAt: new Date().toISOString(),
    seconds: round((Date.now() - started) / 1000),
    modelDir,
    quick,
    probe,
    routes,
    skipped,
    encoder,
    head,
    correctness,
    references: REFERENCES,
    headline: headline(encoder, head, correctness),
  };
  if (flags.out) {
    mkdirSync(path.dirname(path.resolve(flags.out)), { recursive: true });
    writeFileSync(flags.out, `${JSON.stringify(figures, null, 2)}\n`);
  }
  console.log(formatTables(figures));
}

/** Max abs diff between two vectors, with what each side ran on; `ok` only when both ran and the GPU one was a GPU. */
function compare(a, b, sides) {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return { maxAbsDiff: null, ok: false, ...sides };
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return {
    maxAbsDiff: Number(max.toExponential(3)),
    withinTolerance: max <= REFERENCES.maxAbsDiff,
    ok: max <= REFERENCES.maxAbsDiff && sides.onGpu,
    ...sides,
  };
}

/** The figures the issue asks for: best GPU encoder rate per shape, best GPU head rate. */
function headline(encoder, head, correctness) {
  const best = (rows) =>
    rows
      .filter((row) => typeof row.sentencesPerSecond === 'number')
      .sort((x, y) => y.sentencesPerSecond - x.sentencesPerSecond)[0];
  const gpuRows = encoder.filter((row) => row.route !== 'cpu' && (row.kind === 'raw ORT' || row.used === row.route));
  const at = (shape, kind) => best(gpuRows.filter((row) => row.shape === shape && row.kind === kind));
  const label = (row) => (row ? `${row.sentencesPerSecond} (${row.route} ${row.dtype}, outputs ${row.outputs})` : null);
  const gpuHead = head
    .filter((row) => row.gpu === true && typeof row.samplesPerSecond === 'number')
    .sort((x, y) => y.samplesPerSecond - x.samplesPerSecond)[0];
  const s256 = at('256x64', 'senti encode');
  return {
    encoderSenti32x32: label(at('32x32', 'senti encode')),
    encoderSenti256x64: label(s256),
    encoderRaw256x64: label(at('256x64', 'raw ORT')),
    encoderTargetMet: s256 ? s256.sentencesPerSecond >= REFERENCES.targetEncoder256x64 : false,
    headGpuSamplesPerSecond: gpuHead ? `${gpuHead.samplesPerSecond} (${gpuHead.backend})` : null,
    correctnessOk: correctness.encoder.ok && correctness.head.ok,
  };
}

function formatTables(figures) {
  const table = (rows) => {
    const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => String(row[column]).length)));
    return rows.map((row) => row.map((cell, column) => String(cell).padEnd(widths[column])).join('  ')).join('\n');
  };
  const err = (row) => (row.error ? `ERROR ${row.error.slice(0, 160)}` : '');
  const lines = [];
  const p = figures.probe;
  lines.push(
    `Routes measured: ${figures.routes.join(', ')}${
      Object.keys(figures.skipped).length
        ? `; skipped: ${Object.entries(figures.skipped)
            .map(([k, v]) => `${k} (${v})`)
            .join('; ')}`
        : ''
    }`,
  );
  lines.push(
    `Probe: node ${p.node}, CUDA provider ${p.cudaProvider}, Vulkan loader ${p.vulkanLoader}, WebGPU adapter ${p.webgpuAdapter}${p.webgpuDetail ? ` (${p.webgpuDetail})` : ''}; ORT providers: ${(p.ortBackends ?? []).join(', ')}`,
  );
  lines.push('', 'Encoder (sentences/s)');
  lines.push(
    table([
      ['kind', 'route', 'dtype', 'B x S', 'outputs', 'sent/s', 'used', 'note'],
      ...figures.encoder.map((row) => [
        row.kind,
        row.route,
        row.dtype,
        row.shape,
        row.outputs,
        row.sentencesPerSecond ?? '-',
        row.used ?? (row.error ? '-' : row.route),
        err(row) || (row.used && row.used !== row.route ? `FELL BACK: ${row.routeText.slice(0, 140)}` : ''),
      ]),
    ]),
  );
  lines.push('', 'Head training (samples/s, @senti/train, 768 -> 512 -> 2, batch 32)');
  lines.push(
    table([
      ['requested', 'backend', 'gpu', 'samples/s', 'note'],
      ...figures.head.map((row) => [
        row.requested,
        row.backend ?? '-',
        row.gpu ?? '-',
        row.samplesPerSecond ?? '-',
        err(row),
      ]),
    ]),
  );
  const c = figures.correctness;
  lines.push('', `Correctness (tiny fixture, GPU vs CPU, tolerance ${figures.references.maxAbsDiff}):`);
  lines.push(
    `  encoder pooler_output max abs diff ${c.encoder.maxAbsDiff ?? '-'} (cpu: ${c.encoder.cpu}; gpu: ${c.encoder.gpu})${c.encoder.ok ? ' OK' : ' NOT CHECKED ON A GPU / FAILED'}`,
  );
  lines.push(
    `  head probabilities  max abs diff ${c.head.maxAbsDiff ?? '-'} (cpu: ${c.head.cpu}; gpu: ${c.head.gpu})${c.head.ok ? ' OK' : ' NOT CHECKED ON A GPU / FAILED'}`,
  );
  lines.push('', `Headline: ${JSON.stringify(figures.headline)}`);
  lines.push(
    `References (PyTorch, H200): fp32 ${figures.references.torchFp32_32x32} (32x32), ${figures.references.torchFp32_256x64} (256x64); fp16 ${figures.references.torchFp16_256x64} (256x64); target >= ${figures.references.targetEncoder256x64} at 256x64`,
  );
  return lines.join('\n');
}

if (flags.task) {
  // Child: run one task, print one JSON line, exit (GPU runtimes may keep the process alive otherwise).
  try {
    const result = await tasks[flags.task](JSON.parse(flags.args ?? '{}'));
    process.stdout.write(`${JSON.stringify({ result })}\n`);
    process.exit(0);
  } catch (error) {
    process.stdout.write(
      `${JSON.stringify({
        error: String(error?.message ?? error)
          .split('\n')[0]
          .slice(0, 500),
      })}\n`,
    );
    process.exit(1);
  }
} else {
  await main();
}
