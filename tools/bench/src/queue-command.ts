import type { BenchCommand } from './bench-command.js';

/** `queue`: the distributed-encoding benchmark (queue-bench.ts is a script that reads process.argv; run it with ours). */
export const command: BenchCommand = {
  usage: `Usage: pnpm --filter @senti/bench start -- queue [--model DIR] [--texts 4000] [--workers 1,2,4] [--dtype q8] [--chunk 256]

Sentences/s through BullMQ + Redis with 1, 2, 4 worker processes on this machine (BERT-base-shaped model, SST-2
sentences) against one process encoding alone; then the cost of each chunk. Starts its own redis-server; writes
tools/bench/queue-results.json. --help lists every option.`,
  async run(args) {
    process.argv = [process.argv[0]!, 'queue-bench', ...args];
    await import('./queue-bench.js');
  },
};
