import { transpose } from '../transpose.js';
import { attribute } from '../onnx-graph.js';
import { float32Tensor } from '../onnx-tensor.js';
import { DataType } from '../onnx-types.js';
import type { BertGraphConfig } from './bert-graph-config.js';
import type { BertWeights } from './bert-weights.js';
import type { GraphWriter } from './graph-writer.js';

/** `torch.finfo(torch.float32).min`: what transformers adds to the scores of masked keys. */
export const FLOAT32_MIN = -3.4028234663852886e38;

/** The graph's inputs, by name. */
export const INPUT_IDS = 'input_ids';
export const ATTENTION_MASK = 'attention_mask';
export const TOKEN_TYPE_IDS = 'token_type_ids';

/** A checkpoint tensor as an initializer under its canonical name (1-D and tables as they are). */
export function tensorInitializer(writer: GraphWriter, weights: BertWeights, name: string): string {
  const tensor = weights.tensors.get(name)!;
  return writer.weight(float32Tensor(name, tensor.shape, tensor.values));
}

/** `x @ W + b` with W stored `[in, out]` (the transpose of torch's `[out, in]`), so int8 builders see a constant MatMul. */
export function dense(writer: GraphWriter, weights: BertWeights, prefix: string, x: string, scope: string): string {
  const weight = transpose(weights.tensors.get(`${prefix}.weight`)!);
  const w = writer.weight(float32Tensor(`${prefix}.weight`, weight.shape, weight.values));
  const product = writer.node('MatMul', [x, w], scope);
  return writer.node('Add', [product, tensorInitializer(writer, weights, `${prefix}.bias`)], scope);
}

/** LayerNormalization over the last axis with the checkpoint's `{prefix}.weight` / `.bias`. */
export function layerNorm(
  writer: GraphWriter,
  weights: BertWeights,
  prefix: string,
  x: string,
  config: BertGraphConfig,
  scope: string,
  output?: string,
): string {
  const gamma = tensorInitializer(writer, weights, `${prefix}.weight`);
  const beta = tensorInitializer(writer, weights, `${prefix}.bias`);
  return writer.node(
    'LayerNormalization',
    [x, gamma, beta],
    scope,
    [attribute('axis', -1), attribute('epsilon', config.layerNormEps, 'float')],
    output,
  );
}

/** Word + token-type + position embeddings (positions 0..sequence-1), then LayerNorm: `[batch, sequence, hidden]`. */
export function embeddings(writer: GraphWriter, weights: BertWeights, config: BertGraphConfig): string {
  const scope = '/embeddings';
  const words = writer.node(
    'Gather',
    [tensorInitializer(writer, weights, 'embeddings.word_embeddings.weight'), INPUT_IDS],
    `${scope}/word_embeddings`,
  );
  const types = writer.node(
    'Gather',
    [tensorInitializer(writer, weights, 'embeddings.token_type_embeddings.weight'), TOKEN_TYPE_IDS],
    `${scope}/token_type_embeddings`,
  );
  const sum = writer.node('Add', [words, types], scope);
  const length = writer.node('Shape', [INPUT_IDS], scope, [attribute('start', 1), attribute('end', 2)]);
  const table = tensorInitializer(writer, weights, 'embeddings.position_embeddings.weight');
  const positions = writer.node(
    'Slice',
    [table, writer.int64([0]), length, writer.int64([0])],
    `${scope}/position_embeddings`,
  );
  const all = writer.node('Add', [sum, positions], scope);
  return layerNorm(writer, weights, 'embeddings.LayerNorm', all, config, `${scope}/LayerNorm`);
}

/** `(1 - attention_mask) * float32.min` as `[batch, 1, 1, sequence]`, added to every head's scores. */
export function extendedMask(writer: GraphWriter): string {
  const scope = '/extended_attention_mask';
  const mask = writer.node('Cast', [ATTENTION_MASK], scope, [attribute('to', DataType.FLOAT)]);
  const inverted = writer.node('Sub', [writer.float([1]), mask], scope);
  const additive = writer.node('Mul', [inverted, writer.float([FLOAT32_MIN])], scope);
  return writer.node('Unsqueeze', [additive, writer.int64([1, 2])], scope);
}

/** `x * 0.5 * (1 + erf(x / sqrt(2)))`, the exact GELU, in the order torch exports it. */
export function gelu(writer: GraphWriter, x: string, scope: string): string {
  const scaled = writer.node('Div', [x, writer.float([Math.fround(Math.SQRT2)])], scope);
  const erf = writer.node('Erf', [scaled], scope);
  const shifted = writer.node('Add', [erf, writer.float([1])], scope);
  const product = writer.node('Mul', [x, shifted], scope);
  return writer.node('Mul', [product, writer.float([0.5])], scope);
}
