/** Fallback when neither the tokenizer nor the model states a usable maximum: BERT's 512 positions. */
export const FALLBACK_MAX_LENGTH = 512;

// Tokenizer configs without a real limit carry sentinels such as 1e30 (int(1e30) in Python).
const ABSURD = 1_000_000;

// Model types whose position ids start after the padding index (transformers' create_position_ids_from_input_ids:
// padding_idx + 1, i.e. 2): of max_position_embeddings = 514 rows, 512 are usable.
const POSITIONS_AFTER_PADDING = new Set([
  'roberta',
  'xlm-roberta',
  'xlm-roberta-xl',
  'camembert',
  'data2vec-text',
  'longformer',
  'mpnet',
]);

/**
 * The longest input the model accepts: `model_max_length` from tokenizer_config.json, capped by the positions the
 * model can embed (config.json's `max_position_embeddings`, less `pad_token_id + 1` for RoBERTa-family models, whose
 * positions start at 2) when known; absurd or missing values fall back to that, else 512.
 */
export function resolveModelMaxLength(
  tokenizerConfig: Record<string, unknown> | undefined,
  modelConfig: Record<string, unknown> | undefined,
): number {
  const positions = usablePositions(modelConfig);
  const stated = positiveInteger(tokenizerConfig?.model_max_length);
  const usable = stated !== undefined && stated < ABSURD ? stated : undefined;
  const value = usable ?? positions ?? FALLBACK_MAX_LENGTH;
  return positions === undefined ? value : Math.min(value, positions);
}

function usablePositions(modelConfig: Record<string, unknown> | undefined): number | undefined {
  const rows = positiveInteger(modelConfig?.max_position_embeddings);
  if (rows === undefined || !POSITIONS_AFTER_PADDING.has(String(modelConfig?.model_type))) return rows;
  const padding =
    typeof modelConfig?.pad_token_id === 'number' &&
    Number.isInteger(modelConfig.pad_token_id) &&
    modelConfig.pad_token_id >= 0
      ? modelConfig.pad_token_id
      : 1;
  return rows - padding - 1 >= 1 ? rows - padding - 1 : undefined;
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : undefined;
}
