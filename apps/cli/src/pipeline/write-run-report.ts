import { formatReport, reportToSklearnDict, type ClassificationReport } from '@senti/metrics';
import type { EpochRecord } from '@senti/train';
import { confusionMatrixSpec, renderPlot, tokenLengthSpec, trainingCurvesSpec } from '../output/plots.js';
import type { MaxLengthChoice } from './choose-max-length.js';
import type { RunDirectory } from './run-directory.js';

/** Everything the run's report files are made from. */
export interface RunReport {
  report: ClassificationReport;
  matrix: number[][];
  history: EpochRecord[];
  bestEpoch: number;
  lengthChoice: MaxLengthChoice;
  labelNames: string[];
  metrics: Record<string, unknown>;
}

/** Writes metrics.json, history.csv, report.txt, confusion-matrix.csv and the plots (SVG + PNG). */
export async function writeRunReport(run: RunDirectory, data: RunReport): Promise<void> {
  await run.writeJson('metrics.json', { ...data.metrics, report: reportToSklearnDict(data.report), confusionMatrix: { labels: data.labelNames, matrix: data.matrix }, tokenLengths: data.lengthChoice.statistics });
  await run.write('report.txt', formatReport(data.report));
  await run.write('history.csv', historyCsv(data.history));
  await run.write('confusion-matrix.csv', confusionCsv(data.matrix, data.labelNames));
  const plots = [
    ['token-lengths', tokenLengthSpec(data.lengthChoice.bins, data.lengthChoice.maxLength, data.lengthChoice.coverage)],
    ['training-curves', trainingCurvesSpec(data.history, data.bestEpoch)],
    ['confusion-matrix', confusionMatrixSpec(data.matrix, data.labelNames)],
  ] as const;
  for (const [name, spec] of plots) {
    const rendered = await renderPlot(spec);
    await run.write(`${name}.svg`, rendered.svg);
    await run.write(`${name}.png`, rendered.png);
  }
}

function historyCsv(history: readonly EpochRecord[]): string {
  const lines = history.map((row) => [row.epoch, row.trainLoss, row.valLoss, row.valAccuracy, row.seconds].join(','));
  return `epoch,train_loss,val_loss,val_accuracy,seconds\n${lines.join('\n')}\n`;
}

function confusionCsv(matrix: readonly (readonly number[])[], labelNames: readonly string[]): string {
  const quote = (text: string): string => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  const header = ['true\\predicted', ...labelNames].map(quote).join(',');
  return `${header}\n${matrix.map((row, index) => [quote(labelNames[index] ?? ''), ...row].join(',')).join('\n')}\n`;
}
