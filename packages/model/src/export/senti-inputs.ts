import {
  addInitializers,
  attribute,
  defaultOpset,
  makeNode,
  uniqueNamer,
  int64Tensor,
  type OnnxModel,
  type OnnxNode,
} from '@senti/onnx';

const INPUTS = ['input_ids', 'attention_mask', 'token_type_ids'];

/**
 * Makes the graph see its inputs as senti tokenizes: at most `maxLength` tokens, the last real one `[SEP]`. The
 * inputs are cut to `maxLength` columns and the token at each row's last attention position is set to `sepId`.
 * Texts tokenized untruncated or truncated the Python way ([CLS] ... [SEP]) pass unchanged; transformers.js's
 * truncation, which cuts after adding special tokens and so drops the [SEP], gets it back. Prepended to the graph.
 */
export function normalizeInputs(model: OnnxModel, maxLength: number, sepId: number | undefined): void {
  const graph = model.graph;
  const opset = defaultOpset(model);
  const fresh = uniqueNamer(graph);
  const name = (base: string) => fresh(`senti_inputs/${base}`);
  const present = INPUTS.filter((input) => (graph.input ?? []).some((value) => value.name === input));
  const renamed = new Map(present.map((input) => [input, name(input)]));
  const [starts, ends, axes] = [name('starts'), name('ends'), name('axes')];
  addInitializers(
    graph,
    int64Tensor(starts, [1], [0]),
    int64Tensor(ends, [1], [maxLength]),
    int64Tensor(axes, [1], [1]),
  );
  const nodes: OnnxNode[] = [];
  const cut = new Map<string, string>();
  for (const input of present) {
    const output = sepId !== undefined && input === 'input_ids' ? name('input_ids_cut') : renamed.get(input)!;
    nodes.push(makeNode('Slice', [input, starts, ends, axes], [output], name(`Slice_${input}`)));
    cut.set(input, output);
  }
  if (sepId !== undefined && cut.has('input_ids') && cut.has('attention_mask')) {
    const [shape, length, positions, weighted, last, isLast] = [
      'shape',
      'length',
      'positions',
      'weighted',
      'last',
      'is_last',
    ].map(name) as [string, string, string, string, string, string];
    const [zero, one, index1, sep] = [name('zero'), name('one'), name('index1'), name('sep')];
    addInitializers(
      graph,
      int64Tensor(zero, [], [0]),
      int64Tensor(one, [], [1]),
      int64Tensor(index1, [], [1]),
      int64Tensor(sep, [], [sepId]),
    );
    nodes.push(
      makeNode('Shape', [cut.get('input_ids')!], [shape], name('Shape')),
      makeNode('Gather', [shape, index1], [length], name('Gather'), [attribute('axis', 0)]),
      makeNode('Range', [zero, length, one], [positions], name('Range')),
      makeNode('Mul', [cut.get('attention_mask')!, positions], [weighted], name('Mul')),
      opset >= 18
        ? makeNode('ReduceMax', [weighted, axes], [last], name('ReduceMax'), [attribute('keepdims', 1)])
        : makeNode('ReduceMax', [weighted], [last], name('ReduceMax'), [
            attribute('axes', [1]),
            attribute('keepdims', 1),
          ]),
      makeNode('Equal', [positions, last], [isLast], name('Equal')),
      makeNode('Where', [isLast, sep, cut.get('input_ids')!], [renamed.get('input_ids')!], name('Where')),
    );
  }
  for (const node of graph.node ?? []) node.input = (node.input ?? []).map((input) => renamed.get(input) ?? input);
  graph.node = [...nodes, ...(graph.node ?? [])];
}
