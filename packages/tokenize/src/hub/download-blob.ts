import { existsSync } from 'node:fs';
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { fileSystemError, writeAll } from '@senti/base';
import { quote, TokenizeError } from '@senti/errors';
import { blobDigest, etagKind } from './blob-hash.js';
import { claimBlob, removeDeadTemporaries } from './blob-lock.js';
import { checksumError, type RequestSubject } from './hub-errors.js';
import { backoff, hubRequest, isUnreachable, throwIfAborted, type HubClient } from './hub-request.js';
import { DownloadMeter, type DownloadListener } from './download-events.js';
import type { FileMetadata } from './file-metadata.js';

/** Options of {@link downloadBlob}. */
export interface DownloadBlobOptions {
  /** Receives progress events. */
  onDownload?: DownloadListener;
}

/**
 * Downloads one file into `blobs/ETAG` unless it is there: bytes go to an `.incomplete` file (resumed with a Range
 * request after a dropped connection, and across runs), the size and the ETag's hash are checked, then the file is
 * renamed into place, so the final name only ever holds a whole, verified blob.
 */
export async function downloadBlob(
  client: HubClient,
  blob: string,
  metadata: FileMetadata,
  subject: RequestSubject & { file: string },
  options: DownloadBlobOptions = {},
): Promise<void> {
  if (existsSync(blob)) return;
  await mkdir(path.dirname(blob), { recursive: true }).catch((error: unknown) => {
    throw fileSystemError(error, path.dirname(blob), 'create directory');
  });
  await removeDeadTemporaries(blob);
  const writer = await claimBlob(blob);
  try {
    let have = writer.owner ? await sizeOf(writer.incomplete) : 0;
    if (have > metadata.size) have = 0;
    const meter = new DownloadMeter(options.onDownload, subject.repo, subject.file, metadata.size, have);
    // Append mode: every write lands at the end, after the bytes of an interrupted run.
    const handle = await open(writer.incomplete, 'a').catch((error: unknown) => {
      throw fileSystemError(error, blob, 'write');
    });
    if (have === 0 && (await handle.stat()).size > 0) await handle.truncate(0);
    try {
      await fetchInto(client, handle, have, metadata, subject, meter, blob);
      await handle.sync();
    } finally {
      await handle.close().catch(() => undefined);
    }
    await verify(writer.incomplete, metadata, subject);
    await rename(writer.incomplete, blob).catch((error: unknown) => {
      throw fileSystemError(error, blob, 'write');
    });
    meter.done();
  } catch (error) {
    // The owner keeps its .incomplete to resume later (unless its bytes are wrong); a private temporary goes.
    const wrongBytes =
      TokenizeError.isInstance(error) &&
      (error.code === 'TOKENIZE_HUB_CHECKSUM_MISMATCH' || error.code === 'TOKENIZE_HUB_BAD_RESPONSE');
    if (!writer.owner || wrongBytes) await rm(writer.incomplete, { force: true });
    throw error;
  } finally {
    await writer.release();
  }
}

/** Streams the rest of the file from byte `have` on, resuming with `Range` after a dropped connection. */
async function fetchInto(
  client: HubClient,
  handle: FileHandle,
  start: number,
  metadata: FileMetadata,
  subject: RequestSubject,
  meter: DownloadMeter,
  blob: string,
): Promise<void> {
  const attempts = client.attempts ?? 4;
  let have = start;
  let failures = 0;
  while (have < metadata.size || metadata.size === 0) {
    const before = have;
    try {
      const headers: Record<string, string> = have > 0 ? { range: `bytes=${have}-` } : {};
      const response = await hubRequest(client, metadata.location, { headers, followCrossHost: true, subject });
      if (have > 0 && response.status !== 206) {
        // The server ignored the Range: start over rather than append the whole file again.
        await handle.truncate(0);
        have = 0;
      }
      if (!response.body) break;
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        if (have + chunk.length > metadata.size) throw tooLong(subject, metadata.size);
        await writeAll(handle, chunk, blob).catch((error: unknown) => {
          throw fileSystemError(error, blob, 'write');
        });
        have += chunk.length;
        meter.update(have);
      }
      if (have < metadata.size) throw new Error(`connection closed after ${have} of ${metadata.size} bytes`);
      break;
    } catch (error) {
      throwIfAborted(client.signal, subject);
      if (!isRetryable(error)) throw error;
      failures = have > before ? 1 : failures + 1;
      if (failures >= attempts) throw dropped(subject, have, metadata.size, attempts, error);
      await backoff(client, failures, subject);
    }
  }
  meter.update(have);
}

function isRetryable(error: unknown): boolean {
  if (TokenizeError.isInstance(error) || (error as { path?: unknown }).path !== undefined) return false; // HTTP verdicts, disk errors
  return !isUnreachable(error);
}

async function verify(file: string, metadata: FileMetadata, subject: RequestSubject & { file: string }): Promise<void> {
  const size = await sizeOf(file);
  if (size !== metadata.size) throw tooLong(subject, metadata.size);
  const kind = etagKind(metadata.etag);
  const digest = await blobDigest(file, size, kind);
  if (digest !== undefined && digest !== metadata.etag)
    throw checksumError(subject.file, subject.repo, `${kind} ${metadata.etag}`, digest);
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

function tooLong(subject: RequestSubject & { file?: string }, size: number): TokenizeError {
  return new TokenizeError(
    'TOKENIZE_HUB_BAD_RESPONSE',
    `the Hub sent a different number of bytes than the ${size} it announced for ${quote(subject.file ?? '')} of ${quote(subject.repo)}; the partial file was discarded`,
    'runtime',
    {
      hint: 'run again; if it persists, the mirror (HF_ENDPOINT) serves a different file',
    },
  );
}

function dropped(
  subject: RequestSubject & { file?: string },
  have: number,
  size: number,
  attempts: number,
  cause: unknown,
): TokenizeError {
  return new TokenizeError(
    'TOKENIZE_HUB_SERVER_ERROR',
    `the download of ${quote(subject.file ?? '')} of ${quote(subject.repo)} from ${subject.endpoint} kept failing (${have} of ${size} bytes after ${attempts} tries without progress)`,
    'runtime',
    {
      cause,
      hint: 'run again: the download resumes where it stopped',
    },
  );
}
