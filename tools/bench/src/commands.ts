import type { BenchCommand } from './bench-command.js';

/** A registered subcommand: a one-line summary for the tool's help, and its module (loaded only when chosen). */
export interface CommandEntry {
  summary: string;
  load: () => Promise<{ command: BenchCommand }>;
}

/**
 * Registers a standalone benchmark script (top-level code reading `process.argv.slice(2)`, printing its own
 * `--help`) as a subcommand: it runs with the subcommand's arguments as its argv.
 */
export function scriptEntry(summary: string, load: () => Promise<unknown>): CommandEntry {
  const command: BenchCommand = {
    usage: `${summary}\n(a standalone script: --help prints its options)\n`,
    async run(args) {
      process.argv = [process.argv[0]!, process.argv[1]!, ...args];
      await load();
    },
  };
  return { summary, load: async () => ({ command }) };
}

/** Every subcommand of `pnpm --filter @senti/bench start -- <name>`. Add a benchmark with one line here. */
export const COMMANDS: Record<string, CommandEntry> = {
  e2e: {
    summary: 'senti train end to end (the CLI, one process per run) against the PyTorch anchors, side by side',
    load: () => import('./e2e-bench.js'),
  },
  encoder: {
    summary: "encoder sentences/s: senti's sorted, dynamically padded encode vs raw ONNX Runtime",
    load: () => import('./encoder-bench.js'),
  },
  roofline: {
    summary: "int8 MatMul roofline of ONNX Runtime here vs senti's int8 encode as effective GOP/s on UCI and SST-2",
    load: () => import('./roofline-bench.js'),
  },
  'graph-profile': {
    summary:
      "where the int8 encoder's time goes (ONNX Runtime's profile per op type) and graphs or session settings compared on UCI's batches, interleaved per batch",
    load: () => import('./graph-profile.js'),
  },
  'bert-graph': {
    summary:
      "encode time of senti's BERT graph from safetensors: full vs [CLS]-only last layer, fp32 and int8 (random BERT-base checkpoint)",
    load: () => import('./bert-graph-bench.js'),
  },
  layouts: {
    summary:
      'encode speed of every BERT-base layout through loadEncoder, side by side: BertModel export (mean, cls), fill-mask cut (mean, cls), safetensors (pooler), the uncut fill-mask graph',
    load: () => import('./layouts-bench.js'),
  },
  'int8-build': {
    summary:
      'first-run cost of the per-token int8 graph: the build from an empty cache, its stages, sha256, the warm lookup',
    load: () => import('./int8-build-bench.js'),
  },
  head: {
    summary: 'head-training samples/s of @senti/train on random features, per tfjs backend',
    load: () => import('./head-bench.js'),
  },
  'head-profile': {
    summary: "where a head-training step's time goes: per phase and per tfjs kernel",
    load: () => import('./head-profile.js'),
  },
  server: {
    summary: 'HTTP load on senti-server with autocannon: 1-text and 32-text requests',
    load: () => import('./server-bench.js'),
  },
  'unfreeze-step': {
    summary: 'seconds per training step of the top k unfrozen BERT-base-shaped layers plus the head',
    load: () => import('./unfreeze-step.js'),
  },
  'head-cpu': scriptEntry(
    'head-training steps per wall second and per CPU second (CPU time measures the work on a shared machine)',
    () => import('./head-cpu.js'),
  ),
  queue: scriptEntry(
    'distributed encoding through BullMQ + Redis: 1, 2, 4 worker processes vs one process; per-chunk cost',
    () => import('./queue-bench.js'),
  ),
  explain: {
    summary:
      'word attributions: ERASER comprehensiveness of the top-k words vs k random words (k = 1, 3, 5), texts explained per second',
    load: () => import('./explain-bench.js'),
  },
  'make-model': {
    summary: 'an untrained model directory (random head) from any encoder, for the server benchmark',
    load: () => import('./make-model.js'),
  },
};
