import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AutoConfig, AutoTokenizer } from '@huggingface/transformers';
import { escapeControl, quote, TokenizeError } from '@senti/errors';
import { DEFAULT_MODEL, resolveModelSource, type ModelSource } from './model-source.js';
import { resolveModelMaxLength } from './model-max-length.js';
import { wrapTokenizer, type SentiTokenizer } from './senti-tokenizer.js';
import { withTransformersEnv } from './transformers-env.js';

/** Options for {@link loadTokenizer}. */
export interface LoadTokenizerOptions {
  /** Never fetch from the Hugging Face Hub (default: `SENTI_OFFLINE=1`). */
  offline?: boolean;
}

/** Loads the tokenizer of a Hugging Face Hub model or of a local model directory. */
export async function loadTokenizer(modelIdOrDir: string = DEFAULT_MODEL, options: LoadTokenizerOptions = {}): Promise<SentiTokenizer> {
  const source = resolveModelSource(modelIdOrDir, options);
  if (source.kind === 'dir') {
    const dir = source.path!;
    const tokenizerJson = path.join(dir, 'tokenizer.json');
    const [tokenizerConfig, modelConfig] = await Promise.all([readJson(path.join(dir, 'tokenizer_config.json')), readJson(path.join(dir, 'config.json'))]);
    const tokenizer = await withTransformersEnv({ allowRemoteModels: false }, () =>
      AutoTokenizer.from_pretrained(dir, { local_files_only: true }),
    ).catch((error: unknown) => {
      throw new TokenizeError('TOKENIZE_LOAD_FAILED', `cannot load the tokenizer from ${quote(source.id)}: expected ${tokenizerJson} and tokenizer_config.json (${describe(error)})`, 'input', { cause: error });
    });
    return wrapTokenizer(tokenizer, source, resolveModelMaxLength(tokenizerConfig, modelConfig));
  }
  const tokenizer = await loadFromHub(source, (id) => AutoTokenizer.from_pretrained(id, { local_files_only: source.offline }));
  const modelConfig = await loadFromHub(source, (id) => AutoConfig.from_pretrained(id, { local_files_only: source.offline })).catch(() => undefined);
  return wrapTokenizer(tokenizer, source, resolveModelMaxLength(tokenizer.config as Record<string, unknown>, modelConfig as unknown as Record<string, unknown>));
}

/** Runs a transformers.js Hub load with remote access set from `source.offline`, turning failures into one clear line. */
export async function loadFromHub<T>(source: ModelSource, load: (id: string) => Promise<T>, what = 'tokenizer'): Promise<T> {
  try {
    return await withTransformersEnv({ allowRemoteModels: !source.offline }, () => load(source.id));
  } catch (error) {
    throw hubLoadError(source, error, what);
  }
}

/** The error for a model that could not be fetched from (or found offline for) the Hugging Face Hub. */
export function hubLoadError(source: ModelSource, cause: unknown, what = 'model'): TokenizeError {
  const hint = 'download the model once with network access, or point `model` at a local directory in Hugging Face layout';
  const message = source.offline
    ? `cannot load the ${what} of ${quote(source.id)}: offline mode is on (\`offline: true\` or SENTI_OFFLINE=1) and ${quote(source.id)} is neither a local directory nor in the transformers.js cache`
    : `cannot fetch the ${what} of ${quote(source.id)} from the Hugging Face Hub (${describe(cause)})`;
  return new TokenizeError('TOKENIZE_MODEL_FETCH_FAILED', message, 'input', { cause, hint });
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
