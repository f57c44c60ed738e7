import type { ErrorRecord } from '@senti/errors';
import type { Prediction } from '../artifact/predictions.js';
import type { ServedModelInfo } from './served-model-info.js';
import type { ExplanationPlan } from '../explain/plan-explanation.js';

/** What the model thread is asked to do. */
export type ThreadRequest =
  | { type: 'predict'; id: number; texts: readonly string[] }
  | { type: 'plan-explanations'; id: number; texts: readonly string[]; maxWords?: number }
  | { type: 'dispose' };

/** What the model thread answers; errors cross as `@senti/errors` records (structured clone keeps only an Error's message and stack). */
export type ThreadReply =
  | { type: 'loaded'; info: ServedModelInfo }
  | { type: 'load-failed'; error: ErrorRecord }
  | { type: 'predicted'; id: number; predictions: Prediction[] }
  | { type: 'predict-failed'; id: number; error: ErrorRecord }
  | { type: 'planned'; id: number; plans: ExplanationPlan[] }
  | { type: 'disposed' };
