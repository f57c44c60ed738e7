import { ModelError } from '@senti/errors';
import { tensorValueInfo, DataType, type OnnxGraph, type OnnxModel } from '@senti/onnx';

/**
 * The name of the tensor that enters layer `layer` of a BERT ONNX graph (`layer` = L: the last hidden state): the
 * activation input of that layer's key MatMul (torch exporter names; the key, not the query, since a graph whose last
 * layer runs for [CLS] only slices the query's input but keys cover every token), else the output of LayerNormalization number
 * 2·layer (the embeddings' LayerNorm is number 0; every layer has two).
 */
export function layerInputName(graph: OnnxGraph, layer: number, numLayers: number, file: string): string {
  const nodes = graph.node ?? [];
  if (layer < numLayers) {
    const key = nodes.find(
      (node) =>
        node.op_type === 'MatMul' && (node.name ?? '').endsWith(`encoder/layer.${layer}/attention/self/key/MatMul`),
    );
    if (key?.input?.[0]) return key.input[0];
  }
  const norms = nodes.filter((node) => node.op_type === 'LayerNormalization');
  if (norms.length === 2 * numLayers + 1 && norms[2 * layer]?.output?.[0]) return norms[2 * layer]!.output![0]!;
  throw new ModelError(
    'MODEL_UNSUPPORTED_GRAPH',
    `${file}: cannot find the input of encoder layer ${layer} (no torch-exported key MatMul and ${norms.length} LayerNormalization nodes, expected ${2 * numLayers + 1})`,
    'input',
  );
}

/**
 * A copy of the model whose only output is the tensor `output` ([batch, sequence, hidden] float or float16): nodes,
 * initializers and inputs it does not need are removed, so ONNX Runtime runs only the frozen bottom of the encoder.
 */
export function truncateToOutput(model: OnnxModel, output: string, hiddenSize: number): OnnxModel {
  const graph = model.graph as OnnxGraph;
  const producers = new Map<string, number>();
  (graph.node ?? []).forEach((node, index) => node.output?.forEach((name) => producers.set(name, index)));
  const needed = new Set<number>();
  const wanted = new Set<string>([output]);
  const stack = [output];
  while (stack.length > 0) {
    const name = stack.pop()!;
    const index = producers.get(name);
    if (index === undefined || needed.has(index)) continue;
    needed.add(index);
    for (const input of graph.node![index]!.input ?? []) {
      if (input && !wanted.has(input)) {
        wanted.add(input);
        stack.push(input);
      }
    }
  }
  const nodes = (graph.node ?? []).filter((_, index) => needed.has(index));
  const elemType = elementTypeOf(graph, output);
  return {
    ...model,
    graph: {
      ...graph,
      node: nodes,
      initializer: (graph.initializer ?? []).filter((tensor) => wanted.has(tensor.name ?? '')),
      input: (graph.input ?? []).filter((input) => wanted.has(input.name ?? '')),
      output: [tensorValueInfo(output, elemType, ['batch_size', 'sequence_length', hiddenSize])],
      value_info: (graph.value_info ?? []).filter((info) => wanted.has(info.name ?? '')),
    },
  };
}

/** FLOAT16 when the graph's outputs are half precision (fp16 exports), else FLOAT. */
function elementTypeOf(graph: OnnxGraph, name: string): number {
  const declared = [...(graph.value_info ?? []), ...(graph.output ?? [])].find((info) => info.name === name)?.type
    ?.tensor_type?.elem_type;
  if (declared !== undefined) return declared;
  const outputType = graph.output?.[0]?.type?.tensor_type?.elem_type;
  return outputType === DataType.FLOAT16 ? DataType.FLOAT16 : DataType.FLOAT;
}
