/** Shape and regularisation of the classification head. */
export interface HeadConfig {
  /** Width of the encoder features fed to the head (768 for BERT-base). */
  inputSize: number;
  /** Width of the hidden layer. */
  hiddenSize: number;
  /** Number of output classes. */
  numClasses: number;
  /** Dropout probability applied after the hidden ReLU while training. */
  dropout: number;
}

/** The tutorial's head: 512 hidden units, dropout 0.1. */
export const DEFAULT_HIDDEN_SIZE = 512;
export const DEFAULT_DROPOUT = 0.1;

/** Fill in defaults and check that every field is sensible. */
export function resolveHeadConfig(config: Partial<HeadConfig> & { inputSize: number; numClasses: number }): HeadConfig {
  const resolved: HeadConfig = {
    inputSize: config.inputSize,
    hiddenSize: config.hiddenSize ?? DEFAULT_HIDDEN_SIZE,
    numClasses: config.numClasses,
    dropout: config.dropout ?? DEFAULT_DROPOUT,
  };
  for (const key of ['inputSize', 'hiddenSize', 'numClasses'] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 1) {
      throw new RangeError(`head ${key} must be a positive integer, got ${String(resolved[key])}`);
    }
  }
  if (!(resolved.dropout >= 0 && resolved.dropout < 1)) {
    throw new RangeError(`head dropout must be in [0, 1), got ${String(resolved.dropout)}`);
  }
  return resolved;
}
