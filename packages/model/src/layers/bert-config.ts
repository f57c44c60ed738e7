import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ModelError } from '@senti/errors';

/** The shape of a BERT encoder, from its config.json. */
export interface BertConfig {
  hiddenSize: number;
  numAttentionHeads: number;
  intermediateSize: number;
  numHiddenLayers: number;
  layerNormEps: number;
}

/** Reads and checks a BERT-style config.json (exact GELU only: what the TensorFlow.js layer implements). */
export async function readBertConfig(modelDir: string): Promise<BertConfig> {
  const file = path.join(modelDir, 'config.json');
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new ModelError(
      'MODEL_NO_CONFIG',
      `cannot read ${file}: unfreezing encoder layers needs the model's config.json`,
      'input',
      { cause: error },
    );
  }
  const number = (key: string): number => {
    const value = raw[key];
    if (typeof value !== 'number' || !(value > 0))
      throw new ModelError(
        'MODEL_BAD_CONFIG',
        `${file}: "${key}" must be a positive number to unfreeze layers, got ${JSON.stringify(value)}`,
        'input',
      );
    return value;
  };
  const modelType = raw.model_type ?? 'bert';
  if (modelType !== 'bert') {
    throw new ModelError(
      'MODEL_UNSUPPORTED_LAYER',
      `${file}: unfreezing layers supports BERT encoders (model_type "bert": BertModel, BertForMaskedLM and their fine-tuned and domain variants), not model_type ${JSON.stringify(modelType)}; train it frozen (without unfreeze)`,
      'usage',
    );
  }
  const activation = raw.hidden_act ?? 'gelu';
  if (activation !== 'gelu') {
    throw new ModelError(
      'MODEL_UNSUPPORTED_LAYER',
      `${file}: hidden_act "${String(activation)}" is not supported for unfrozen layers; senti implements BERT's exact "gelu"`,
      'input',
    );
  }
  const config: BertConfig = {
    hiddenSize: number('hidden_size'),
    numAttentionHeads: number('num_attention_heads'),
    intermediateSize: number('intermediate_size'),
    numHiddenLayers: number('num_hidden_layers'),
    layerNormEps: typeof raw.layer_norm_eps === 'number' ? raw.layer_norm_eps : 1e-12,
  };
  if (config.hiddenSize % config.numAttentionHeads !== 0) {
    throw new ModelError(
      'MODEL_BAD_CONFIG',
      `${file}: hidden_size ${config.hiddenSize} is not a multiple of num_attention_heads ${config.numAttentionHeads}`,
      'input',
    );
  }
  return config;
}
