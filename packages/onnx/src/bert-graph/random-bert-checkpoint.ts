import { createRandom } from '@senti/base';
import type { NamedTensor } from '../safetensors.js';

/** The shape of a {@link randomBertCheckpoint}. */
export interface RandomBertShape {
  vocab: number;
  hidden: number;
  heads: number;
  layers: number;
  intermediate: number;
}

/**
 * A seeded random `BertModel` checkpoint (canonical names, torch layout; weights and biases uniform in +-0.05, LayerNorm
 * 1 and 0) and its config.json, for tests and benchmarks. Unlike tiny-bert's (Hugging Face initialises biases to 0) its
 * biases are not zero, so graphs built from it show what happens to biases.
 */
export function randomBertCheckpoint(
  seed: number,
  shape: RandomBertShape = { vocab: 2000, hidden: 64, heads: 2, layers: 2, intermediate: 256 },
): { tensors: Map<string, NamedTensor>; config: Record<string, unknown> } {
  const random = createRandom(seed);
  const { vocab, hidden: h, layers, intermediate: m } = shape;
  const tensors = new Map<string, NamedTensor>();
  const add = (name: string, dims: number[], fill?: number) => {
    const values = new Float32Array(dims.reduce((a, b) => a * b, 1));
    if (fill === undefined) for (let i = 0; i < values.length; i++) values[i] = (random() - 0.5) * 0.1;
    else values.fill(fill);
    tensors.set(name, { shape: dims, values });
  };
  add('embeddings.word_embeddings.weight', [vocab, h]);
  add('embeddings.position_embeddings.weight', [512, h]);
  add('embeddings.token_type_embeddings.weight', [2, h]);
  add('embeddings.LayerNorm.weight', [h], 1);
  add('embeddings.LayerNorm.bias', [h], 0);
  for (let layer = 0; layer < layers; layer++) {
    const p = `encoder.layer.${layer}`;
    for (const part of [
      'attention.self.query',
      'attention.self.key',
      'attention.self.value',
      'attention.output.dense',
    ]) {
      add(`${p}.${part}.weight`, [h, h]);
      add(`${p}.${part}.bias`, [h]);
    }
    add(`${p}.intermediate.dense.weight`, [m, h]);
    add(`${p}.intermediate.dense.bias`, [m]);
    add(`${p}.output.dense.weight`, [h, m]);
    add(`${p}.output.dense.bias`, [h]);
    for (const norm of ['attention.output.LayerNorm', 'output.LayerNorm']) {
      add(`${p}.${norm}.weight`, [h], 1);
      add(`${p}.${norm}.bias`, [h], 0);
    }
  }
  add('pooler.dense.weight', [h, h]);
  add('pooler.dense.bias', [h]);
  const config = {
    model_type: 'bert',
    vocab_size: vocab,
    hidden_size: h,
    num_hidden_layers: layers,
    num_attention_heads: shape.heads,
    intermediate_size: m,
    max_position_embeddings: 512,
    type_vocab_size: 2,
    hidden_act: 'gelu',
    layer_norm_eps: 1e-12,
  };
  return { tensors, config };
}
