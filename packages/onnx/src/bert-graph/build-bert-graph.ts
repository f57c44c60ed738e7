import { readFileSync } from 'node:fs';
import { ModelError } from '@senti/errors';
import { attribute, MS_DOMAIN, tensorValueInfo } from '../onnx-graph.js';
import { DataType, type OnnxModel } from '../onnx-types.js';
import type { BertGraphConfig } from './bert-graph-config.js';
import {
  ATTENTION_MASK,
  embeddings,
  extendedMask,
  INPUT_IDS,
  tensorInitializer,
  TOKEN_TYPE_IDS,
} from './bert-graph-parts.js';
import { bertLayer } from './bert-layer-graph.js';
import { checkTensorShape, type BertWeights } from './bert-weights.js';
import { POOLER_TENSORS, requiredTensorNames } from './bert-tensor-names.js';
import { GraphWriter } from './graph-writer.js';

/**
 * Value of the `metadata_props` key `senti.builder` on graphs {@link buildBertGraph} writes, and the name of their cache
 * folder: bump it whenever the graph written for the same weights changes, or caches keep serving the old graph.
 */
export const BERT_GRAPH_BUILDER = 'senti-bert-graph/v4';

/** @senti/onnx's version, recorded in the graphs it writes. */
const SENTI_ONNX_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * The default-domain opset of the graphs: 17 is the first with `LayerNormalization` (one fused, row-local kernel,
 * as torch's own BERT export uses), and onnxruntime-node 1.14+ and onnxruntime-web run it.
 */
export const BERT_GRAPH_OPSET = 17;

/** Options of {@link buildBertGraph}. */
export interface BertGraphOptions {
  /** Output `pooler_output` `[batch, hidden]` (tanh of the pooler dense on [CLS]); needs the checkpoint's pooler. */
  pooler: boolean;
  /**
   * Run the last layer's query, attention output, feed-forward and LayerNorms for [CLS] only (keys and values still
   * over every token): `last_hidden_state` is then `[batch, 1, hidden]`, enough for CLS and pooler pooling, not mean.
   */
  clsOnlyLastLayer: boolean;
}

/**
 * Writes the fp32 ONNX graph of a Hugging Face `BertModel` (eval mode) from its weights: inputs `input_ids`,
 * `attention_mask`, `token_type_ids` (int64 `[batch_size, sequence_length]`), outputs `last_hidden_state` and,
 * when asked, `pooler_output`. The encoder's dense layers are `MatMul` by a constant `[in, out]` initializer + `Add`
 * and embeddings are `Gather`s, so `quantizePerToken` applies unchanged; the pooler is a `Gemm`, as in torch's export,
 * so it stays fp32 in int8 builds of either graph.
 */
export function buildBertGraph(weights: BertWeights, config: BertGraphConfig, options: BertGraphOptions): OnnxModel {
  if (options.pooler && !weights.hasPooler) {
    throw new ModelError(
      'MODEL_NO_POOLER',
      `${weights.source} has no pooler (${POOLER_TENSORS.map((name) => `"${name}"`).join(', ')}); use cls or mean pooling with this checkpoint`,
      'input',
    );
  }
  for (const name of [...requiredTensorNames(config), ...(options.pooler ? POOLER_TENSORS : [])]) {
    const tensor = weights.tensors.get(name);
    if (tensor === undefined)
      throw new ModelError(
        'MODEL_NO_LAYER_WEIGHTS',
        `${weights.source} has no tensor "${name}", which a BERT of ${config.numHiddenLayers} layers needs`,
        'input',
      );
    checkTensorShape(name, tensor, config, weights.files.get(name) ?? weights.source);
  }
  const model: OnnxModel = {
    ir_version: 8,
    opset_import: [
      { domain: '', version: BERT_GRAPH_OPSET },
      { domain: MS_DOMAIN, version: 1 },
    ],
    producer_name: 'senti',
    producer_version: SENTI_ONNX_VERSION,
    doc_string: `BertModel written by senti (${BERT_GRAPH_BUILDER}, @senti/onnx ${SENTI_ONNX_VERSION}) from ${config.numHiddenLayers} layers of safetensors weights`,
    graph: { name: 'bert', node: [], initializer: [] },
    metadata_props: [
      { key: 'senti.builder', value: BERT_GRAPH_BUILDER },
      { key: 'senti.version', value: SENTI_ONNX_VERSION },
      { key: 'senti.pooler', value: String(options.pooler) },
      { key: 'senti.cls_only_last_layer', value: String(options.clsOnlyLastLayer) },
    ],
  };
  const graph = model.graph;
  const writer = new GraphWriter(graph);
  const { hiddenSize: hidden } = config;
  graph.input = [INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS].map((name) =>
    tensorValueInfo(name, DataType.INT64, ['batch_size', 'sequence_length']),
  );
  const mask = extendedMask(writer);
  let state = embeddings(writer, weights, config);
  const last = config.numHiddenLayers - 1;
  for (let layer = 0; layer <= last; layer += 1) {
    const output = layer === last ? 'last_hidden_state' : undefined;
    state = bertLayer(writer, weights, config, layer, {
      hidden: state,
      mask,
      clsOnly: options.clsOnlyLastLayer && layer === last,
      output,
    });
  }
  graph.output = [
    tensorValueInfo('last_hidden_state', DataType.FLOAT, [
      'batch_size',
      options.clsOnlyLastLayer ? 1 : 'sequence_length',
      hidden,
    ]),
  ];
  if (options.pooler) {
    // Gemm with torch's [out, in] weight, as torch exports the pooler: int8 builders keep it fp32 there and here alike.
    const cls = writer.node('Gather', [state, writer.int64([0], [])], '/pooler', [attribute('axis', 1)]);
    const [weight, bias] = POOLER_TENSORS.map((name) => tensorInitializer(writer, weights, name)) as [string, string];
    const pooled = writer.node('Gemm', [cls, weight, bias], '/pooler/dense', [attribute('transB', 1)]);
    writer.node('Tanh', [pooled], '/pooler', [], 'pooler_output');
    graph.output.push(tensorValueInfo('pooler_output', DataType.FLOAT, ['batch_size', hidden]));
  }
  return model;
}
