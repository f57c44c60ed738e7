import { addInitializers, makeNode } from '../onnx-graph.js';
import { float32Tensor, int64Tensor } from '../onnx-tensor.js';
import type { OnnxAttribute, OnnxGraph, OnnxTensor } from '../onnx-types.js';

/** Appends nodes and initializers to a graph being written from scratch: one output per node, named by its scope. */
export class GraphWriter {
  private readonly constants = new Map<string, string>();
  private readonly counts = new Map<string, number>();

  constructor(readonly graph: OnnxGraph) {}

  /** Adds a node `op` under `scope` (e.g. `/encoder/layer.0/attention`) and returns its output's name. */
  node(
    op: string,
    inputs: readonly string[],
    scope: string,
    attributes: OnnxAttribute[] = [],
    output?: string,
    domain?: string,
  ): string {
    const base = `${scope}/${op}`;
    const count = this.counts.get(base) ?? 0;
    this.counts.set(base, count + 1);
    const name = count === 0 ? base : `${base}_${count}`;
    const out = output ?? `${name}_output_0`;
    (this.graph.node ??= []).push(makeNode(op, inputs, [out], name, attributes, domain));
    return out;
  }

  /** Adds a weight initializer (its name is the tensor's) and returns the name. */
  weight(tensor: OnnxTensor): string {
    addInitializers(this.graph, tensor);
    return tensor.name!;
  }

  /** A shared fp32 constant (scalar unless `dims` say otherwise). */
  float(values: readonly number[], dims: readonly number[] = []): string {
    return this.constant('float', values, dims, (name) => float32Tensor(name, dims, values));
  }

  /** A shared int64 constant (1-D unless `dims` say otherwise). */
  int64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.constant('int64', values, dims, (name) => int64Tensor(name, dims, values));
  }

  private constant(
    kind: string,
    values: readonly number[],
    dims: readonly number[],
    make: (name: string) => OnnxTensor,
  ): string {
    const key = `${kind}[${dims.join(',')}]:${values.map((value) => (Object.is(value, -0) ? '-0' : String(value))).join(',')}`;
    let name = this.constants.get(key);
    if (name === undefined) {
      name = `/constants/${kind}_${this.constants.size}`;
      this.constants.set(key, name);
      addInitializers(this.graph, make(name));
    }
    return name;
  }
}
