import {
  addInitializers,
  attribute,
  defaultOpset,
  initializerMap,
  makeNode,
  pruneInitializers,
  uniqueNamer,
} from './onnx-graph.js';
import { float32Tensor, int64Tensor, int8Tensor, uint8Tensor } from './onnx-tensor.js';
import { quantizeMatrices, type QuantizedMatrix } from './parallel-quantize.js';
import {
  isConstantMatrix,
  isEmbeddingTable,
  nodeAxis,
  perTokenTargets,
  quantizedLookup,
  quantizeHere,
  targetKey,
  type PerTokenReport,
} from './per-token-int8.js';
import { DataType, type OnnxModel, type OnnxNode } from './onnx-types.js';

/** The per-token int8 scheme senti 0.1 wrote (one integer GEMM per MatMul, `Mul(x, token scale x column scale)`). */
export const PER_TOKEN_INT8_V2 = 'per-token-symmetric-int8/v2';

/**
 * Rebuilds, byte for byte, the per-token int8 graph senti 0.1 wrote, so that a model saved then (whose senti.json
 * records that graph's sha256, and which does not bundle it) still loads and gives the answers it gave. New models
 * use {@link quantizePerTokenParallel}'s current scheme: under ONNX Runtime's graph optimizations this one's dense
 * biases come out multiplied by each token's scale (see per-token-int8.ts).
 */
export async function quantizePerTokenV2Parallel(
  model: OnnxModel,
  options: { threads?: number; minElements?: number } = {},
): Promise<PerTokenReport> {
  const targets = perTokenTargets(model);
  const results = await quantizeMatrices(
    targets.map((target) => target.job),
    options,
  );
  return quantizePerTokenV2(model, new Map(targets.map((target, index) => [target.key, results[index]!])));
}

// Verbatim from senti 0.1 (packages/model/src/onnx/per-token-int8.ts at 557a9f4): any change alters the bytes.
function quantizePerTokenV2(model: OnnxModel, quantized: ReadonlyMap<string, QuantizedMatrix>): PerTokenReport {
  const graph = model.graph;
  const opset = defaultOpset(model);
  const initializers = initializerMap(graph);
  const fresh = uniqueNamer(graph);
  const c127 = fresh('senti_q/127');
  const cTiny = fresh('senti_q/tiny');
  const flatOne = fresh('senti_q/flat');
  const zeroPoint = fresh('senti_q/zero_point');
  const axes = fresh('senti_q/axes');
  addInitializers(
    graph,
    float32Tensor(c127, [], [127]),
    float32Tensor(cTiny, [], [1e-30]),
    int64Tensor(flatOne, [1], [-1]),
    uint8Tensor(zeroPoint, [], [128]),
  );
  if (opset >= 18) addInitializers(graph, int64Tensor(axes, [1], [-1]));
  const nodes: OnnxNode[] = [];
  const weights = new Map<string, { q: string; scale: string }>();
  let rewritten = 0;
  let kept = 0;
  let embeddings = 0;
  for (const node of graph.node ?? []) {
    const table = node.op_type === 'Gather' && !node.domain ? initializers.get(node.input?.[0] ?? '') : undefined;
    if (isEmbeddingTable(table) && (nodeAxis(node) ?? 0) === 0) {
      for (const lookup of quantizedLookup(
        node,
        table,
        quantized.get(targetKey('rows', table)) ?? quantizeHere('rows', table),
        fresh,
        graph,
        opset,
      ))
        nodes.push(lookup);
      embeddings++;
      continue;
    }
    const weight = node.op_type === 'MatMul' && !node.domain ? initializers.get(node.input?.[1] ?? '') : undefined;
    if (!isConstantMatrix(weight)) {
      if (node.op_type === 'MatMul') kept++;
      nodes.push(node);
      continue;
    }
    rewritten++;
    const [x] = node.input!;
    const [y] = node.output!;
    const p = fresh(`${node.name || y}/senti_q`);
    let names = weights.get(weight.name!);
    if (!names) {
      const [rows, columns] = weight.dims as [number, number];
      const { values, scales } = quantized.get(targetKey('columns', weight)) ?? quantizeHere('columns', weight);
      names = { q: fresh(`${weight.name}_int8`), scale: fresh(`${weight.name}_scale`) };
      addInitializers(
        graph,
        int8Tensor(names.q, [rows, columns], values),
        float32Tensor(names.scale, [columns], scales),
      );
      weights.set(weight.name!, names);
    }
    const [rows] = weight.dims as [number, number];
    const reduce =
      opset >= 18
        ? makeNode('ReduceMax', [`${p}/abs`, axes], [`${p}/max`], `${p}/ReduceMax`, [attribute('keepdims', 1)])
        : makeNode('ReduceMax', [`${p}/abs`], [`${p}/max`], `${p}/ReduceMax`, [
            attribute('axes', [-1]),
            attribute('keepdims', 1),
          ]);
    const flatShape = fresh(`${p}/flat_shape`);
    addInitializers(graph, int64Tensor(flatShape, [2], [-1, rows]));
    nodes.push(
      // scale per token: max|row| / 127, kept [..., 1] for the output and flattened [tokens] for QuantizeLinear.
      makeNode('Abs', [x!], [`${p}/abs`], `${p}/Abs`),
      reduce,
      makeNode('Div', [`${p}/max`, c127], [`${p}/scale_raw`], `${p}/ScaleDiv`),
      makeNode('Max', [`${p}/scale_raw`, cTiny], [`${p}/scale`], `${p}/ScaleMax`),
      makeNode('Reshape', [`${p}/scale`, flatOne], [`${p}/scale_flat`], `${p}/ScaleFlat`),
      makeNode('Shape', [`${p}/scale_flat`], [`${p}/tokens`], `${p}/Tokens`),
      makeNode('Expand', [zeroPoint, `${p}/tokens`], [`${p}/zero_points`], `${p}/ZeroPoints`),
      // round(x / scale) + 128 as uint8, one row (token) per scale.
      makeNode('Reshape', [x!, flatShape], [`${p}/x_flat`], `${p}/Flatten`),
      makeNode(
        'QuantizeLinear',
        [`${p}/x_flat`, `${p}/scale_flat`, `${p}/zero_points`],
        [`${p}/q_flat`],
        `${p}/Quantize`,
        [attribute('axis', 0)],
      ),
      makeNode('Shape', [x!], [`${p}/x_shape`], `${p}/Shape`),
      makeNode('Reshape', [`${p}/q_flat`, `${p}/x_shape`], [`${p}/x_uint8`], `${p}/Unflatten`),
      makeNode('MatMulInteger', [`${p}/x_uint8`, names.q, zeroPoint], [`${p}/int32`], `${p}/MatMulInteger`),
      makeNode('Cast', [`${p}/int32`], [`${p}/float`], `${p}/CastFloat`, [attribute('to', DataType.FLOAT)]),
      makeNode('Mul', [`${p}/scale`, names.scale], [`${p}/combined_scale`], `${p}/ScaleMul`),
      makeNode('Mul', [`${p}/float`, `${p}/combined_scale`], [y!], `${p}/Mul`),
    );
  }
  graph.node = nodes;
  pruneInitializers(graph);
  model.metadata_props = [
    ...(model.metadata_props ?? []).filter((entry) => entry.key !== 'senti.quantization'),
    { key: 'senti.quantization', value: PER_TOKEN_INT8_V2 },
  ];
  return { rewritten, kept, embeddings };
}
