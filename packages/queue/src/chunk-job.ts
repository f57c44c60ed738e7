import { isErrorRecord, type ErrorRecord } from '@senti/errors';
import type { FeatureIdentity } from '@senti/model';

/** BullMQ queue name used when none is given. */
export const DEFAULT_QUEUE_NAME = 'senti-encode';

/** What a chunk job carries: the texts and everything a worker needs to produce exactly the features asked for. */
export interface ChunkJobData {
  /** Content hash of the identity and the texts; also the BullMQ job id. */
  chunkId: string;
  /** Model id or directory as the enqueuer named it (for messages; workers use their own `--model`). */
  model: string;
  /** Feature identity: encoder file hash, dtype, pooling, maxLength, hidden size. */
  identity: FeatureIdentity;
  /** Forward-pass batch size (the chunk is cut on batch boundaries of this size). */
  batchSize: number;
  /** The texts, in the order the encoder's length sort puts them. */
  texts: string[];
}

/** What a worker returns for a finished chunk. */
export interface ChunkJobResult {
  rows: number;
  /** Milliseconds spent encoding. */
  encodeMs: number;
  /** `hostname:pid` of the worker that did it. */
  worker: string;
}

/**
 * A chunk's failure as a job log line: the error record (family, code, kind, message, hint, details) as JSON. BullMQ
 * keeps only the message as `failedReason`; the record lets the enqueuer rebuild the worker's error with
 * `fromErrorRecord`.
 */
export function failureLogLine(record: ErrorRecord): string {
  return JSON.stringify(record);
}

/** The last failure a worker logged for a chunk (logs oldest first), or undefined when none parses as a record. */
export function lastFailure(logs: readonly string[]): ErrorRecord | undefined {
  for (let index = logs.length - 1; index >= 0; index--) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(logs[index]!);
    } catch {
      continue; // a log line someone else wrote
    }
    if (isErrorRecord(parsed)) return parsed;
  }
  return undefined;
}
