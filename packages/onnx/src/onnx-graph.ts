import { ModelError } from '@senti/errors';
import {
  AttributeType,
  type OnnxAttribute,
  type OnnxDimension,
  type OnnxGraph,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from './onnx-types.js';

/** The initializer with this name, or undefined. */
export function findInitializer(graph: OnnxGraph, name: string): OnnxTensor | undefined {
  return graph.initializer?.find((tensor) => tensor.name === name);
}

/** A map of every initializer by name. */
export function initializerMap(graph: OnnxGraph): Map<string, OnnxTensor> {
  return new Map((graph.initializer ?? []).map((tensor) => [tensor.name ?? '', tensor]));
}

/** Appends initializers to the graph. */
export function addInitializers(graph: OnnxGraph, ...tensors: OnnxTensor[]): void {
  const list = (graph.initializer ??= []);
  for (const tensor of tensors) list.push(tensor);
}

/** Appends nodes to the graph (callers keep topological order). */
export function addNodes(graph: OnnxGraph, ...nodes: OnnxNode[]): void {
  const list = (graph.node ??= []);
  for (const node of nodes) list.push(node);
}

/** Removes initializers no node input or graph output refers to any more. */
export function pruneInitializers(graph: OnnxGraph): void {
  const used = new Set<string>();
  const visit = (g: OnnxGraph): void => {
    for (const node of g.node ?? []) {
      for (const input of node.input ?? []) used.add(input);
      for (const attribute of node.attribute ?? []) if (attribute.g) visit(attribute.g);
    }
    for (const output of g.output ?? []) used.add(output.name ?? '');
  };
  visit(graph);
  graph.initializer = (graph.initializer ?? []).filter((tensor) => used.has(tensor.name ?? ''));
}

/** A tensor value description; `dims` entries are sizes or symbolic names. */
export function tensorValueInfo(name: string, elemType: number, dims: readonly (number | string)[]): OnnxValueInfo {
  const dim: OnnxDimension[] = dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d }));
  return { name, type: { tensor_type: { elem_type: elemType, shape: { dim } } } };
}

/** Declares an existing value as a graph output (no-op when it already is one). */
export function addGraphOutput(
  graph: OnnxGraph,
  name: string,
  elemType: number,
  dims: readonly (number | string)[],
): void {
  if ((graph.output ?? []).some((output) => output.name === name)) return;
  (graph.output ??= []).push(tensorValueInfo(name, elemType, dims));
}

/** A node attribute from a JS value: number (int unless `float`), number[] (ints unless `floats`), string or tensor. */
export function attribute(
  name: string,
  value: number | readonly number[] | string | OnnxTensor,
  kind?: 'float' | 'floats',
): OnnxAttribute {
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: Buffer.from(value) };
  if (typeof value === 'number')
    return kind === 'float'
      ? { name, type: AttributeType.FLOAT, f: value }
      : { name, type: AttributeType.INT, i: value };
  if (Array.isArray(value))
    return kind === 'floats'
      ? { name, type: AttributeType.FLOATS, floats: [...value] }
      : { name, type: AttributeType.INTS, ints: [...value] };
  return { name, type: AttributeType.TENSOR, t: value as OnnxTensor };
}

/** ONNX Runtime's operator domain: its contrib operators (`MatMulIntegerToFloat`, `FusedMatMul`) in graphs senti writes. */
export const MS_DOMAIN = 'com.microsoft';

/** A node; `attributes` are built with {@link attribute}. */
export function makeNode(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  name: string,
  attributes: OnnxAttribute[] = [],
  domain?: string,
): OnnxNode {
  return {
    op_type: opType,
    input: [...inputs],
    output: [...outputs],
    name,
    ...(attributes.length ? { attribute: attributes } : {}),
    ...(domain ? { domain } : {}),
  };
}

/** The attribute of a node by name, or undefined. */
export function nodeAttribute(node: OnnxNode, name: string): OnnxAttribute | undefined {
  return node.attribute?.find((a) => a.name === name);
}

/** The model's default-domain opset version. */
export function defaultOpset(model: OnnxModel): number {
  const entry = (model.opset_import ?? []).find((opset) => !opset.domain || opset.domain === 'ai.onnx');
  if (!entry?.version)
    throw new ModelError('MODEL_ONNX_UNREADABLE', 'the ONNX model imports no default-domain opset', 'input');
  return entry.version;
}

/** A name not yet used by any value, node or initializer in the graph, built from `base`. */
export function uniqueNamer(graph: OnnxGraph): (base: string) => string {
  const taken = new Set<string>();
  for (const node of graph.node ?? []) {
    for (const name of [...(node.input ?? []), ...(node.output ?? []), node.name ?? '']) taken.add(name);
  }
  for (const tensor of graph.initializer ?? []) taken.add(tensor.name ?? '');
  for (const value of [...(graph.input ?? []), ...(graph.output ?? [])]) taken.add(value.name ?? '');
  return (base) => {
    let name = base;
    for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    return name;
  };
}

/** Drops nodes whose outputs reach no graph output, then the initializers only they used. */
export function pruneDeadNodes(model: OnnxModel): void {
  const graph = model.graph;
  const needed = new Set((graph.output ?? []).map((output) => output.name ?? ''));
  const kept: OnnxNode[] = [];
  for (const node of [...(graph.node ?? [])].reverse()) {
    if (!(node.output ?? []).some((output) => needed.has(output))) continue;
    kept.push(node);
    for (const input of node.input ?? []) needed.add(input);
    for (const attr of node.attribute ?? [])
      if (attr.g) for (const inner of attr.g.node ?? []) for (const input of inner.input ?? []) needed.add(input);
  }
  graph.node = kept.reverse();
  pruneInitializers(graph);
  graph.value_info = (graph.value_info ?? []).filter((info) => needed.has(info.name ?? ''));
}
