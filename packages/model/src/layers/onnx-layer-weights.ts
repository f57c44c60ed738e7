import { ModelError } from '@senti/errors';
import {
  initializerMap,
  nodeAttribute,
  readOnnxModel,
  tensorToFloat32,
  type OnnxGraph,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  transpose,
  type NamedTensor,
} from '@senti/onnx';
import type { BertConfig } from './bert-config.js';
import {
  checkUnfreezeCount,
  expectedShape,
  isDenseWeight,
  topLayerNames,
  type LayerParameter,
  type TopLayerWeights,
} from './layer-weights.js';

/**
 * Loads the top `count` layers' weights (and the pooler's) from an fp32 ONNX export of a BERT model (the torch
 * exporter's layout): biases and LayerNorm tensors by their Hugging Face names (any prefix such as `m.` or `bert.`,
 * through Identity aliases), dense weights as the initializer input of the module's MatMul (already [in, out]) or
 * Gemm node. Says which tensor it cannot find when an export does not follow that layout.
 */
export async function loadTopLayerWeightsFromOnnx(
  file: string,
  config: BertConfig,
  count: number,
  withPooler: boolean,
): Promise<TopLayerWeights> {
  checkUnfreezeCount(count, config, file);
  const model = await readOnnxModel(file);
  const finder = tensorFinder(model, file);
  const parameters: LayerParameter[] = topLayerNames(config, count, withPooler).map((name) => {
    const tensor = finder(name);
    const expected = expectedShape(name, config)!;
    if (tensor.shape.join(',') !== expected.join(',')) {
      throw new ModelError(
        'MODEL_BAD_LAYER_WEIGHTS',
        `${file}: tensor for "${name}" has shape [${tensor.shape.join(', ')}], expected [${expected.join(', ')}] from config.json`,
        'input',
      );
    }
    return { name, ...tensor };
  });
  return { firstLayer: config.numHiddenLayers - count, count, parameters };
}

/**
 * Reads named tensors of a BERT model (Hugging Face names without prefix, e.g. `encoder.layer.0.attention.self.query.weight`)
 * from an fp32 torch export (a `BertModel` or a masked-LM export), in torch layout (dense weights `[out, in]`), so a
 * graph can be rebuilt from an ONNX file as from a safetensors checkpoint. Names it cannot locate are left out.
 */
export async function readOnnxBertTensors(file: string, names: readonly string[]): Promise<Map<string, NamedTensor>> {
  const finder = tensorFinder(await readOnnxModel(file), file);
  const found = new Map<string, NamedTensor>();
  for (const name of names) {
    try {
      // Embedding tables are looked up, not multiplied: they are stored as they are, not transposed.
      const tensor = name.startsWith('embeddings.') ? finder(name, { lookup: true }) : finder(name);
      found.set(name, isDenseWeight(name) && !name.startsWith('embeddings.') ? transpose(tensor) : tensor);
    } catch (error) {
      if (!ModelError.isInstance(error) || error.code !== 'MODEL_NO_LAYER_WEIGHTS') throw error;
    }
  }
  return found;
}

function tensorFinder(model: OnnxModel, file: string): (name: string, options?: { lookup?: boolean }) => NamedTensor {
  const graph = model.graph as OnnxGraph;
  const initializers = initializerMap(graph);
  const identities = new Map<string, string>();
  for (const node of graph.node ?? [])
    if (node.op_type === 'Identity' && node.output?.[0] && node.input?.[0])
      identities.set(node.output[0], node.input[0]);
  const nodes = graph.node ?? [];
  const resolve = (value: string | undefined): OnnxTensor | undefined => {
    let current = value;
    for (let hops = 0; current !== undefined && hops < 8; hops += 1) {
      const found = initializers.get(current);
      if (found) return found;
      current = identities.get(current);
    }
    return undefined;
  };
  const byName = (name: string): OnnxTensor | undefined => {
    for (const prefix of ['', 'm.', 'bert.', 'model.', 'm.bert.']) {
      const direct = resolve(`${prefix}${name}`);
      if (direct) return direct;
    }
    return undefined;
  };
  const nodeOf = (modulePath: string, op: string): OnnxNode | undefined =>
    nodes.find((node) => node.op_type === op && (node.name ?? '').endsWith(`${modulePath}/${op}`));
  const asTensor = (tensor: OnnxTensor): NamedTensor => ({
    shape: [...(tensor.dims ?? [])],
    values: tensorToFloat32(tensor),
  });
  const missing = (name: string) =>
    new ModelError(
      'MODEL_NO_LAYER_WEIGHTS',
      `${file} has no fp32 tensor for "${name}" that senti can locate; unfreezing needs the model's model.safetensors or a torch-exported fp32 onnx/model.onnx`,
      'input',
    );
  return (name, options = {}) => {
    if (options.lookup) {
      const table = byName(name);
      if (!table) throw missing(name);
      return asTensor(table);
    }
    const modulePath = name
      .replace(/\.(weight|bias)$/, '')
      .replace(/\./g, '/')
      .replace(/layer\/(\d+)/, 'layer.$1');
    if (!isDenseWeight(name)) {
      const tensor = byName(name);
      if (tensor) return asTensor(tensor);
      // A bias folded into the Add after the MatMul, or a LayerNorm parameter as an input of its node.
      const isBias = name.endsWith('.bias');
      const layerNorm = nodeOf(modulePath, 'LayerNormalization');
      const candidate = layerNorm
        ? resolve(layerNorm.input?.[isBias ? 2 : 1])
        : nodeOf(modulePath, 'Add')?.input?.map(resolve).find(Boolean);
      if (candidate) return asTensor(candidate);
      throw missing(name);
    }
    const direct = byName(name);
    const gemm = nodeOf(modulePath, 'Gemm');
    if (gemm) {
      const weight = resolve(gemm.input?.[1]) ?? direct;
      if (!weight) throw missing(name);
      const transposed = nodeAttribute(gemm, 'transB')?.i === 1;
      return transposed ? transpose(asTensor(weight)) : asTensor(weight);
    }
    const matMul = nodeOf(modulePath, 'MatMul');
    const weight = matMul?.input?.map(resolve).find(Boolean);
    if (weight) return asTensor(weight);
    if (direct) return transpose(asTensor(direct));
    throw missing(name);
  };
}
