import { join } from 'node:path';
import { writeFileAtomic } from '@senti/base';
import { saveRun, type SaveRunOptions } from '../fine-tune/save-run.js';
import { writePlot } from '../plots/render-plot.js';
import { sweepSpec } from '../plots/sweep-plot.js';
import { sweepCsv } from './sweep-csv.js';
import type { SweepResult } from './sweep.js';

/** The files a sweep adds to its best setting's run directory. */
export const SWEEP_FILES = ['sweep.csv', 'sweep.svg', 'sweep.png'] as const;

/**
 * Writes a sweep's run directory, the one `senti train --sweep` writes: the best setting's run (as {@link saveRun}),
 * `sweep.csv` (every setting) and `sweep.{svg,png}`.
 */
export async function saveSweep(
  result: SweepResult,
  dir: string,
  options: SaveRunOptions = {},
): Promise<{ runDir: string; modelDir: string }> {
  const saved = await saveRun(result.best, dir, options);
  await writeFileAtomic(join(saved.runDir, 'sweep.csv'), sweepCsv(result.table, result.bestIndex));
  if (options.plots !== false)
    await writePlot(
      saved.runDir,
      'sweep',
      () => sweepSpec(result.table, result.bestIndex),
      options.onWarning ?? (() => {}),
    );
  return saved;
}
