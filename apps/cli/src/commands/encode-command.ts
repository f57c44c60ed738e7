import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { UsageError } from '@senti/errors';
import { isOffline } from '@senti/train';
import { SETTINGS, type SettingKey } from '@senti/train/settings';
import { ENCODE_DEFAULTS, encodeData, QueueError, type EncodeEvent } from '@senti/queue';
import { ConsoleOutput, type Progress } from '../output/console-output.js';
import { parseInteger, parseNumber } from '../options/parse-values.js';
import { addSettingOptions, assertNoSettingConflict, givenSettings } from '../options/setting-options.js';
import { addOptions } from '../options/command-options.js';
import { newCommand } from './new-command.js';
import { sentiEnvironment } from '@senti/base';

/** The settings `senti encode` takes from the training settings table: what decides which features `senti train` asks for. */
export const ENCODE_SETTING_KEYS: readonly SettingKey[] = [
  'data',
  'textColumn',
  'encoding',
  'delimiter',
  'labelColumn',
  'labelNames',
  'val',
  'test',
  'model',
  'maxLength',
  'coverage',
  'seed',
  'device',
  'dtype',
  'pooling',
  'preset',
  'offline',
  'cacheDir',
  'dropDuplicates',
];

interface EncodeFlags {
  queue?: string;
  chunk?: number;
  attempts?: number;
  waitForWorkers?: number;
  redisTimeout?: number;
  json?: boolean;
}

/** `senti encode`: the features a `senti train` with the same options will ask for, computed by `senti worker`s. */
export function encodeCommand(context: CliContext): Command {
  const command = newCommand(
    'encode',
    'Put the features of every text in the shared store, encoded by any number of `senti worker`s through Redis.',
    context,
  );
  addSettingOptions(command, ENCODE_SETTING_KEYS, {
    data: 'CSV/TSV with a text and a label column (the file senti train will get)',
    cacheDir: `shared feature store (default: ${SETTINGS.cacheDir.env} or ~/.cache/senti)`,
  });
  return addOptions(command, ['queue'])
    .option('--chunk <n>', `texts per job (default: ${ENCODE_DEFAULTS.chunkSize})`, parseInteger('--chunk'))
    .option(
      '--attempts <n>',
      `tries per chunk before it counts as failed (default: ${ENCODE_DEFAULTS.attempts})`,
      parseInteger('--attempts'),
    )
    .option(
      '--wait-for-workers <seconds>',
      `give up (exit 1) after this long with no worker connected (default: keep waiting, saying so every ${ENCODE_DEFAULTS.noWorkerNoticeMs / 1000} s)`,
      parseNumber('--wait-for-workers', 0, 1e9),
    )
    .option(
      '--redis-timeout <seconds>',
      `give up (exit 1) when Redis has been unreachable this long in a row (default: ${ENCODE_DEFAULTS.redisLostMs / 1000})`,
      parseNumber('--redis-timeout', 0, 1e9),
    )
    .addHelpText(
      'after',
      `
Run \`senti worker --queue URL --model MODEL --cache-dir DIR\` on as many machines
as you like (same model files, the same store on a shared volume); this command
enqueues, shows progress across workers and returns when done. A later
\`senti train\` with the same data and encoder options finds every feature in the
store.`,
    )
    .action(async (flags: EncodeFlags, action: Command) => {
      const output = context.console(flags.json);
      const given = givenSettings(action);
      assertNoSettingConflict(given);
      const queue = flags.queue ?? sentiEnvironment().queue;
      if (given.data === undefined)
        throw new UsageError('CLI_MISSING_OPTION', 'encode needs --data <file> (a CSV with a text and a label column)');
      if (!queue)
        throw new UsageError(
          'CLI_MISSING_OPTION',
          'encode needs --queue redis://HOST:PORT (or SENTI_QUEUE), where the workers listen',
        );
      if (given.offline === undefined && isOffline()) given.offline = true;
      const result = await encodeData({
        ...given,
        data: given.data,
        queue,
        chunkSize: flags.chunk,
        attempts: flags.attempts,
        onEvent: eventPrinter(output),
        signal: context.cancelSignal(),
        ...(flags.waitForWorkers === undefined ? {} : { waitForWorkersMs: flags.waitForWorkers * 1000 }),
        ...(flags.redisTimeout === undefined ? {} : { redisLostMs: flags.redisTimeout * 1000 }),
      });
      if (result.failed.length > 0) {
        const first = result.failed[0]!;
        throw new QueueError(
          'QUEUE_CHUNKS_FAILED',
          `${result.failed.length} of ${result.chunks} chunks failed after ${first.attempts} tries (${first.reason}); fix the workers and run senti encode again: finished chunks are kept`,
          'runtime',
        );
      }
      context.result = { ...result, maxLength: result.maxLength.maxLength };
    });
}

/** Prints the plan, a progress bar over all workers, and failed chunks. */
function eventPrinter(output: ConsoleOutput): (event: EncodeEvent) => void {
  let bar: Progress | undefined;
  return (event) => {
    if (event.type === 'plan') {
      output.section('Encoding through the queue');
      output.line(
        `  ${event.texts} texts, ${event.unique} distinct: ${event.cached} already in the store, ${event.toEncode} to encode in ${event.chunks} chunks`,
      );
      output.line(
        `  encoder ${event.identity.dtype}, ${event.identity.pooling} pooling, max length ${event.identity.maxLength}, file sha256 ${event.identity.fileHash.slice(0, 12)}`,
      );
      output.line(`  store ${event.store}`);
      output.line(`  queue ${event.queue}`);
      if (event.chunks > 0) bar = output.progress('  Encoding (all workers)', event.toEncode, 'texts');
    } else if (event.type === 'enqueued') {
      if (event.alreadyQueued > 0)
        output.line(`  ${event.alreadyQueued} chunks were already queued by an earlier run; waiting for them too`);
    } else if (event.type === 'progress') {
      bar?.update(
        event.doneTexts,
        `${event.doneChunks}/${event.totalChunks} chunks${event.failedChunks ? `, ${event.failedChunks} failed` : ''}`,
      );
      if (event.doneChunks === event.totalChunks)
        bar?.finish(`${event.totalChunks} chunks${event.failedChunks ? `, ${event.failedChunks} failed` : ''}`);
    } else if (event.type === 'no-workers') {
      output.clearProgressLine();
      output.line(
        `  no worker is connected to queue "${event.queueName}" at ${event.queue} (waited ${Math.round(event.waitedMs / 1000)} s); start one with senti worker --queue URL --model MODEL --cache-dir DIR (still waiting)`,
      );
    } else if (event.type === 'chunk-failed') {
      output.line(
        `  chunk ${event.chunk.chunkId} (${event.chunk.texts} texts) failed after ${event.chunk.attempts} tries: ${event.chunk.reason}`,
      );
    }
  };
}
