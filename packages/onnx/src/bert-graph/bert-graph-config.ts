import { readFile } from 'node:fs/promises';
import { ModelError } from '@senti/errors';

/** What {@link buildBertGraph} needs from a BERT config.json (Hugging Face `BertConfig` fields, camel-cased). */
export interface BertGraphConfig {
  /** `vocab_size`: rows of the word-embedding table. */
  vocabSize: number;
  /** `hidden_size`: width of every token vector. */
  hiddenSize: number;
  /** `num_hidden_layers`: encoder layers. */
  numHiddenLayers: number;
  /** `num_attention_heads`: heads per layer (`hidden_size` must be a multiple). */
  numAttentionHeads: number;
  /** `intermediate_size`: width of the feed-forward layer. */
  intermediateSize: number;
  /** `max_position_embeddings`: rows of the position table (the longest input). */
  maxPositionEmbeddings: number;
  /** `type_vocab_size`: rows of the token-type table. */
  typeVocabSize: number;
  /** `layer_norm_eps` (1e-12 when absent, as transformers defaults). */
  layerNormEps: number;
}

/** Reads and checks a BERT config.json for the graph builder: the sizes, exact GELU, absolute positions. */
export async function readBertGraphConfig(file: string): Promise<BertGraphConfig> {
  return bertGraphConfig((await readConfigJson(file)).raw, file);
}

/** A config.json's text and its parsed object, with one-line errors for a missing file, bad JSON or a non-object. */
export async function readConfigJson(file: string): Promise<{ text: string; raw: Record<string, unknown> }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ModelError(
      'MODEL_NO_CONFIG',
      `cannot read ${file}: building the BERT graph from safetensors needs the model's config.json`,
      'input',
      { cause: error },
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ModelError(
      'MODEL_BAD_CONFIG',
      `${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`,
      'input',
      { cause: error },
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ModelError('MODEL_BAD_CONFIG', `${file} must hold a JSON object`, 'input');
  return { text, raw: raw as Record<string, unknown> };
}

/** {@link readBertGraphConfig} of an already parsed config; `file` names it in errors. */
export function bertGraphConfig(raw: Record<string, unknown>, file: string): BertGraphConfig {
  const bad = (why: string) => new ModelError('MODEL_BAD_CONFIG', `${file}: ${why}`, 'input');
  if (raw.model_type !== undefined && raw.model_type !== 'bert') {
    throw bad(
      `model_type is ${JSON.stringify(raw.model_type)}; senti builds the encoder graph from safetensors for "bert" only`,
    );
  }
  const integer = (key: string, fallback?: number): number => {
    const value = raw[key] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
      throw bad(`"${key}" must be a positive integer, got ${JSON.stringify(value)}`);
    return value;
  };
  const activation = raw.hidden_act ?? 'gelu';
  if (activation !== 'gelu')
    throw bad(
      `hidden_act ${JSON.stringify(activation)} is not supported; senti's BERT graph implements the exact (erf) "gelu"`,
    );
  const positions = raw.position_embedding_type ?? 'absolute';
  if (positions !== 'absolute')
    throw bad(
      `position_embedding_type ${JSON.stringify(positions)} is not supported; senti's BERT graph implements "absolute"`,
    );
  const eps = raw.layer_norm_eps ?? 1e-12;
  if (typeof eps !== 'number' || !(eps > 0))
    throw bad(`"layer_norm_eps" must be a positive number, got ${JSON.stringify(eps)}`);
  const config: BertGraphConfig = {
    vocabSize: integer('vocab_size'),
    hiddenSize: integer('hidden_size'),
    numHiddenLayers: integer('num_hidden_layers'),
    numAttentionHeads: integer('num_attention_heads'),
    intermediateSize: integer('intermediate_size'),
    maxPositionEmbeddings: integer('max_position_embeddings', 512),
    typeVocabSize: integer('type_vocab_size', 2),
    layerNormEps: eps,
  };
  if (config.hiddenSize % config.numAttentionHeads !== 0) {
    throw bad(`hidden_size ${config.hiddenSize} is not a multiple of num_attention_heads ${config.numAttentionHeads}`);
  }
  return config;
}
