import path from 'node:path';
import { quote, TokenizeError } from '@senti/errors';
import type { ModelSource } from '../model-source.js';
import { RepoCache } from './cache-layout.js';
import type { DownloadListener } from './download-events.js';
import { downloadBlob } from './download-blob.js';
import { fileMetadata } from './file-metadata.js';
import { hubEnvironment, type HubEnvironment } from './hub-environment.js';
import { notCachedError, unreachableError, type RequestSubject } from './hub-errors.js';
import { isUnreachable, type HubClient } from './hub-request.js';
import { listRepo } from './repo-listing.js';
import {
  CANDIDATE_FILES,
  SAFETENSORS_INDEX,
  selectFiles,
  shardFiles,
  type HasFile,
  type WeightsChoice,
} from './select-files.js';

/** Options of {@link ensureModelSnapshot}. */
export interface EnsureModelSnapshotOptions {
  /** Weights to fetch with the config and tokenizer files; default `none`. */
  weights?: WeightsChoice;
  /** Receives progress for each file downloaded (files already cached send nothing). */
  onDownload?: DownloadListener;
  /** Cancels the download; it rejects with `TOKENIZE_HUB_ABORTED` (a partial file is kept to resume). */
  signal?: AbortSignal;
  /** Attempts per request and the first backoff delay for 5xx answers and dropped connections; default 4 and 1000 ms. */
  retry?: { attempts?: number; delayMs?: number };
  /** Hub settings; default read from the environment ({@link hubEnvironment}). */
  environment?: HubEnvironment;
}

/** A Hub model present in the Hugging Face cache. */
export interface ModelSnapshot {
  /** `CACHE/models--ORG--NAME/snapshots/COMMIT`: a local model directory in Hugging Face layout. */
  dir: string;
  /** Hub repository id, `org/name`. */
  repo: string;
  /** The revision asked for (`main` by default). */
  revision: string;
  /** The commit it resolved to. */
  commit: string;
  /** Files of the snapshot senti selected (config, tokenizer, weights). */
  files: string[];
  /** Files that were downloaded by this call (empty when all came from the cache). */
  downloaded: string[];
}

/**
 * Makes the files senti needs from a Hub model (config, tokenizer, pooling and the weights for `weights`) present in
 * the standard Hugging Face cache and returns the snapshot directory. A snapshot already complete in the cache is
 * returned without any request; offline (`source.offline`) the cache is all there is.
 */
export async function ensureModelSnapshot(
  source: ModelSource,
  options: EnsureModelSnapshotOptions = {},
): Promise<ModelSnapshot> {
  const environment = options.environment ?? hubEnvironment();
  const repo = source.repo ?? source.id;
  const revision = source.revision ?? 'main';
  const weights = options.weights ?? 'none';
  const cache = new RepoCache(environment.cacheDir, repo);
  const cached = fromCache(cache, revision, weights, 'strict');
  if (cached) return { ...cached, repo, revision };
  if (source.offline) return offlineSnapshot(cache, revision, weights);
  const client: HubClient = {
    endpoint: environment.endpoint,
    token: environment.token,
    signal: options.signal,
    attempts: options.retry?.attempts,
    retryDelayMs: options.retry?.delayMs,
  };
  const subject: RequestSubject = {
    repo,
    revision,
    endpoint: environment.endpoint,
    withToken: environment.token !== undefined,
  };
  let listing;
  try {
    listing = await listRepo(client, subject);
  } catch (error) {
    if (!isUnreachable(error)) throw error;
    const fallback = fromCache(cache, revision, weights, 'lenient');
    if (fallback) return { ...fallback, repo, revision };
    throw unreachableError(subject, environment.cacheDir, error);
  }
  const { commit, files } = listing;
  await cache.writeRef(revision, commit);
  const selection = selectFiles((file) => files.has(file), weights)!;
  if (weights !== 'none' && selection.weights.length === 0) {
    throw new TokenizeError(
      'TOKENIZE_HUB_FILE_NOT_FOUND',
      `model ${quote(repo)} at revision ${quote(revision)} has no weights senti can load: expected onnx/model.onnx or model.safetensors`,
      'input',
    );
  }
  const wanted = [...selection.config, ...selection.weights];
  const downloaded: string[] = [];
  const fetchFile = async (file: string): Promise<void> => {
    if (cache.hasFile(commit, file)) return;
    const fileSubject = { ...subject, revision: commit, file };
    const metadata = await fileMetadata(client, fileSubject);
    await downloadBlob(client, cache.blob(metadata.etag), metadata, fileSubject, { onDownload: options.onDownload });
    await cache.link(commit, file, metadata.etag);
    downloaded.push(file);
  };
  for (const file of wanted) await fetchFile(file);
  if (selection.weights.includes(SAFETENSORS_INDEX)) {
    const shards = shardFiles(cache.readJson(commit, SAFETENSORS_INDEX));
    if (!shards)
      throw new TokenizeError(
        'TOKENIZE_HUB_BAD_RESPONSE',
        `${SAFETENSORS_INDEX} of ${quote(repo)} has no usable weight_map`,
        'input',
      );
    for (const shard of shards) await fetchFile(shard);
    wanted.push(...shards);
  }
  for (const file of CANDIDATE_FILES) if (!files.has(file)) await cache.markMissing(commit, file);
  return { dir: cache.snapshot(commit), repo, revision, commit, files: wanted, downloaded };
}

/**
 * The cached snapshot of `revision`, when complete for `weights`. `strict`: every deciding file is known present or
 * known absent (`.no_exist`, written after senti's own listing). `lenient` (no network): unknown files count as absent,
 * so a snapshot Python downloaded serves as long as it has config.json and the weights.
 */
function fromCache(
  cache: RepoCache,
  revision: string,
  weights: WeightsChoice,
  mode: 'strict' | 'lenient',
): Omit<ModelSnapshot, 'repo' | 'revision'> | undefined {
  const commit = cache.readRef(revision);
  if (!commit) return undefined;
  const has: HasFile = (file) =>
    cache.hasFile(commit, file)
      ? true
      : cache.knownMissing(commit, file)
        ? false
        : mode === 'strict'
          ? undefined
          : false;
  const selection = selectFiles(has, weights);
  if (!selection || !cache.hasFile(commit, 'config.json') || (weights !== 'none' && selection.weights.length === 0))
    return undefined;
  const files = [...selection.config, ...selection.weights];
  if (selection.weights.includes(SAFETENSORS_INDEX)) {
    const shards = shardFiles(cache.readJson(commit, SAFETENSORS_INDEX));
    if (!shards || !shards.every((shard) => cache.hasFile(commit, shard))) return undefined;
    files.push(...shards);
  }
  return { dir: cache.snapshot(commit), commit, files, downloaded: [] };
}

async function offlineSnapshot(cache: RepoCache, revision: string, weights: WeightsChoice): Promise<ModelSnapshot> {
  const found = fromCache(cache, revision, weights, 'lenient');
  if (found) return { ...found, repo: cache.repo, revision };
  const commit = cache.readRef(revision);
  const missing =
    commit === undefined
      ? []
      : ['config.json', ...(weights === 'none' ? [] : ['onnx/model.onnx or model.safetensors'])].filter(
          (file) => !cache.hasFile(commit, file),
        );
  throw notCachedError(cache.repo, revision, path.dirname(cache.root), missing);
}
