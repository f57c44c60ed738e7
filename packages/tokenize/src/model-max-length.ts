/** Fallback when neither the tokenizer nor the model states a usable maximum: BERT's 512 positions. */
export const FALLBACK_MAX_LENGTH = 512;

// Tokenizer configs without a real limit carry sentinels such as 1e30 (int(1e30) in Python).
const ABSURD = 1_000_000;

/**
 * The longest input the model accepts: `model_max_length` from tokenizer_config.json, capped by the model's
 * `max_position_embeddings` (config.json) when known; absurd or missing values fall back to that, else 512.
 */
export function resolveModelMaxLength(tokenizerConfig: Record<string, unknown> | undefined, modelConfig: Record<string, unknown> | undefined): number {
  const positions = positiveInteger(modelConfig?.max_position_embeddings);
  const stated = positiveInteger(tokenizerConfig?.model_max_length);
  const usable = stated !== undefined && stated < ABSURD ? stated : undefined;
  const value = usable ?? positions ?? FALLBACK_MAX_LENGTH;
  return positions === undefined ? value : Math.min(value, positions);
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : undefined;
}
