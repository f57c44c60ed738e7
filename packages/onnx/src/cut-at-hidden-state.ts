import { ModelError } from '@senti/errors';
import { makeNode, pruneDeadNodes, tensorValueInfo, uniqueNamer } from './onnx-graph.js';
import { DataType, type OnnxGraph, type OnnxModel, type OnnxNode } from './onnx-types.js';

/** Output name senti's encoders give the token states, as a `BertModel` export names them. */
export const LAST_HIDDEN_STATE = 'last_hidden_state';

const MATMUL_OPS = new Set(['MatMul', 'MatMulInteger', 'Gemm', 'FusedMatMul', 'MatMulNBits']);
// Ops that only quantize an activation in front of an integer MatMul; the value before them is the real input.
const QUANTIZE_OPS = new Set(['DynamicQuantizeLinear', 'QuantizeLinear', 'Cast']);

/**
 * Turns a masked-LM export (one output, `logits` `[batch, sequence, vocab]`, as in `Xenova/bert-base-uncased`) into
 * an encoder, in place: the graph's only output becomes the encoder's last hidden state, and the masked-LM head
 * (dense, GELU, LayerNorm, decoder over the vocabulary: about a quarter of BERT-base's work per token) is removed.
 *
 * The head of BERT, DistilBERT and RoBERTa alike is two matrix products deep, so the hidden state is found by walking
 * back from `logits` along the computed (non-constant) inputs to the second matrix product and taking its activation
 * input (before any dynamic quantization, so fp32 and q8 exports cut at the same value). Names are not relied on.
 */
export function cutAtLastHiddenState(model: OnnxModel, file: string): void {
  const graph = model.graph as OnnxGraph;
  const outputs = graph.output ?? [];
  if (outputs.some((output) => output.name === LAST_HIDDEN_STATE)) return;
  const logits = outputs.find((output) => output.name === 'logits');
  const bad = (why: string) =>
    new ModelError(
      'MODEL_UNSUPPORTED_LAYOUT',
      `${file}: cannot find the encoder's hidden state in this graph (${why}); senti reads exports whose outputs are last_hidden_state, or a masked-LM export whose only output is logits`,
      'input',
    );
  if (!logits) throw bad(`its outputs are ${outputs.map((output) => output.name).join(', ') || 'none'}`);
  const producer = new Map<string, OnnxNode>();
  for (const node of graph.node ?? []) for (const output of node.output ?? []) producer.set(output, node);
  const computed = computedValues(graph);
  const dataInput = (node: OnnxNode): string | undefined => (node.input ?? []).find((input) => computed.has(input));
  let value: string | undefined = 'logits';
  let matmuls = 0;
  for (let hops = 0; value !== undefined && hops < 64; hops++) {
    const node = producer.get(value);
    if (!node) throw bad(`${value} has no producing node`);
    if (MATMUL_OPS.has(node.op_type ?? '')) {
      matmuls++;
      if (matmuls === 2) {
        let input = dataInput(node);
        for (
          let source = input && producer.get(input);
          source && QUANTIZE_OPS.has(source.op_type ?? '');
          source = input && producer.get(input)
        )
          input = dataInput(source);
        if (!input) throw bad('the head has no computed input');
        rewire(model, input, logits.type?.tensor_type?.elem_type ?? DataType.FLOAT);
        return;
      }
    }
    value = dataInput(node);
  }
  throw bad('no two matrix products between the logits and the inputs');
}

function rewire(model: OnnxModel, hiddenState: string, elemType: number): void {
  const graph = model.graph as OnnxGraph;
  const fresh = uniqueNamer(graph);
  graph.node = [
    ...(graph.node ?? []),
    makeNode('Identity', [hiddenState], [LAST_HIDDEN_STATE], fresh('senti_cut/Identity')),
  ];
  graph.output = [tensorValueInfo(LAST_HIDDEN_STATE, elemType, ['batch_size', 'sequence_length', 'hidden_size'])];
  pruneDeadNodes(model);
}

// Values that depend on a graph input (in topological order, as ONNX stores nodes).
function computedValues(graph: OnnxGraph): Set<string> {
  const initializers = new Set((graph.initializer ?? []).map((tensor) => tensor.name ?? ''));
  const computed = new Set(
    (graph.input ?? []).map((input) => input.name ?? '').filter((name) => !initializers.has(name)),
  );
  for (const node of graph.node ?? []) {
    if ((node.input ?? []).some((input) => computed.has(input)))
      for (const output of node.output ?? []) computed.add(output);
  }
  return computed;
}
