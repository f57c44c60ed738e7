import {
  addInitializers,
  attribute,
  defaultOpset,
  initializerMap,
  makeNode,
  MS_DOMAIN,
  pruneInitializers,
  uniqueNamer,
} from './onnx-graph.js';
import { float32Bytes, float32Tensor, int64Tensor, int8Tensor, uint8Tensor } from './onnx-tensor.js';
import { quantizeMatrices, quantizeMatrix, type QuantizedMatrix, type QuantizeJob } from './parallel-quantize.js';
import { DataType, type OnnxModel, type OnnxNode, type OnnxTensor } from './onnx-types.js';

/** Value of the `metadata_props` key `senti.quantization` on graphs this module writes. */
export const PER_TOKEN_INT8 = 'per-token-symmetric-int8/v5';

/** Weights of a MatMul quantized per output column: `W ~= q[k, n] * scale[n]`, q in [-127, 127]. */
export interface ColumnQuantized {
  values: Int8Array;
  scales: Float32Array;
}

/** Quantizes a row-major `[rows, columns]` fp32 weight symmetrically per column (scale = max|column| / 127). */
export function quantizeColumns(weights: Float32Array, rows: number, columns: number): ColumnQuantized {
  return quantizeMatrix({
    kind: 'columns',
    bytes: new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength),
    rows,
    columns,
  });
}

/** What {@link quantizePerToken} did. */
export interface PerTokenReport {
  /** MatMuls with a constant 2-D fp32 weight that were rewritten. */
  rewritten: number;
  /** MatMuls left in fp32 (both inputs computed, e.g. attention probabilities x values). */
  kept: number;
  /** Embedding lookups (Gather on a large constant table) stored as per-row int8. */
  embeddings: number;
}

/**
 * Rewrites, in place, every MatMul whose weight is a constant 2-D fp32 initializer into per-token symmetric int8:
 * each row (token) of the activation gets its own scale max|row|/127 and is stored as round(x/scale)+128 in uint8
 * (scalar zero point 128), the weight is int8 per column, the integer GEMM (U8S8) accumulates exactly in int32, and the
 * result is multiplied by the weight's column scales, then by the token's scale (ONNX Runtime's `MatMulIntegerToFloat`
 * does all of it in one kernel). A token's output therefore depends only on that token, never on the
 * other texts in the batch or on padding, unlike dynamic per-tensor quantization. Large embedding tables (>= 1,024
 * rows, looked up by Gather) are stored as per-row int8 and dequantized per looked-up row, which keeps the file near
 * a quarter of the fp32 size. `quantized` holds matrices already quantized (by {@link quantizePerTokenParallel}),
 * keyed by {@link targetKey}; the others are quantized here.
 */
export function quantizePerToken(
  model: OnnxModel,
  quantized: ReadonlyMap<string, QuantizedMatrix> = new Map(),
  options: PerTokenOptions = {},
): PerTokenReport {
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
  const weightOf = (node: OnnxNode): OnnxTensor | undefined => {
    const weight = node.op_type === 'MatMul' && !node.domain ? initializers.get(node.input?.[1] ?? '') : undefined;
    return isConstantMatrix(weight) ? weight : undefined;
  };
  // MatMuls that read the same activation (a layer's query, key and value) become one integer GEMM on one quantized
  // copy of it; the integer products and the per-row, per-column scales are those of separate MatMuls, bit for bit.
  const groupOf = new Map<OnnxNode, OnnxNode[]>();
  if (options.pack !== false) {
    const groups = new Map<string, OnnxNode[]>();
    for (const node of graph.node ?? []) {
      const weight = weightOf(node);
      if (!weight) continue;
      const key = `${node.input![0]}\u0000${weight.dims![0]}`;
      groups.set(key, [...(groups.get(key) ?? []), node]);
    }
    for (const members of groups.values()) for (const member of members) groupOf.set(member, members);
  }
  const quantizedWeight = (weight: OnnxTensor): QuantizedMatrix =>
    quantized.get(targetKey('columns', weight)) ?? quantizeHere('columns', weight);
  const activations = new Map<string, { uint8: string; scale: string }>();
  const nodes: OnnxNode[] = [];
  const done = new Set<OnnxNode>();
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
    if (done.has(node)) continue;
    const weight = weightOf(node);
    if (!weight) {
      if (node.op_type === 'MatMul') kept++;
      nodes.push(node);
      continue;
    }
    const members = groupOf.get(node) ?? [node];
    for (const member of members) done.add(member);
    rewritten += members.length;
    const x = node.input![0]!;
    const [rows] = weight.dims as [number, number];
    let activation = activations.get(x);
    if (!activation) {
      const p = fresh(`${node.name || node.output![0]}/senti_q`);
      activation = { uint8: `${p}/x_uint8`, scale: `${p}/scale` };
      activations.set(x, activation);
      const reduce = (op: 'ReduceMax' | 'ReduceMin', output: string) =>
        opset >= 18
          ? makeNode(op, [x, axes], [output], `${p}/${op}`, [attribute('keepdims', 1)])
          : makeNode(op, [x], [output], `${p}/${op}`, [attribute('axes', [-1]), attribute('keepdims', 1)]);
      const flatShape = fresh(`${p}/flat_shape`);
      addInitializers(graph, int64Tensor(flatShape, [2], [-1, rows]));
      nodes.push(
        // scale per token: max|row| / 127, kept [..., 1] for the output and flattened [tokens] for QuantizeLinear.
        // max|row| as max(max(row), -min(row)): two reads of the row and no |x| copy of the activation, same value.
        reduce('ReduceMax', `${p}/row_max`),
        reduce('ReduceMin', `${p}/row_min`),
        makeNode('Neg', [`${p}/row_min`], [`${p}/row_min_negated`], `${p}/Neg`),
        makeNode('Max', [`${p}/row_max`, `${p}/row_min_negated`], [`${p}/max`], `${p}/AbsMax`),
        makeNode('Div', [`${p}/max`, c127], [`${p}/scale_raw`], `${p}/ScaleDiv`),
        makeNode('Max', [`${p}/scale_raw`, cTiny], [activation.scale], `${p}/ScaleMax`),
        makeNode('Reshape', [activation.scale, flatOne], [`${p}/scale_flat`], `${p}/ScaleFlat`),
        makeNode('Shape', [`${p}/scale_flat`], [`${p}/tokens`], `${p}/Tokens`),
        makeNode('Expand', [zeroPoint, `${p}/tokens`], [`${p}/zero_points`], `${p}/ZeroPoints`),
        // round(x / scale) + 128 as uint8, one row (token) per scale.
        makeNode('Reshape', [x, flatShape], [`${p}/x_flat`], `${p}/Flatten`),
        makeNode(
          'QuantizeLinear',
          [`${p}/x_flat`, `${p}/scale_flat`, `${p}/zero_points`],
          [`${p}/q_flat`],
          `${p}/Quantize`,
          [attribute('axis', 0)],
        ),
        makeNode('Shape', [x], [`${p}/x_shape`], `${p}/Shape`),
        makeNode('Reshape', [`${p}/q_flat`, `${p}/x_shape`], [activation.uint8], `${p}/Unflatten`),
      );
    }
    const matrices = members.map((member) => ({
      member,
      weight: weightOf(member)!,
      q: quantizedWeight(weightOf(member)!),
    }));
    const columns = matrices.map(({ weight: w }) => w.dims![1]!);
    const total = columns.reduce((a, b) => a + b, 0);
    const packed = packColumns(
      matrices.map(({ q }) => q),
      rows,
      columns,
    );
    const p = fresh(`${node.name || node.output![0]}/senti_q${members.length > 1 ? '_packed' : ''}`);
    const names = {
      q: fresh(`${members.length > 1 ? `${p}/weight` : weight.name}_int8`),
      scale: fresh(`${members.length > 1 ? `${p}/weight` : weight.name}_scale`),
    };
    addInitializers(
      graph,
      int8Tensor(names.q, [rows, total], packed.values),
      float32Tensor(names.scale, [total], packed.scales),
    );
    const product = members.length > 1 ? `${p}/packed` : node.output![0]!;
    if (options.fuseScales !== false) {
      // One kernel: the column scales are applied as the GEMM writes its output (while it is in cache), then the
      // token's scale, in the order of the three-node form below, bit for bit. No bias input: this kernel would scale
      // a bias by the token's scale too, so the checkpoint's bias stays the graph's own Add.
      nodes.push(
        makeNode(
          'MatMulIntegerToFloat',
          [activation.uint8, names.q, activation.scale, names.scale, zeroPoint],
          [product],
          `${p}/MatMulIntegerToFloat`,
          [],
          MS_DOMAIN,
        ),
      );
    } else {
      // The weight's column scales first, then the token's: not Mul(x, token scale x column scale), the pattern ONNX
      // Runtime fuses into MatMulIntegerToFloat with the following bias (scaled by the token's scale too).
      nodes.push(
        makeNode('MatMulInteger', [activation.uint8, names.q, zeroPoint], [`${p}/int32`], `${p}/MatMulInteger`),
        makeNode('Cast', [`${p}/int32`], [`${p}/float`], `${p}/CastFloat`, [attribute('to', DataType.FLOAT)]),
        makeNode('Mul', [`${p}/float`, names.scale], [`${p}/columns`], `${p}/ColumnScale`),
        makeNode('Mul', [`${p}/columns`, activation.scale], [product], `${p}/TokenScale`),
      );
    }
    if (members.length > 1) {
      const sizes = fresh(`${p}/split_sizes`);
      addInitializers(graph, int64Tensor(sizes, [columns.length], columns));
      const outputs = members.map((member) => member.output![0]!);
      nodes.push(
        opset >= 13
          ? makeNode('Split', [product, sizes], outputs, `${p}/Split`, [attribute('axis', -1)])
          : makeNode('Split', [product], outputs, `${p}/Split`, [attribute('axis', -1), attribute('split', columns)]),
      );
    }
  }
  graph.node = nodes;
  pruneInitializers(graph);
  if (
    rewritten > 0 &&
    options.fuseScales !== false &&
    !(model.opset_import ?? []).some((entry) => entry.domain === MS_DOMAIN)
  ) {
    model.opset_import = [...(model.opset_import ?? []), { domain: MS_DOMAIN, version: 1 }];
  }
  model.metadata_props = [
    ...(model.metadata_props ?? []).filter((entry) => entry.key !== 'senti.quantization'),
    { key: 'senti.quantization', value: PER_TOKEN_INT8 },
  ];
  return { rewritten, kept, embeddings };
}

/** Options of {@link quantizePerToken}. */
export interface PerTokenOptions {
  /** Pack MatMuls that read the same activation into one integer GEMM (default true; false is for comparison). */
  pack?: boolean;
  /**
   * Scale the integer GEMM's output in ONNX Runtime's `MatMulIntegerToFloat` (com.microsoft) instead of
   * `MatMulInteger` + `Cast` + two `Mul`s: the same bits, two fewer passes over every GEMM output (default true;
   * false is for comparison).
   */
  fuseScales?: boolean;
}

// Per-column int8 matrices [rows, columns_i] side by side as one [rows, sum columns_i] matrix, scales concatenated.
function packColumns(parts: readonly QuantizedMatrix[], rows: number, columns: readonly number[]): QuantizedMatrix {
  if (parts.length === 1) return parts[0]!;
  const total = columns.reduce((a, b) => a + b, 0);
  const values = new Int8Array(rows * total);
  const scales = new Float32Array(total);
  let offset = 0;
  parts.forEach((part, index) => {
    const width = columns[index]!;
    for (let row = 0; row < rows; row++)
      values.set(part.values.subarray(row * width, (row + 1) * width), row * total + offset);
    scales.set(part.scales, offset);
    offset += width;
  });
  return { values, scales };
}

/** Key of a matrix in the `quantized` map of {@link quantizePerToken}: how it is quantized and the initializer's name. */
export function targetKey(kind: QuantizeJob['kind'], tensor: OnnxTensor): string {
  return `${kind}:${tensor.name ?? ''}`;
}

/**
 * The fp32 matrices {@link quantizePerToken} will quantize, each once: MatMul weights per column, embedding tables
 * per row (the same selection as the rewrite).
 */
export function perTokenTargets(model: OnnxModel): { key: string; job: QuantizeJob }[] {
  const initializers = initializerMap(model.graph);
  const targets = new Map<string, QuantizeJob>();
  for (const node of model.graph.node ?? []) {
    const table = node.op_type === 'Gather' && !node.domain ? initializers.get(node.input?.[0] ?? '') : undefined;
    if (isEmbeddingTable(table) && (nodeAxis(node) ?? 0) === 0) {
      targets.set(targetKey('rows', table), jobFor('rows', table));
      continue;
    }
    const weight = node.op_type === 'MatMul' && !node.domain ? initializers.get(node.input?.[1] ?? '') : undefined;
    if (isConstantMatrix(weight)) targets.set(targetKey('columns', weight), jobFor('columns', weight));
  }
  return [...targets].map(([key, job]) => ({ key, job }));
}

/**
 * {@link quantizePerToken} with the weights quantized in worker threads first (`options` as `quantizeMatrices`'s, plus
 * {@link PerTokenOptions}) (when the model's bytes are
 * in a SharedArrayBuffer, as `readFileShared` reads them; else in this thread). Same graph, same bytes.
 */
export async function quantizePerTokenParallel(
  model: OnnxModel,
  options: { threads?: number; minElements?: number } & PerTokenOptions = {},
): Promise<PerTokenReport> {
  const targets = perTokenTargets(model);
  const { pack, fuseScales, ...parallel } = options;
  const results = await quantizeMatrices(
    targets.map((target) => target.job),
    parallel,
  );
  return quantizePerToken(model, new Map(targets.map((target, index) => [target.key, results[index]!])), {
    pack,
    fuseScales,
  });
}

function jobFor(kind: QuantizeJob['kind'], tensor: OnnxTensor): QuantizeJob {
  const [rows, columns] = tensor.dims as [number, number];
  return { kind, bytes: float32Bytes(tensor), rows, columns };
}

/** Shared with the scheme-v2 rebuild (per-token-int8-v2.ts). */
export function quantizeHere(kind: QuantizeJob['kind'], tensor: OnnxTensor): QuantizedMatrix {
  return quantizeMatrix(jobFor(kind, tensor));
}

/** Lookup tables worth storing in int8: 2-D fp32 with at least 1,024 rows (BERT's word embeddings, not positions). */
/** Shared with the scheme-v2 rebuild (per-token-int8-v2.ts). */
export function isEmbeddingTable(tensor: OnnxTensor | undefined): tensor is OnnxTensor {
  return (
    tensor !== undefined && tensor.data_type === DataType.FLOAT && tensor.dims?.length === 2 && tensor.dims[0]! >= 1024
  );
}

/** Shared with the scheme-v2 rebuild (per-token-int8-v2.ts). */
export function nodeAxis(node: OnnxNode): number | undefined {
  return node.attribute?.find((a) => a.name === 'axis')?.i;
}

/** `Gather(table, ids)` as `Gather(int8 rows, ids) * Gather(row scales, ids)`: per-row symmetric int8, exact per token. */
/** Shared with the scheme-v2 rebuild (per-token-int8-v2.ts). */
export function quantizedLookup(
  node: OnnxNode,
  table: OnnxTensor,
  { values: q, scales }: QuantizedMatrix,
  fresh: (base: string) => string,
  graph: OnnxModel['graph'],
  opset: number,
): OnnxNode[] {
  const [rows, columns] = table.dims as [number, number];
  const p = fresh(`${node.name || node.output![0]}/senti_q`);
  const [qName, sName] = [fresh(`${table.name}_int8`), fresh(`${table.name}_row_scale`)];
  addInitializers(graph, int8Tensor(qName, [rows, columns], q), float32Tensor(sName, [rows], scales));
  const ids = node.input![1]!;
  const unsqueeze =
    opset >= 13
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

/** Shared with the scheme-v2 rebuild (per-token-int8-v2.ts). */
export function isConstantMatrix(tensor: OnnxTensor | undefined): tensor is OnnxTensor {
  return tensor !== undefined && tensor.data_type === DataType.FLOAT && tensor.dims?.length === 2;
}
