import { attribute, MS_DOMAIN } from '../onnx-graph.js';
import type { BertGraphConfig } from './bert-graph-config.js';
import { dense, gelu, layerNorm } from './bert-graph-parts.js';
import type { BertWeights } from './bert-weights.js';
import type { GraphWriter } from './graph-writer.js';

/** One BERT layer's inputs. */
export interface LayerInputs {
  /** Hidden states `[batch, sequence, hidden]` from the layer below. */
  hidden: string;
  /** The additive mask `[batch, 1, 1, sequence]`. */
  mask: string;
  /**
   * Compute the output for position 0 ([CLS]) only: keys and values still cover every token, but the query, the
   * attention output, the residuals, the LayerNorms and the feed-forward run on `hidden[:, 0:1, :]`; the output is
   * then `[batch, 1, hidden]`, bit-identical to the full layer's row 0 in ONNX Runtime on the CPU.
   */
  clsOnly: boolean;
  /** Name of the layer's output value (a graph output for the last layer); generated when absent. */
  output?: string;
}

/**
 * Encoder layer `index` (Hugging Face `BertLayer`, eval mode): self-attention (Q/K/V dense, heads, scores scaled by
 * 1/sqrt(head size) plus the mask, softmax, context; the scores as ONNX Runtime's `FusedMatMul`), output dense + residual + LayerNorm, then intermediate dense +
 * exact GELU + output dense + residual + LayerNorm. Every op is per text (no reduction across the batch).
 */
export function bertLayer(
  writer: GraphWriter,
  weights: BertWeights,
  config: BertGraphConfig,
  index: number,
  inputs: LayerInputs,
): string {
  const prefix = `encoder.layer.${index}`;
  const scope = `/encoder/layer.${index}`;
  const headSize = config.hiddenSize / config.numAttentionHeads;
  const { hidden, mask } = inputs;
  // The rows that get an output: all of them, or [CLS] alone.
  const rows = inputs.clsOnly
    ? writer.node('Slice', [hidden, writer.int64([0]), writer.int64([1]), writer.int64([1])], `${scope}/cls`)
    : hidden;
  const self = `${scope}/attention/self`;
  const heads = writer.int64([0, 0, config.numAttentionHeads, headSize]);
  const split = (x: string, perm: number[], part: string): string => {
    const reshaped = writer.node('Reshape', [x, heads], `${self}/${part}`);
    return writer.node('Transpose', [reshaped], `${self}/${part}`, [attribute('perm', perm)]);
  };
  const query = dense(writer, weights, `${prefix}.attention.self.query`, rows, `${self}/query`);
  const queryHeads = split(query, [0, 2, 1, 3], 'query'); // [batch, heads, rows, headSize]
  // A one-row query would take ONNX Runtime's (MLAS) one-row MatMul kernel, which sums in another order than the
  // full layer's: [CLS] then differs by an ulp or two. As two equal rows it takes the same kernel, bit for bit.
  const q = inputs.clsOnly
    ? writer.node('Concat', [queryHeads, queryHeads], `${self}/query`, [attribute('axis', 2)])
    : queryHeads;
  const k = split(dense(writer, weights, `${prefix}.attention.self.key`, hidden, `${self}/key`), [0, 2, 1, 3], 'key'); // [batch, heads, sequence, headSize]
  const v = split(
    dense(writer, weights, `${prefix}.attention.self.value`, hidden, `${self}/value`),
    [0, 2, 1, 3],
    'value',
  ); // [batch, heads, sequence, headSize]
  // q·kᵀ / sqrt(head size) as ONNX Runtime's FusedMatMul: the GEMM reads the keys transposed in place, where a
  // Transpose to [batch, heads, headSize, sequence] cost a strided copy of every key; the scale is a power of two
  // (1/8 for BERT-base), so scaling the product instead of the query gives the same bits.
  const scores = writer.node(
    'FusedMatMul',
    [q, k],
    `${self}/scores`,
    [attribute('transB', 1), attribute('alpha', 1 / Math.sqrt(headSize), 'float')],
    undefined,
    MS_DOMAIN,
  );
  const masked = writer.node('Add', [scores, mask], `${self}/scores`);
  const probabilities = writer.node('Softmax', [masked], `${self}/probabilities`, [attribute('axis', -1)]);
  const contexts = writer.node('MatMul', [probabilities, v], `${self}/context`);
  const context = inputs.clsOnly
    ? writer.node('Slice', [contexts, writer.int64([0]), writer.int64([1]), writer.int64([2])], `${self}/context`)
    : contexts;
  const merged = writer.node('Transpose', [context], `${self}/context`, [attribute('perm', [0, 2, 1, 3])]);
  const flat = writer.node('Reshape', [merged, writer.int64([0, 0, config.hiddenSize])], `${self}/context`);

  const attentionOut = dense(
    writer,
    weights,
    `${prefix}.attention.output.dense`,
    flat,
    `${scope}/attention/output/dense`,
  );
  const attentionSum = writer.node('Add', [attentionOut, rows], `${scope}/attention/output`);
  const attention = layerNorm(
    writer,
    weights,
    `${prefix}.attention.output.LayerNorm`,
    attentionSum,
    config,
    `${scope}/attention/output/LayerNorm`,
  );

  const intermediate = dense(writer, weights, `${prefix}.intermediate.dense`, attention, `${scope}/intermediate/dense`);
  const activated = gelu(writer, intermediate, `${scope}/intermediate/gelu`);
  const output = dense(writer, weights, `${prefix}.output.dense`, activated, `${scope}/output/dense`);
  const outputSum = writer.node('Add', [output, attention], `${scope}/output`);
  return layerNorm(
    writer,
    weights,
    `${prefix}.output.LayerNorm`,
    outputSum,
    config,
    `${scope}/output/LayerNorm`,
    inputs.output,
  );
}
