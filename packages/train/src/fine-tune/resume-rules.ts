import { SETTINGS, type SettingKey, type SettingSpec } from './setting-table.js';
import { resolveSettings, type FineTuneInput } from './settings.js';

/** Why a stopped run cannot continue with the changed settings (see {@link resumeConflict}). */
export type ResumeConflict =
  /** A setting the checkpoint depends on differs from the run's. */
  | { reason: 'changed'; key: SettingKey; given: unknown; saved: unknown }
  /** The new total of epochs is below what the run already completed. */
  | { reason: 'below-completed'; key: 'epochs'; given: number; completed: number }
  /** A linear schedule decays over the planned total, so a new total would change every step's learning rate. */
  | { reason: 'linear-schedule'; key: 'epochs'; given: number; saved: number };

/**
 * The first reason `changes` cannot be applied when resuming a run saved with `saved` settings, or undefined when the
 * run can continue with `{ ...saved, ...changes }`. Only settings marked `resumable` in the table may change (epochs:
 * the new total, not below `completedEpochs`; with the constant schedule nothing depends on the total, so it continues
 * the same trajectory exactly).
 */
export function resumeConflict(
  saved: FineTuneInput,
  changes: Partial<FineTuneInput>,
  completedEpochs: number | undefined,
): ResumeConflict | undefined {
  const resolved = resolveSettings(saved) as unknown as Record<string, unknown>;
  for (const [key, given] of Object.entries(changes)) {
    const spec: SettingSpec | undefined = (SETTINGS as Record<string, SettingSpec>)[key];
    if (given === undefined || spec === undefined || spec.resumable === true) continue;
    if (JSON.stringify(given) !== JSON.stringify(resolved[key]))
      return { reason: 'changed', key: key as SettingKey, given, saved: resolved[key] };
  }
  const epochs = changes.epochs;
  if (epochs === undefined) return undefined;
  if (completedEpochs !== undefined && epochs < completedEpochs)
    return { reason: 'below-completed', key: 'epochs', given: epochs, completed: completedEpochs };
  const savedEpochs = resolved.epochs as number;
  if (epochs !== savedEpochs && resolved.schedule === 'linear' && Number(resolved.unfreeze) > 0) {
    return { reason: 'linear-schedule', key: 'epochs', given: epochs, saved: savedEpochs };
  }
  return undefined;
}
