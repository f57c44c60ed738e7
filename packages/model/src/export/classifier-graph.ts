import { ModelError } from '@senti/errors';
import type { Pooling } from '../encoder/index.js';
import type { HeadConfig } from '../head/index.js';
import {
  addInitializers,
  attribute,
  defaultOpset,
  makeNode,
  pruneDeadNodes,
  tensorValueInfo,
  uniqueNamer,
  float32Tensor,
  int64Tensor,
  DataType,
  type OnnxModel,
  type OnnxNode,
} from '@senti/onnx';

/** The head's weights in senti's layout: w1 `[input, hidden]`, b1, w2 `[hidden, classes]`, b2. */
export type HeadWeights = readonly [Float32Array, Float32Array, Float32Array, Float32Array];

/** Name of the classifier graph's only output, as transformers.js's sequence-classification models expect. */
export const LOGITS = 'logits';

/**
 * Turns an encoder graph into a classifier, in place: the encoder's outputs are pooled (`pooler_output`, the `[CLS]`
 * vector, or the attention-masked mean), then the head (Gemm, ReLU, Gemm) gives `logits` `[batch, classes]`, the
 * graph's only output; a calibrated model's logits are divided by its `temperature` (so any softmax over them gives
 * the calibrated probabilities; the most probable class is unchanged). Nodes and weights that no longer lead to
 * `logits` are removed.
 */
export function appendClassifier(
  model: OnnxModel,
  pooling: Pooling,
  head: HeadConfig,
  weights: HeadWeights,
  temperature = 1,
): void {
  const graph = model.graph;
  const opset = defaultOpset(model);
  const fresh = uniqueNamer(graph);
  const outputs = new Set((graph.output ?? []).map((output) => output.name));
  const need = (name: string) => {
    if (!outputs.has(name))
      throw new ModelError(
        'MODEL_EXPORT_BAD_ENCODER',
        `the encoder graph has no "${name}" output (it has ${[...outputs].join(', ')}); cannot export ${pooling} pooling`,
        'input',
      );
    return name;
  };
  const nodes: OnnxNode[] = [];
  const name = (base: string) => fresh(`senti_head/${base}`);
  let features: string;
  if (pooling === 'pooler') {
    features = need('pooler_output');
  } else if (pooling === 'cls') {
    const zero = name('zero');
    addInitializers(graph, int64Tensor(zero, [], [0]));
    features = name('cls');
    nodes.push(
      makeNode('Gather', [need('last_hidden_state'), zero], [features], name('Gather'), [attribute('axis', 1)]),
    );
  } else {
    const states = need('last_hidden_state');
    const [mask, mask3, weighted, sum, count, safe] = ['mask', 'mask3', 'weighted', 'sum', 'count', 'count_safe'].map(
      name,
    ) as [string, string, string, string, string, string];
    const one = name('one');
    addInitializers(graph, float32Tensor(one, [], [1]));
    nodes.push(makeNode('Cast', ['attention_mask'], [mask], name('Cast'), [attribute('to', DataType.FLOAT)]));
    nodes.push(unsqueeze(opset, mask, mask3, 2, name, graph));
    nodes.push(makeNode('Mul', [states, mask3], [weighted], name('Mul')));
    nodes.push(reduceSum(opset, weighted, sum, 1, 0, name, graph));
    nodes.push(reduceSum(opset, mask, count, 1, 1, name, graph));
    nodes.push(makeNode('Max', [count, one], [safe], name('Max')));
    features = name('mean');
    nodes.push(makeNode('Div', [sum, safe], [features], name('Div')));
  }
  const [w1, b1, w2, b2] = ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias'].map((base) =>
    fresh(`senti_head.${base}`),
  ) as [string, string, string, string];
  addInitializers(
    graph,
    float32Tensor(w1, [head.inputSize, head.hiddenSize], weights[0]),
    float32Tensor(b1, [head.hiddenSize], weights[1]),
    float32Tensor(w2, [head.hiddenSize, head.numClasses], weights[2]),
    float32Tensor(b2, [head.numClasses], weights[3]),
  );
  const [hidden, relu] = [name('fc1'), name('relu')];
  nodes.push(makeNode('Gemm', [features, w1, b1], [hidden], name('fc1/Gemm')));
  nodes.push(makeNode('Relu', [hidden], [relu], name('Relu')));
  if (temperature === 1) {
    nodes.push(makeNode('Gemm', [relu, w2, b2], [LOGITS], name('fc2/Gemm')));
  } else {
    const [raw, divisor] = [name('fc2'), name('temperature')];
    addInitializers(graph, float32Tensor(divisor, [], [temperature]));
    nodes.push(makeNode('Gemm', [relu, w2, b2], [raw], name('fc2/Gemm')));
    nodes.push(makeNode('Div', [raw, divisor], [LOGITS], name('temperature/Div')));
  }
  graph.node = [...(graph.node ?? []), ...nodes];
  graph.output = [tensorValueInfo(LOGITS, DataType.FLOAT, ['batch_size', head.numClasses])];
  pruneDeadNodes(model);
}

type Namer = (base: string) => string;

function unsqueeze(
  opset: number,
  input: string,
  output: string,
  axis: number,
  name: Namer,
  graph: OnnxModel['graph'],
): OnnxNode {
  if (opset < 13) return makeNode('Unsqueeze', [input], [output], name('Unsqueeze'), [attribute('axes', [axis])]);
  const axes = name('unsqueeze_axes');
  addInitializers(graph, int64Tensor(axes, [1], [axis]));
  return makeNode('Unsqueeze', [input, axes], [output], name('Unsqueeze'));
}

function reduceSum(
  opset: number,
  input: string,
  output: string,
  axis: number,
  keepdims: number,
  name: Namer,
  graph: OnnxModel['graph'],
): OnnxNode {
  if (opset < 13)
    return makeNode('ReduceSum', [input], [output], name('ReduceSum'), [
      attribute('axes', [axis]),
      attribute('keepdims', keepdims),
    ]);
  const axes = name('sum_axes');
  addInitializers(graph, int64Tensor(axes, [1], [axis]));
  return makeNode('ReduceSum', [input, axes], [output], name('ReduceSum'), [attribute('keepdims', keepdims)]);
}
