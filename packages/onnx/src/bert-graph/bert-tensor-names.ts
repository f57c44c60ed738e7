import type { BertGraphConfig } from './bert-graph-config.js';

/** The embedding tensors of a `BertModel` (Hugging Face names, no prefix). */
export const EMBEDDING_TENSORS = [
  'embeddings.word_embeddings.weight',
  'embeddings.position_embeddings.weight',
  'embeddings.token_type_embeddings.weight',
  'embeddings.LayerNorm.weight',
  'embeddings.LayerNorm.bias',
] as const;

/** The tensors of encoder layer `i`, after `encoder.layer.{i}.`. */
export const LAYER_TENSORS = [
  'attention.self.query.weight',
  'attention.self.query.bias',
  'attention.self.key.weight',
  'attention.self.key.bias',
  'attention.self.value.weight',
  'attention.self.value.bias',
  'attention.output.dense.weight',
  'attention.output.dense.bias',
  'attention.output.LayerNorm.weight',
  'attention.output.LayerNorm.bias',
  'intermediate.dense.weight',
  'intermediate.dense.bias',
  'output.dense.weight',
  'output.dense.bias',
  'output.LayerNorm.weight',
  'output.LayerNorm.bias',
] as const;

/** The pooler's tensors (dense + tanh on the [CLS] vector); optional in a checkpoint. */
export const POOLER_TENSORS = ['pooler.dense.weight', 'pooler.dense.bias'] as const;

/** Every tensor a `BertModel` of this config needs, pooler excluded, in graph order. */
export function requiredTensorNames(config: BertGraphConfig): string[] {
  const names: string[] = [...EMBEDDING_TENSORS];
  for (let layer = 0; layer < config.numHiddenLayers; layer += 1)
    names.push(...LAYER_TENSORS.map((suffix) => `encoder.layer.${layer}.${suffix}`));
  return names;
}

/**
 * The name transformers would load a checkpoint tensor as into a `BertModel`, or undefined for tensors it does not
 * use: the `bert.` prefix of task models is dropped, legacy `LayerNorm.gamma` / `LayerNorm.beta` become `weight` /
 * `bias`, and heads (`cls.*` masked-LM / next-sentence, `classifier.*`, `qa_outputs.*`) and the `position_ids` buffer
 * are skipped.
 */
export function canonicalTensorName(name: string): string | undefined {
  let canonical = name.startsWith('bert.') ? name.slice('bert.'.length) : name;
  if (!/^(embeddings|encoder|pooler)\./.test(canonical) || canonical.endsWith('.position_ids')) return undefined;
  if (canonical.endsWith('.gamma')) canonical = `${canonical.slice(0, -'.gamma'.length)}.weight`;
  else if (canonical.endsWith('.beta')) canonical = `${canonical.slice(0, -'.beta'.length)}.bias`;
  return canonical;
}

/** The spellings of a canonical name that {@link canonicalTensorName} maps to it (for error messages). */
export function acceptedSpellings(canonical: string): string[] {
  const legacy = canonical.includes('LayerNorm.')
    ? [canonical.replace(/\.weight$/, '.gamma').replace(/\.bias$/, '.beta')].filter((name) => name !== canonical)
    : [];
  return [canonical, ...legacy].flatMap((name) => [name, `bert.${name}`]);
}

/** The torch shape (dense weights `[out, in]`) a canonical tensor must have under `config`. */
export function expectedTensorShape(name: string, config: BertGraphConfig): number[] {
  const { hiddenSize: h, intermediateSize: m } = config;
  if (name === 'embeddings.word_embeddings.weight') return [config.vocabSize, h];
  if (name === 'embeddings.position_embeddings.weight') return [config.maxPositionEmbeddings, h];
  if (name === 'embeddings.token_type_embeddings.weight') return [config.typeVocabSize, h];
  if (name.endsWith('intermediate.dense.weight')) return [m, h];
  if (name.endsWith('intermediate.dense.bias')) return [m];
  if (name.endsWith('.output.dense.weight') && !name.includes('attention')) return [h, m];
  if (name.endsWith('.weight') && !name.includes('LayerNorm')) return [h, h];
  return [h];
}
