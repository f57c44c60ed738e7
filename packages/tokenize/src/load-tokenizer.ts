import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AutoTokenizer } from '@huggingface/transformers';
import { escapeControl, quote, TokenizeError } from '@senti/errors';
import { DEFAULT_MODEL, resolveModelSource, type ModelSource } from './model-source.js';
import type { DownloadListener } from './hub/download-events.js';
import { localModelSource } from './hub/local-model-source.js';
import { resolveModelMaxLength } from './model-max-length.js';
import { wrapTokenizer, type SentiTokenizer } from './senti-tokenizer.js';
import { withTransformersEnv } from './transformers-env.js';

/** Options for {@link loadTokenizer}. */
export interface LoadTokenizerOptions {
  /** Never fetch from the Hugging Face Hub (default: `SENTI_OFFLINE` or `HF_HUB_OFFLINE`). */
  offline?: boolean;
  /** Receives progress while a Hub model's tokenizer and config files download. */
  onDownload?: DownloadListener;
  /** Cancels a download in progress. */
  signal?: AbortSignal;
}

/** Loads the tokenizer of a Hugging Face Hub model (downloaded into the Hugging Face cache) or of a local model directory. */
export async function loadTokenizer(
  model: string | ModelSource = DEFAULT_MODEL,
  options: LoadTokenizerOptions = {},
): Promise<SentiTokenizer> {
  const given = typeof model === 'string' ? resolveModelSource(model, options) : model;
  const source = await localModelSource(given, { onDownload: options.onDownload, signal: options.signal });
  const dir = source.path!;
  const tokenizerJson = path.join(dir, 'tokenizer.json');
  const [tokenizerConfig, modelConfig] = await Promise.all([
    readJson(path.join(dir, 'tokenizer_config.json')),
    readJson(path.join(dir, 'config.json')),
  ]);
  const tokenizer = await withTransformersEnv({ allowRemoteModels: false }, () =>
    AutoTokenizer.from_pretrained(dir, { local_files_only: true }),
  ).catch((error: unknown) => {
    throw new TokenizeError(
      'TOKENIZE_LOAD_FAILED',
      `cannot load the tokenizer from ${quote(source.id)}: expected ${tokenizerJson} and tokenizer_config.json (${describe(error)})`,
      'input',
      { cause: error },
    );
  });
  return wrapTokenizer(tokenizer, source, resolveModelMaxLength(tokenizerConfig, modelConfig));
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return escapeControl(String(error));
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return escapeControl(`${error.message}${cause}`);
}

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
