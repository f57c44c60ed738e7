import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadDataset, pick, stratifiedSplit } from '@senti/data';
import { UsageError } from '@senti/errors';
import { classificationReport, confusionMatrix, formatConfusionMatrix, formatReport, reportToSklearnDict, rocAuc } from '@senti/metrics';
import { loadModel, type Device } from '@senti/model';
import { ConsoleOutput } from '../output/console-output.js';
import { parseChoice, parseNumber } from '../options/parse-values.js';
import type { TrainSettings } from '../pipeline/train-settings.js';
import { checkQualityGates } from './quality-gates.js';
import { newCommand } from './new-command.js';

interface EvaluateFlags {
  modelDir: string;
  data?: string;
  textColumn?: string;
  labelColumn?: string;
  device?: Device;
  offline?: boolean;
  encoder?: string;
  minAccuracy?: number;
  minF1?: number;
  json?: boolean;
}

/** `senti evaluate`: classification report and confusion matrix of a trained model on labelled data. */
export function evaluateCommand(): Command {
  return newCommand('evaluate', "Report a trained model's scores on labelled data (default: the run's own test split).")
    .requiredOption('--model-dir <dir>', 'run directory (or its model/ folder) written by senti train')
    .option('--data <file>', 'labelled CSV/TSV to evaluate on (default: the test split of the run)')
    .option('--text-column <name>', 'text column (default: as in training)')
    .option('--label-column <name>', 'label column (default: as in training)')
    .option('--device <auto|cpu|gpu>', 'where encoder and head run (default: auto)', parseChoice('--device', ['auto', 'cpu', 'gpu']))
    .option('--encoder <id|dir>', 'where the encoder lives now, if it moved since training')
    .option('--offline', 'never download models (also SENTI_OFFLINE=1)')
    .option('--min-accuracy <x>', 'exit 3 if accuracy is below x', parseNumber('--min-accuracy', 0, 1))
    .option('--min-f1 <x>', 'exit 3 if macro F1 is below x', parseNumber('--min-f1', 0, 1))
    .action(async (flags: EvaluateFlags) => {
      const output = new ConsoleOutput({ json: flags.json ?? false });
      const model = await loadModel(flags.modelDir, {
        offline: flags.offline || process.env.SENTI_OFFLINE === '1',
        ...(flags.device ? { device: flags.device } : {}),
        ...(flags.encoder ? { encoderModel: flags.encoder } : {}),
      });
      try {
        const labelNames = model.manifest.labelNames;
        const { texts, labels, source } = await evaluationData(flags, labelNames);
        const progress = output.progress('Predicting', texts.length, 'texts');
        const probabilities = await model.predictProba(texts);
        progress.finish();
        const numClasses = labelNames.length;
        const predictions = Array.from({ length: texts.length }, (_, row) => argmax(probabilities, row * numClasses, numClasses));
        const report = classificationReport(labels, predictions, { labelNames });
        const matrix = confusionMatrix(labels, predictions, numClasses);
        let auc: number | null = null;
        try {
          auc = rocAuc(labels, probabilities, numClasses);
        } catch {
          auc = null; // undefined when a class is absent
        }
        output.section(`Classification report (${source}, ${texts.length} texts)`);
        output.line(formatReport(report).replace(/\n$/, ''));
        if (auc !== null) output.line(`ROC-AUC: ${auc.toFixed(4)}`);
        output.section('Confusion matrix (rows: true, columns: predicted)', formatConfusionMatrix(matrix, labelNames));
        output.result({ source, texts: texts.length, accuracy: report.accuracy, macroF1: report.macroAvg.f1, rocAuc: auc, report: reportToSklearnDict(report), confusionMatrix: matrix, labels: labelNames });
        checkQualityGates({ accuracy: report.accuracy, macroF1: report.macroAvg.f1 }, flags);
      } finally {
        await model.dispose();
      }
    });
}

async function evaluationData(flags: EvaluateFlags, labelNames: string[]): Promise<{ texts: string[]; labels: number[]; source: string }> {
  const runSettings = await readRunSettings(flags.modelDir);
  const columns = {
    textColumn: flags.textColumn ?? runSettings?.textColumn,
    labelColumn: flags.labelColumn ?? runSettings?.labelColumn,
  };
  if (flags.data) {
    const dataset = await loadDataset(flags.data, { ...columns, labelNames, dropDuplicates: false });
    return { texts: dataset.texts, labels: dataset.labels, source: flags.data };
  }
  if (!runSettings) {
    throw new UsageError('CLI_MISSING_OPTION', `evaluate needs --data <file>: ${flags.modelDir} has no config.json to rebuild its test split from`);
  }
  if (runSettings.test) {
    const dataset = await loadDataset(runSettings.test, { ...columns, labelNames, dropDuplicates: runSettings.dropDuplicates });
    return { texts: dataset.texts, labels: dataset.labels, source: `test file ${runSettings.test}` };
  }
  const dataset = await loadDataset(runSettings.data, { ...columns, labelNames, dropDuplicates: runSettings.dropDuplicates });
  const split = stratifiedSplit(dataset.labels, { seed: runSettings.seed });
  return { texts: pick(dataset.texts, split.test), labels: pick(dataset.labels, split.test), source: `test split of ${runSettings.data}` };
}

async function readRunSettings(dir: string): Promise<TrainSettings | undefined> {
  for (const path of [join(dir, 'config.json'), join(dir, '..', 'config.json')]) {
    if (existsSync(path)) return (JSON.parse(await readFile(path, 'utf8')) as { settings?: TrainSettings }).settings;
  }
  return undefined;
}

function argmax(values: Float32Array, offset: number, count: number): number {
  let best = 0;
  for (let index = 1; index < count; index++) if ((values[offset + index] ?? 0) > (values[offset + best] ?? 0)) best = index;
  return best;
}
