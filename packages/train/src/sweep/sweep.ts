import { TrainError } from '@senti/errors';
import type { FineTuneEvent } from '../fine-tune/events.js';
import { finishFineTune, trainOnFeatures, type FineTuneResult } from '../fine-tune/fine-tune.js';
import { prepareFeatures, secondsSince } from '../fine-tune/prepare-features.js';
import type { FineTuneInput, FineTuneSettings } from '../fine-tune/settings.js';
import type { EpochRecord, TrainResult } from '../types.js';
import { gridPoints, SWEEP_KEYS, type SweepGrid, type SweepKey, type SweepPoint } from './grid.js';

/** Options of {@link sweep}: fineTune's settings (the base of every grid point), the grid, and where progress goes. */
export type SweepOptions = FineTuneInput & {
  /** Values to try per head setting; every combination is trained. */
  grid: SweepGrid;
  /** Receives fineTune's preparation events once, every setting's training events, and the sweep's own. */
  onEvent?: (event: SweepEvent) => void;
  /** Cancels the sweep: it rejects with a `TRAIN_ABORTED` TrainError between batches or steps; nothing is written. */
  signal?: AbortSignal;
};

/** One trained grid point: its head settings and how it did on the validation split. */
export interface SweepRow {
  /** Position in the grid (0-based). */
  index: number;
  /** The values this point sets (the grid's keys only). */
  point: SweepPoint;
  /** All five head settings this point trained with (grid values over the base settings). */
  settings: Pick<FineTuneSettings, SweepKey>;
  /** Lowest validation loss over the epochs (the restored epoch's); Infinity when no epoch gave a finite loss. */
  valLoss: number;
  /** Validation accuracy at the best epoch (NaN when there is none). */
  valAccuracy: number;
  /** The epoch whose weights were kept (1-based; 0 when none). */
  bestEpoch: number;
  /** Epochs actually run (fewer than `settings.epochs` after early stopping). */
  epochsRun: number;
  /** Wall-clock seconds of this point's head training (validation included). */
  seconds: number;
  history: EpochRecord[];
}

/** Progress of {@link sweep}. */
export type SweepEvent =
  | FineTuneEvent
  | {
      type: 'sweep-start';
      /** Every grid point, in the order they will be trained. */
      points: SweepPoint[];
    }
  | {
      type: 'sweep-setting';
      /** 0-based index of the point about to be trained. */
      index: number;
      /** Number of points in the grid. */
      total: number;
      /** The settings of this point. */
      point: SweepPoint;
    }
  | {
      type: 'sweep-best';
      /** 0-based index of the winning point, about to be calibrated and evaluated on the test split. */
      index: number;
      point: SweepPoint;
    }
  | {
      type: 'sweep-row';
      /** The finished point's figures. */
      row: SweepRow;
      /** Number of points in the grid. */
      total: number;
      /** True when this point has the lowest validation loss so far. */
      bestSoFar: boolean;
    };

/** What a sweep produced: the best point's complete fineTune result and the table of all points. */
export interface SweepResult {
  /** The lowest-validation-loss point, evaluated on the test split like fineTune does (the model owns the encoder). */
  best: FineTuneResult;
  /** Index of the best row in `table`. */
  bestIndex: number;
  /** One row per grid point, in grid order. */
  table: SweepRow[];
  /** Wall-clock seconds: preparation (load, split, encode once), all head training, and the whole sweep. */
  seconds: { prepare: number; train: number; total: number };
}

/**
 * Tries several head settings on features encoded once: prepares the data exactly like fineTune (load, split, padding
 * length, encode with the feature cache), trains a head for every point of `grid` (the product of its values) on the
 * same features, keeps the one with the lowest validation loss (the first on ties) and evaluates it on the test split.
 * The best result equals a plain `fineTune` with that point's settings, bit for bit. Only the best is evaluated on
 * the test split: choosing by test figures would leak the test set into the choice.
 */
export async function sweep(options: SweepOptions): Promise<SweepResult> {
  const { onEvent, grid, signal, ...input } = options;
  const emit = onEvent ?? (() => {});
  const points = gridPoints(grid);
  if ((input.unfreeze ?? 0) > 0) {
    throw new TrainError(
      'TRAIN_BAD_OPTION',
      `sweep trains heads on frozen features encoded once: unfreeze must be 0, got ${input.unfreeze}`,
      'usage',
      {
        hint: 'train unfrozen layers one run at a time with fineTune',
      },
    );
  }
  if (input.kfold !== undefined) {
    throw new TrainError(
      'TRAIN_BAD_OPTION',
      'sweep picks a point by validation loss; kfold cross-validates one setting: run fineTune with kfold for the point chosen',
      'usage',
    );
  }
  const prepared = await prepareFeatures(input, emit, signal);
  const prepareSeconds = secondsSince(prepared.started);
  emit({ type: 'sweep-start', points });
  const table: SweepRow[] = [];
  let best: { index: number; result: TrainResult; seconds: number; settings: FineTuneSettings } | undefined;
  const trainStarted = Date.now();
  try {
    for (const [index, point] of points.entries()) {
      emit({ type: 'sweep-setting', index, total: points.length, point });
      const settings: FineTuneSettings = { ...prepared.settings, ...point };
      const started = Date.now();
      // A point that diverges ends at that epoch and is recorded; the others go on.
      const result = await trainOnFeatures(prepared, settings, { onEvent: emit, signal, onDiverge: 'stop' });
      const seconds = secondsSince(started);
      const row: SweepRow = {
        index,
        point,
        settings: pickHeadSettings(settings),
        valLoss: result.bestValLoss,
        valAccuracy: result.history.find((epoch) => epoch.epoch === result.bestEpoch)?.valAccuracy ?? Number.NaN,
        bestEpoch: result.bestEpoch,
        epochsRun: result.history.length,
        seconds,
        history: result.history,
      };
      table.push(row);
      const better = best === undefined || result.bestValLoss < best.result.bestValLoss;
      if (better) {
        best?.result.head.dispose();
        best = { index, result, seconds, settings };
      } else {
        result.head.dispose();
      }
      emit({ type: 'sweep-row', row, total: points.length, bestSoFar: better });
    }
    const trainSeconds = secondsSince(trainStarted);
    const chosen = best!;
    if (chosen.result.bestEpoch === 0) {
      throw new TrainError(
        'TRAIN_DIVERGED',
        'every sweep point diverged: no epoch gave a finite validation loss',
        'input',
        { hint: 'lower the learning rates' },
      );
    }
    // Announced first, so what finishing prints (the calibrated temperature ...) reads as the winner's, not the last point's.
    emit({ type: 'sweep-best', index: chosen.index, point: points[chosen.index]! });
    const result = await finishFineTune(prepared, chosen.settings, chosen.result, chosen.seconds, emit);
    return {
      best: result,
      bestIndex: chosen.index,
      table,
      seconds: { prepare: prepareSeconds, train: trainSeconds, total: secondsSince(prepared.started) },
    };
  } catch (error) {
    best?.result.head.dispose();
    await prepared.encoder.dispose();
    throw error;
  }
}

function pickHeadSettings(settings: FineTuneSettings): Pick<FineTuneSettings, SweepKey> {
  return Object.fromEntries(SWEEP_KEYS.map((key) => [key, settings[key]])) as Pick<FineTuneSettings, SweepKey>;
}
