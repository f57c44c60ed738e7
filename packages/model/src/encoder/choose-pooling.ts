import { ModelError, quote } from '@senti/errors';
import type { ModelLayout } from './model-layout.js';
import type { Pooling } from './types.js';

/**
 * The pooling to use: the one asked for (pooler only when the encoder has one); else the one the model's authors
 * configured (sentence-transformers' pooling config); else pooler if the encoder has one, else cls.
 */
export function resolvePooling(
  requested: Pooling | undefined,
  layout: Pick<ModelLayout, 'weights' | 'configuredPooling' | 'hasPooler'>,
  model: string,
): Pooling {
  if (requested === undefined) return layout.configuredPooling?.pooling ?? (layout.hasPooler ? 'pooler' : 'cls');
  if (!['pooler', 'cls', 'mean'].includes(requested))
    throw new ModelError(
      'MODEL_BAD_POOLING',
      `pooling must be pooler, cls or mean, got ${quote(String(requested))}`,
      'usage',
    );
  if (requested === 'pooler' && !layout.hasPooler) {
    const why =
      layout.weights === 'onnx-fill-mask'
        ? 'is a masked-LM (fill-mask) export, which has no pooler'
        : 'has no pooler (no pooler_output, no pooler weights)';
    throw new ModelError(
      'MODEL_NO_POOLER',
      `pooling "pooler" needs BERT's pooler, but ${quote(model)} ${why}; use pooling "cls" or "mean", or a checkpoint with its pooler such as google-bert/bert-base-uncased`,
      'usage',
    );
  }
  return requested;
}
