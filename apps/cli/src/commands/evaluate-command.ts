import type { Command } from 'commander';
import { formatConfusionMatrix, reportToSklearnDict } from '@senti/metrics';
import type { Device } from '@senti/model';
import { evaluateModel } from '@senti/train';
import type { ConsoleOutput } from '../output/console-output.js';
import { parseChoice, parseNumber } from '../options/parse-values.js';
import { assertGatesPassed, evaluateGates } from './quality-gates.js';
import type { CliContext } from '../cli-context.js';
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
export function evaluateCommand(context: CliContext): Command {
  return newCommand('evaluate', "Report a trained model's scores on labelled data (default: the run's own test split).", context)
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
      const output = context.console(flags.json);
      let progress: ReturnType<ConsoleOutput['progress']> | undefined;
      const evaluation = await evaluateModel({
        modelDir: flags.modelDir,
        offline: flags.offline || process.env.SENTI_OFFLINE === '1',
        ...(flags.data ? { data: flags.data } : {}),
        ...(flags.textColumn ? { textColumn: flags.textColumn } : {}),
        ...(flags.labelColumn ? { labelColumn: flags.labelColumn } : {}),
        ...(flags.device ? { device: flags.device } : {}),
        ...(flags.encoder ? { encoder: flags.encoder } : {}),
        onProgress: (done, total) => (progress ??= output.progress('Predicting', total, 'texts')).update(done),
      });
      progress?.finish();
      const { report, labelNames, rocAuc: auc } = evaluation;
      output.section(`Classification report (${evaluation.source}, ${evaluation.texts} texts)`);
      output.line(evaluation.reportText.replace(/\n$/, ''));
      if (auc !== null) output.line(`ROC-AUC: ${auc.toFixed(4)}`);
      output.section('Confusion matrix (rows: true, columns: predicted)', formatConfusionMatrix(evaluation.confusionMatrix, labelNames));
      context.result = ({ source: evaluation.source, texts: evaluation.texts, accuracy: report.accuracy, macroF1: report.macroAvg.f1, rocAuc: auc, report: reportToSklearnDict(report), confusionMatrix: evaluation.confusionMatrix, labels: labelNames });
      context.gates = evaluateGates({ accuracy: report.accuracy, macroF1: report.macroAvg.f1 }, flags);
      assertGatesPassed(context.gates);
    });
}
