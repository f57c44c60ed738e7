export {
  ENCODE_DEFAULTS,
  encodeDistributed,
  type EncodeDistributedOptions,
  type EncodeDistributedResult,
  type EncodeEvent,
  type EncoderChoice,
  type FailedChunk,
} from './encode-distributed.js';
export {
  runWorker,
  WORKER_DEFAULTS,
  type RunWorkerOptions,
  type WorkerEvent,
  type WorkerHandle,
} from './run-worker.js';
export { parseRedisUrl, redactRedisUrl, type RedisConnectionOptions } from './redis-url.js';
export { assertRedisReachable, persistentConnection } from './redis-connection.js';
export { planChunks, type PlannedChunk, type PlanChunksOptions } from './plan-chunks.js';
export { ProgressTracker, type EncodeProgress } from './encode-progress.js';
export { DEFAULT_QUEUE_NAME, type ChunkJobData, type ChunkJobResult } from './chunk-job.js';
export { QueueError } from './queue-error.js';
export { fingerprintEncoder, type EncoderFingerprint } from './encoder-identity.js';
export { encodeData, type EncodeDataOptions, type EncodeDataResult } from './encode-data.js';
