import {
  chooseMaxLength,
  encoderBuildDir,
  prepareSplits,
  resolveSettings,
  throwIfAborted,
  type FineTuneInput,
  type MaxLengthChoice,
} from '@senti/train';
import {
  encodeDistributed,
  type EncodeDistributedOptions,
  type EncodeDistributedResult,
} from './encode-distributed.js';
import { fingerprintEncoder } from './encoder-identity.js';
import { assertRedisReachable } from './redis-connection.js';

/** The data and encoder settings of a `fineTune` run, plus where the queue is. */
export type EncodeDataOptions = FineTuneInput &
  Pick<
    EncodeDistributedOptions,
    | 'queue'
    | 'queueName'
    | 'chunkSize'
    | 'attempts'
    | 'backoffMs'
    | 'pollMs'
    | 'connectTimeoutMs'
    | 'noWorkerNoticeMs'
    | 'waitForWorkersMs'
    | 'redisLostMs'
    | 'onEvent'
    | 'signal'
  >;

/** What {@link encodeData} did: the distributed encode, the padding length chosen, and the split sizes. */
export interface EncodeDataResult extends EncodeDistributedResult {
  maxLength: MaxLengthChoice;
  rows: { train: number; val: number; test: number };
  model: string;
}

/**
 * Puts into the shared store exactly the features a `fineTune` with the same options will ask for: the same data
 * cleaning and split, the same padding-length choice on the training split, every row of train, validation and test,
 * the same encoder identity; the encoding itself is done by `runWorker` processes.
 */
export async function encodeData(options: EncodeDataOptions): Promise<EncodeDataResult> {
  const {
    queue,
    queueName,
    chunkSize,
    attempts,
    backoffMs,
    pollMs,
    connectTimeoutMs,
    noWorkerNoticeMs,
    waitForWorkersMs,
    redisLostMs,
    onEvent,
    signal,
    ...input
  } = options;
  await assertRedisReachable(queue, connectTimeoutMs); // before the data and the model are read
  const settings = resolveSettings(input); // checks every setting and the rules between them (val with test, ...)
  const splits = await prepareSplits(settings);
  throwIfAborted(signal, 'encoding');
  const buildDir = encoderBuildDir(settings); // the int8 graph goes where --cache-dir / --no-cache say
  const encoder = await fingerprintEncoder({
    model: settings.model,
    dtype: settings.dtype,
    device: settings.device,
    offline: settings.offline,
    ...(settings.pooling ? { pooling: settings.pooling } : {}),
    ...(buildDir ? { cacheDir: buildDir } : {}),
  });
  const choice = chooseMaxLength(
    encoder.tokenizer.tokenLengths(splits.train.texts),
    settings.maxLength,
    settings.coverage,
    encoder.tokenizer.modelMaxLength,
  );
  const texts = [...splits.train.texts, ...splits.val.texts, ...splits.test.texts];
  const result = await encodeDistributed({
    texts,
    encoder,
    maxLength: choice.maxLength,
    queue,
    queueName,
    chunkSize,
    attempts,
    backoffMs,
    pollMs,
    connectTimeoutMs,
    onEvent,
    ...(noWorkerNoticeMs === undefined ? {} : { noWorkerNoticeMs }),
    ...(waitForWorkersMs === undefined ? {} : { waitForWorkersMs }),
    ...(redisLostMs === undefined ? {} : { redisLostMs }),
    ...(settings.cacheDir ? { cacheDir: settings.cacheDir } : {}),
    ...(signal === undefined ? {} : { signal }),
  });
  return {
    ...result,
    maxLength: choice,
    rows: { train: splits.train.texts.length, val: splits.val.texts.length, test: splits.test.texts.length },
    model: encoder.info.model,
  };
}
