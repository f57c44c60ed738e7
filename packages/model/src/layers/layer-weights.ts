import { existsSync } from 'node:fs';
import path from 'node:path';
import { ModelError } from '@senti/errors';
import type { BertConfig } from './bert-config.js';
import { canonicalTensorName, LAYER_TENSORS, readSafetensors, transpose, type NamedTensor } from '@senti/onnx';

/** The tensors of one BERT layer, in the order senti keeps them (Hugging Face names after `encoder.layer.{i}.`). */
export const LAYER_TENSOR_NAMES = LAYER_TENSORS;

/** The pooler's tensors (dense + tanh on the [CLS] vector). */
export const POOLER_TENSOR_NAMES = ['pooler.dense.weight', 'pooler.dense.bias'] as const;

/** One trainable encoder tensor; dense weights are kept as [in, out] (the transpose of torch's [out, in]). */
export interface LayerParameter extends NamedTensor {
  /** Hugging Face name, e.g. `encoder.layer.11.attention.self.query.weight`. */
  name: string;
}

/** Weights of the top layers of an encoder (and its pooler when asked). */
export interface TopLayerWeights {
  /** Index of the first unfrozen layer (L - k). */
  firstLayer: number;
  /** Number of unfrozen layers k. */
  count: number;
  /** Every tensor: 16 per layer in `LAYER_TENSOR_NAMES` order, layer by layer, then the pooler's two. */
  parameters: LayerParameter[];
}

/** True for a dense (matrix) weight: stored transposed relative to torch. */
export function isDenseWeight(name: string): boolean {
  return name.endsWith('.weight') && !name.includes('LayerNorm');
}

/** True for a tensor AdamW should not decay (biases and LayerNorm weights, the BERT convention). */
export function isNoDecay(name: string): boolean {
  return name.endsWith('.bias') || name.includes('LayerNorm');
}

/** Names of the trainable tensors for the top `count` layers (and the pooler). */
export function topLayerNames(config: BertConfig, count: number, withPooler: boolean): string[] {
  const names = layerRangeNames(config.numHiddenLayers - count, config.numHiddenLayers);
  if (withPooler) names.push(...POOLER_TENSOR_NAMES);
  return names;
}

/** Checks k against the encoder's depth with one clear line. */
export function checkUnfreezeCount(count: number, config: BertConfig, model: string): void {
  if (!Number.isInteger(count) || count < 0 || count > config.numHiddenLayers) {
    throw new ModelError(
      'MODEL_BAD_UNFREEZE',
      `unfreeze must be an integer from 0 to ${config.numHiddenLayers} (the number of layers of "${model}"), got ${count}`,
      'usage',
    );
  }
}

/**
 * Loads the top `count` layers' weights (and the pooler's) from the model's `model.safetensors` (names with or
 * without the `bert.` prefix); dense weights come back transposed to [in, out].
 */
export async function loadTopLayerWeights(
  modelDir: string,
  config: BertConfig,
  count: number,
  withPooler: boolean,
): Promise<TopLayerWeights> {
  checkUnfreezeCount(count, config, modelDir);
  const parameters = await loadParameters(modelDir, config, topLayerNames(config, count, withPooler));
  return { firstLayer: config.numHiddenLayers - count, count, parameters };
}

/** Loads named tensors from `model.safetensors` (senti layout: dense weights [in, out]), checking their shapes. */
export async function loadParameters(
  modelDir: string,
  config: BertConfig,
  names: readonly string[],
): Promise<LayerParameter[]> {
  const file = path.join(modelDir, 'model.safetensors');
  if (!existsSync(file)) {
    throw new ModelError(
      'MODEL_NO_LAYER_WEIGHTS',
      `unfreezing layers needs the encoder's weights; "${modelDir}" has no model.safetensors`,
      'input',
    );
  }
  // Names as transformers accepts them: with or without `bert.`, legacy LayerNorm gamma/beta.
  const wanted = new Set(names);
  const raw = await readSafetensors(file, (name) => wanted.has(canonicalTensorName(name) ?? ''));
  const found = new Map([...raw].map(([name, tensor]) => [canonicalTensorName(name)!, tensor]));
  return names.map((name) => {
    const tensor = found.get(name);
    if (tensor === undefined) {
      throw new ModelError(
        'MODEL_NO_LAYER_WEIGHTS',
        `${file} has no tensor "${name}"; unfreezing needs a BERT checkpoint with Hugging Face names`,
        'input',
      );
    }
    return {
      name,
      ...checkShape(
        name,
        isDenseWeight(name) && !name.startsWith('embeddings.') ? transpose(tensor) : tensor,
        config,
        file,
      ),
    };
  });
}

/** Names of layers [from, to)'s tensors. */
export function layerRangeNames(from: number, to: number): string[] {
  const names: string[] = [];
  for (let layer = from; layer < to; layer += 1)
    names.push(...LAYER_TENSOR_NAMES.map((suffix) => `encoder.layer.${layer}.${suffix}`));
  return names;
}

/** The shape (senti layout) each tensor must have. */
export function expectedShape(name: string, config: BertConfig): number[] | undefined {
  const { hiddenSize: h, intermediateSize: m } = config;
  if (name.startsWith('embeddings.') && !name.includes('LayerNorm')) return undefined;
  if (name.endsWith('intermediate.dense.weight')) return [h, m];
  if (name.endsWith('intermediate.dense.bias')) return [m];
  if (name.endsWith('output.dense.weight') && !name.includes('attention')) return [m, h];
  return isDenseWeight(name) ? [h, h] : [h];
}

function checkShape(name: string, tensor: NamedTensor, config: BertConfig, file: string): NamedTensor {
  const expected = expectedShape(name, config);
  if (expected !== undefined && tensor.shape.join(',') !== expected.join(',')) {
    throw new ModelError(
      'MODEL_BAD_LAYER_WEIGHTS',
      `${file}: tensor "${name}" has shape [${tensor.shape.join(', ')}], expected [${expected!.join(', ')}] from config.json`,
      'input',
    );
  }
  return tensor;
}
