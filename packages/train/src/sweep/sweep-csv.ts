import { formatCsv } from '@senti/data';
import type { SweepRow } from './sweep.js';

/** The sweep table as CSV: one row per grid point with its head settings, validation figures and seconds. */
export function sweepCsv(table: readonly SweepRow[], bestIndex: number): string {
  return formatCsv(
    [
      'learning_rate',
      'dropout',
      'weight_decay',
      'batch_size',
      'epochs',
      'val_loss',
      'val_accuracy',
      'best_epoch',
      'epochs_run',
      'seconds',
      'best',
    ],
    table.map((row) => [
      row.settings.learningRate,
      row.settings.dropout,
      row.settings.weightDecay,
      row.settings.batchSize,
      row.settings.epochs,
      row.valLoss,
      row.valAccuracy,
      row.bestEpoch,
      row.epochsRun,
      row.seconds,
      row.index === bestIndex ? 1 : 0,
    ]),
  );
}
