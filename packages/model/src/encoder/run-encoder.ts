import { Tensor, type PreTrainedModel } from '@huggingface/transformers';
import type { SentiTokenizer } from '@senti/tokenize';
import { ModelError } from '@senti/errors';
import { planLengthBatches } from './batching.js';
import { toFloat32, type FloatOutput } from './float-output.js';
import { poolInto } from './pooling.js';
import type { EncodeTextsOptions, Pooling } from './types.js';

type ModelOutputs = Record<string, (FloatOutput & { dims: number[] }) | undefined>;

/** Builds `encode`: texts sorted by token length, each batch padded to its longest text, results put back in input order. */
export function runEncoder(
  model: PreTrainedModel,
  tokenizer: SentiTokenizer,
  pooling: Pooling,
  hiddenSize: number,
  inputNames?: readonly string[],
) {
  // Feed exactly the inputs the graph declares: DistilBERT and RoBERTa-family exports take no token_type_ids.
  const takes = (name: string): boolean => inputNames === undefined || inputNames.includes(name);
  const extra = tokenizer.special.prefix.length + tokenizer.special.suffix.length;
  return async (texts: readonly string[], options: EncodeTextsOptions): Promise<Float32Array> => {
    const { maxLength } = options;
    if (!Number.isInteger(maxLength) || maxLength < extra + 1 || maxLength > tokenizer.modelMaxLength) {
      throw new ModelError(
        'MODEL_BAD_MAX_LENGTH',
        `maxLength must be an integer from ${extra + 1} to ${tokenizer.modelMaxLength}, got ${maxLength}`,
        'usage',
      );
    }
    // Only the tokens that fit are tokenized: a long text is cut before the tokenizer sees it (same ids).
    const bodies = texts.map((text) => tokenizer.truncatedTokenIds(text, maxLength - extra));
    const batches = planLengthBatches(
      bodies.map((body) => body.length + extra),
      options.batchSize ?? 32,
      maxLength,
    );
    const features = new Float32Array(texts.length * hiddenSize);
    let done = 0;
    for (const batch of batches) {
      const encoded = tokenizer.pack(
        batch.indices.map((index) => bodies[index]!),
        { maxLength: batch.sequenceLength, padding: 'max_length', truncation: true },
      );
      const dims = [encoded.batchSize, encoded.sequenceLength];
      const outputs = (await model({
        input_ids: new Tensor('int64', encoded.inputIds, dims),
        attention_mask: new Tensor('int64', encoded.attentionMask, dims),
        ...(takes('token_type_ids') ? { token_type_ids: new Tensor('int64', encoded.tokenTypeIds, dims) } : {}),
      })) as ModelOutputs;
      const lastHiddenState = outputs.last_hidden_state;
      if (!lastHiddenState)
        throw new ModelError(
          'MODEL_BAD_OUTPUTS',
          `encoder returned ${Object.keys(outputs).join(', ')}; expected last_hidden_state`,
          'runtime',
        );
      poolInto(
        pooling,
        {
          // Widening fp16 outputs costs time: skip the token states when the pooler output is all that is used.
          lastHiddenState: pooling === 'pooler' ? new Float32Array(0) : toFloat32(lastHiddenState),
          poolerOutput: outputs.pooler_output ? toFloat32(outputs.pooler_output) : undefined,
          attentionMask: encoded.attentionMask,
          stateRows: lastHiddenState.dims[1],
          batchSize: encoded.batchSize,
          sequenceLength: encoded.sequenceLength,
          hiddenSize,
        },
        features,
        batch.indices,
      );
      for (const output of Object.values(outputs)) (output as { dispose?: () => void } | undefined)?.dispose?.();
      done += batch.indices.length;
      options.onProgress?.(done, texts.length);
    }
    return features;
  };
}
