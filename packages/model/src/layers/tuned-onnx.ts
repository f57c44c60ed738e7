import { ModelError } from '@senti/errors';
import {
  addInitializers,
  initializerMap,
  nodeAttribute,
  pruneInitializers,
  uniqueNamer,
  float32Tensor,
  type OnnxGraph,
  type OnnxModel,
  type OnnxNode,
  transpose,
} from '@senti/onnx';
import { isDenseWeight, type LayerParameter } from './layer-weights.js';

/**
 * A copy of an fp32 BERT ONNX graph (torch exporter layout) carrying fine-tuned layer and pooler weights, so that
 * ONNX Runtime or transformers.js compute what senti's tuned layers compute. Each tuned tensor gets its own new
 * initializer wired into the node that uses it (MatMul/Gemm weight, bias Add or Gemm bias, LayerNormalization scale
 * or bias): exporters share identical initializers between layers, which must not all change. Unused initializers
 * are dropped.
 */
export function withTunedWeights(
  model: OnnxModel,
  parameters: readonly LayerParameter[],
  file = 'the encoder graph',
): OnnxModel {
  const graph: OnnxGraph = {
    ...(model.graph as OnnxGraph),
    node: (model.graph?.node ?? []).map((node) => ({ ...node, input: [...(node.input ?? [])] })),
    initializer: [...(model.graph?.initializer ?? [])],
  };
  const initializers = initializerMap(graph);
  const identities = new Map<string, string>();
  for (const node of graph.node ?? [])
    if (node.op_type === 'Identity' && node.output?.[0] && node.input?.[0])
      identities.set(node.output[0], node.input[0]);
  const isConstant = (value: string | undefined): boolean => {
    let current = value;
    for (let hops = 0; current !== undefined && hops < 8; hops += 1) {
      if (initializers.has(current)) return true;
      current = identities.get(current);
    }
    return false;
  };
  const nodeOf = (modulePath: string, op: string): OnnxNode | undefined =>
    graph.node!.find((node) => node.op_type === op && (node.name ?? '').endsWith(`${modulePath}/${op}`));
  const nameFor = uniqueNamer(graph);
  for (const parameter of parameters) {
    const { name } = parameter;
    const modulePath = name
      .replace(/\.(weight|bias)$/, '')
      .replace(/\./g, '/')
      .replace(/layer\/(\d+)/, 'layer.$1');
    const isBias = name.endsWith('.bias');
    let target: { node: OnnxNode; index: number; values: Float32Array; dims: number[] } | undefined;
    const layerNorm = nodeOf(modulePath, 'LayerNormalization');
    const gemm = nodeOf(modulePath, 'Gemm');
    if (layerNorm) {
      target = { node: layerNorm, index: isBias ? 2 : 1, values: parameter.values, dims: parameter.shape };
    } else if (gemm) {
      const transposed = nodeAttribute(gemm, 'transB')?.i === 1;
      const values = isDenseWeight(name) && transposed ? transpose(parameter) : parameter;
      target = { node: gemm, index: isBias ? 2 : 1, values: values.values, dims: values.shape };
    } else {
      const node = nodeOf(modulePath, isBias ? 'Add' : 'MatMul');
      const index = node?.input?.findIndex((input) => isConstant(input)) ?? -1;
      if (node && index >= 0) target = { node, index, values: parameter.values, dims: parameter.shape };
    }
    if (target === undefined) {
      throw new ModelError(
        'MODEL_UNSUPPORTED_GRAPH',
        `${file}: cannot find where "${name}" is used (expected torch exporter node names such as ${modulePath}/MatMul)`,
        'input',
      );
    }
    const tensorName = nameFor(`senti.tuned.${name}`);
    addInitializers(graph, float32Tensor(tensorName, target.dims, target.values));
    target.node.input![target.index] = tensorName;
  }
  pruneInitializers(graph);
  return { ...model, graph };
}
