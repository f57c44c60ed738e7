import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { UsageError } from '@senti/errors';
import type { Device, Dtype, Pooling } from '@senti/model';
import { runWorker, WORKER_DEFAULTS, type WorkerEvent } from '@senti/queue';
import { DEFAULT_SETTINGS, isOffline } from '@senti/train';
import { SETTINGS } from '@senti/train/settings';
import { parseChoice, parseInteger } from '../options/parse-values.js';
import { addOptions } from '../options/command-options.js';
import { newCommand } from './new-command.js';
import { sentiEnvironment } from '@senti/base';

interface WorkerFlags {
  queue?: string;
  model?: string;
  offline?: boolean;
  device?: Device;
  dtype?: Dtype;
  pooling?: Pooling;
  cacheDir?: string;
  concurrency?: number;
  stalledInterval?: number;
  json?: boolean;
}

const PRELOAD_DTYPES = SETTINGS.dtype.choices.filter((dtype): dtype is Dtype => dtype !== 'auto');

/** `senti worker`: encodes chunks enqueued by `senti encode` until stopped (SIGINT/SIGTERM finish the chunk in hand). */
export function workerCommand(context: CliContext): Command {
  const command = newCommand(
    'worker',
    'Encode chunks that `senti encode` put on the Redis queue, into the shared feature store, until stopped.',
    context,
  );
  addOptions(command, ['queue', 'model', 'offline', 'device'], {
    help: {
      model: `encoder: Hugging Face hub id or local directory, the same files as the enqueuer's (default: ${DEFAULT_SETTINGS.model})`,
      device: `where this worker runs the encoder (default: ${DEFAULT_SETTINGS.device})`,
    },
  })
    // A worker loads concrete weights: the table's choices without `auto`.
    .option(
      `--dtype <${PRELOAD_DTYPES.join('|')}>`,
      'load these weights at start (default: on the first chunk, whichever it asks for)',
      parseChoice('--dtype', PRELOAD_DTYPES),
    );
  return addOptions(command, ['pooling', 'cacheDir'], {
    help: {
      pooling: 'with --dtype: the pooling to load at start (default: pooler)',
      cacheDir: `shared feature store (default: ${SETTINGS.cacheDir.env} or ~/.cache/senti)`,
    },
  })
    .option(
      '--concurrency <n>',
      `chunks at once in this process (default: ${WORKER_DEFAULTS.concurrency}; ONNX Runtime already uses every core)`,
      parseInteger('--concurrency'),
    )
    .option(
      '--stalled-interval <ms>',
      `how soon a chunk of a dead worker is handed to another (default: ${WORKER_DEFAULTS.stalledIntervalMs})`,
      parseInteger('--stalled-interval', 100),
    )
    .action(async (flags: WorkerFlags) => {
      const output = context.console(flags.json);
      const queue = flags.queue ?? sentiEnvironment().queue;
      if (!queue)
        throw new UsageError(
          'CLI_MISSING_OPTION',
          'worker needs --queue redis://HOST:PORT (or SENTI_QUEUE), the queue senti encode fills',
        );
      let chunks = 0;
      let rows = 0;
      const worker = await runWorker({
        queue,
        model: flags.model ?? DEFAULT_SETTINGS.model,
        offline: isOffline(flags.offline) || undefined,
        ...(flags.device ? { device: flags.device } : {}),
        ...(flags.cacheDir ? { cacheDir: flags.cacheDir } : {}),
        ...(flags.dtype ? { preload: { dtype: flags.dtype, pooling: flags.pooling ?? 'pooler' } } : {}),
        ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
        ...(flags.stalledInterval ? { stalledIntervalMs: flags.stalledInterval } : {}),
        onEvent: (event: WorkerEvent) => {
          if (event.type === 'chunk-done') {
            chunks++;
            rows += event.rows;
          }
          output.line(describe(event));
        },
      });
      // Ctrl-C, SIGTERM or SIGHUP (the entry point turns them into this abort; a second one ends the process at once).
      const interrupt = context.cancelSignal();
      // A setup error of its own (its --model is not the chunks' model): the chunk went back untouched; stop, one line.
      const failure = worker.setupFailed.then(async (error) => {
        await worker.close();
        throw error;
      });
      await Promise.race([
        failure,
        new Promise<void>((resolve) => {
          const stop = () => {
            const reason = typeof interrupt?.reason === 'string' ? interrupt.reason : 'stopped';
            output.line(`worker ${worker.id}: ${reason}, finishing the chunk in hand`);
            void worker.close().then(resolve);
          };
          if (interrupt?.aborted) stop();
          else interrupt?.addEventListener('abort', stop, { once: true });
        }),
      ]);
      context.result = { worker: worker.id, chunks, rows };
    });
}

function describe(event: WorkerEvent): string {
  const time = new Date().toISOString().slice(11, 19);
  switch (event.type) {
    case 'ready':
      return `${time} worker ${event.worker} waiting for chunks on ${event.queue}`;
    case 'encoder':
      return `${time} encoder ${event.model} (${event.dtype}, ${event.pooling} pooling, sha256 ${event.fileHash.slice(0, 12)}) on ${event.device}`;
    case 'chunk-start':
      return `${time} chunk ${event.chunkId}: ${event.texts} texts${event.attempt > 1 ? ` (try ${event.attempt})` : ''}`;
    case 'chunk-done':
      return `${time} chunk ${event.chunkId}: done, ${event.rows} rows in ${(event.encodeMs / 1000).toFixed(1)} s (${Math.round(event.rows / Math.max(event.encodeMs / 1000, 1e-3))} texts/s)`;
    case 'chunk-failed':
      return `${time} chunk ${event.chunkId}: failed (try ${event.attempt}): ${event.reason}`;
    case 'redis-error':
      return `${time} Redis: ${event.message} (waiting for it to come back)`;
  }
}
