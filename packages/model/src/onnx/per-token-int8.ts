import { addInitializers, attribute, defaultOpset, initializerMap, makeNode, pruneInitializers, uniqueNamer } from './onnx-graph.js';
import { float32Tensor, int64Tensor, int8Tensor, tensorToFloat32, uint8Tensor } from './onnx-tensor.js';
import { DataType, type OnnxModel, type OnnxNode, type OnnxTensor } from './onnx-types.js';

/** Value of the `metadata_props` key `senti.quantization` on graphs this module writes. */
export const PER_TOKEN_INT8 = 'per-token-symmetric-int8/v2';

/** Weights of a MatMul quantized per output column: `W ~= q[k, n] * scale[n]`, q in [-127, 127]. */
export interface ColumnQuantized {
  values: Int8Array;
  scales: Float32Array;
}

/** Quantizes a row-major `[rows, columns]` fp32 weight symmetrically per column (scale = max|column| / 127). */
export function quantizeColumns(weights: Float32Array, rows: number, columns: number): ColumnQuantized {
  const scales = new Float32Array(columns);
  for (let r = 0; r < rows; r++) {
    const offset = r * columns;
    for (let c = 0; c < columns; c++) scales[c] = Math.max(scales[c]!, Math.abs(weights[offset + c]!));
  }
  for (let c = 0; c < columns; c++) scales[c] = scales[c]! > 0 ? Math.fround(scales[c]! / 127) : 1;
  const values = new Int8Array(weights.length);
  for (let r = 0; r < rows; r++) {
    const offset = r * columns;
    for (let c = 0; c < columns; c++) values[offset + c] = Math.max(-127, Math.min(127, Math.round(weights[offset + c]! / scales[c]!)));
  }
  return { values, scales };
}

/** What {@link quantizePerToken} did. */
export interface PerTokenReport {
  /** MatMuls with a constant 2-D fp32 weight that were rewritten. */
  rewritten: number;
  /** MatMuls left in fp32 (both inputs computed, e.g. attention scores). */
  kept: number;
  /** Embedding lookups (Gather on a large constant table) stored as per-row int8. */
  embeddings: number;
}

/**
 * Rewrites, in place, every MatMul whose weight is a constant 2-D fp32 initializer into per-token symmetric int8:
 * each row (token) of the activation gets its own scale max|row|/127 and is stored as round(x/scale)+128 in uint8
 * (scalar zero point 128), the weight is int8 per column, `MatMulInteger` (U8S8) accumulates exactly in int32, and the
 * result is multiplied by scale x weight scale. A token's output therefore depends only on that token, never on the
 * other texts in the batch or on padding, unlike dynamic per-tensor quantization. Large embedding tables (>= 1,024
 * rows, looked up by Gather) are stored as per-row int8 and dequantized per looked-up row, which keeps the file near
 * a quarter of the fp32 size.
 */
export function quantizePerToken(model: OnnxModel): PerTokenReport {
  const graph = model.graph;
  const opset = defaultOpset(model);
  const initializers = initializerMap(graph);
  const fresh = uniqueNamer(graph);
  const c127 = fresh('senti_q/127');
  const cTiny = fresh('senti_q/tiny');
  const flatOne = fresh('senti_q/flat');
  const zeroPoint = fresh('senti_q/zero_point');
  const axes = fresh('senti_q/axes');
  addInitializers(graph, float32Tensor(c127, [], [127]), float32Tensor(cTiny, [], [1e-30]), int64Tensor(flatOne, [1], [-1]), uint8Tensor(zeroPoint, [], [128]));
  if (opset >= 18) addInitializers(graph, int64Tensor(axes, [1], [-1]));
  const nodes: OnnxNode[] = [];
  const weights = new Map<string, { q: string; scale: string }>();
  let rewritten = 0;
  let kept = 0;
  let embeddings = 0;
  for (const node of graph.node ?? []) {
    const table = node.op_type === 'Gather' && !node.domain ? initializers.get(node.input?.[0] ?? '') : undefined;
    if (isEmbeddingTable(table) && (nodeAxis(node) ?? 0) === 0) {
      for (const lookup of quantizedLookup(node, table, fresh, graph, opset)) nodes.push(lookup);
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
    let quantized = weights.get(weight.name!);
    if (!quantized) {
      const [rows, columns] = weight.dims as [number, number];
      const { values, scales } = quantizeColumns(tensorToFloat32(weight), rows, columns);
      quantized = { q: fresh(`${weight.name}_int8`), scale: fresh(`${weight.name}_scale`) };
      addInitializers(graph, int8Tensor(quantized.q, [rows, columns], values), float32Tensor(quantized.scale, [columns], scales));
      weights.set(weight.name!, quantized);
    }
    const [rows] = weight.dims as [number, number];
    const reduce = opset >= 18
      ? makeNode('ReduceMax', [`${p}/abs`, axes], [`${p}/max`], `${p}/ReduceMax`, [attribute('keepdims', 1)])
      : makeNode('ReduceMax', [`${p}/abs`], [`${p}/max`], `${p}/ReduceMax`, [attribute('axes', [-1]), attribute('keepdims', 1)]);
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
      makeNode('QuantizeLinear', [`${p}/x_flat`, `${p}/scale_flat`, `${p}/zero_points`], [`${p}/q_flat`], `${p}/Quantize`, [attribute('axis', 0)]),
      makeNode('Shape', [x!], [`${p}/x_shape`], `${p}/Shape`),
      makeNode('Reshape', [`${p}/q_flat`, `${p}/x_shape`], [`${p}/x_uint8`], `${p}/Unflatten`),
      makeNode('MatMulInteger', [`${p}/x_uint8`, quantized.q, zeroPoint], [`${p}/int32`], `${p}/MatMulInteger`),
      makeNode('Cast', [`${p}/int32`], [`${p}/float`], `${p}/CastFloat`, [attribute('to', DataType.FLOAT)]),
      makeNode('Mul', [`${p}/scale`, quantized.scale], [`${p}/combined_scale`], `${p}/ScaleMul`),
      makeNode('Mul', [`${p}/float`, `${p}/combined_scale`], [y!], `${p}/Mul`),
    );
  }
  graph.node = nodes;
  pruneInitializers(graph);
  model.metadata_props = [...(model.metadata_props ?? []).filter((entry) => entry.key !== 'senti.quantization'), { key: 'senti.quantization', value: PER_TOKEN_INT8 }];
  return { rewritten, kept, embeddings };
}

/** Lookup tables worth storing in int8: 2-D fp32 with at least 1,024 rows (BERT's word embeddings, not positions). */
function isEmbeddingTable(tensor: OnnxTensor | undefined): tensor is OnnxTensor {
  return tensor !== undefined && tensor.data_type === DataType.FLOAT && tensor.dims?.length === 2 && tensor.dims[0]! >= 1024;
}

function nodeAxis(node: OnnxNode): number | undefined {
  return node.attribute?.find((a) => a.name === 'axis')?.i;
}

/** `Gather(table, ids)` as `Gather(int8 rows, ids) * Gather(row scales, ids)`: per-row symmetric int8, exact per token. */
function quantizedLookup(node: OnnxNode, table: OnnxTensor, fresh: (base: string) => string, graph: OnnxModel['graph'], opset: number): OnnxNode[] {
  const [rows, columns] = table.dims as [number, number];
  const values = tensorToFloat32(table);
  const scales = new Float32Array(rows);
  const q = new Int8Array(values.length);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let c = 0; c < columns; c++) max = Math.max(max, Math.abs(values[r * columns + c]!));
    const scale = max > 0 ? Math.fround(max / 127) : 1;
    scales[r] = scale;
    for (let c = 0; c < columns; c++) q[r * columns + c] = Math.max(-127, Math.min(127, Math.round(values[r * columns + c]! / scale)));
  }
  const p = fresh(`${node.name || node.output![0]}/senti_q`);
  const [qName, sName] = [fresh(`${table.name}_int8`), fresh(`${table.name}_row_scale`)];
  addInitializers(graph, int8Tensor(qName, [rows, columns], q), float32Tensor(sName, [rows], scales));
  const ids = node.input![1]!;
  const unsqueeze = opset >= 13
    ? makeNode('Unsqueeze', [`${p}/scale`, fresh('senti_q/last_axis')], [`${p}/scale3`], `${p}/Unsqueeze`)
    : makeNode('Unsqueeze', [`${p}/scale`], [`${p}/scale3`], `${p}/Unsqueeze`, [attribute('axes', [-1])]);
  if (opset >= 13) addInitializers(graph, int64Tensor(unsqueeze.input![1]!, [1], [-1]));
  return [
    makeNode('Gather', [qName, ids], [`${p}/rows_int8`], `${p}/Gather`),
    makeNode('Cast', [`${p}/rows_int8`], [`${p}/rows`], `${p}/Cast`, [attribute('to', DataType.FLOAT)]),
    makeNode('Gather', [sName, ids], [`${p}/scale`], `${p}/GatherScale`),
    unsqueeze,
    makeNode('Mul', [`${p}/rows`, `${p}/scale3`], [node.output![0]!], `${p}/Mul`),
  ];
}

function isConstantMatrix(tensor: OnnxTensor | undefined): tensor is OnnxTensor {
  return tensor !== undefined && tensor.data_type === DataType.FLOAT && tensor.dims?.length === 2;
}
