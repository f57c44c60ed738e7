import type { Command } from 'commander';
import { formatConfusionMatrix, reportToSklearnDict } from '@senti/metrics';
import type { Device } from '@senti/model';
import { evaluateModel, isOffline, smallSampleWarning } from '@senti/train';
import type { ConsoleOutput } from '../output/console-output.js';
import { parseChoice, parseNumber } from '../options/parse-values.js';
import { assertGatesPassed, evaluateGates } from './quality-gates.js';
import type { CliContext } from '../cli-context.js';
import { newCommand } from './new-command.js';
import { calibrationLine, riskCoverageTable, thresholdWords } from '../output/print-trust.js';
import { downloadProgress } from '../output/download-progress.js';

interface EvaluateFlags {
  modelDir: string;
  data?: string;
  textColumn?: string;
  encoding?: string;
  delimiter?: string;
  labelColumn?: string;
  device?: Device;
  offline?: boolean;
  encoder?: string;
  minAccuracy?: number;
  minF1?: number;
  abstainBelow?: number;
  targetAccuracy?: number;
  json?: boolean;
}

/** `senti evaluate`: classification report and confusion matrix of a trained model on labelled data. */
export function evaluateCommand(context: CliContext): Command {
  return newCommand('evaluate', "Report a trained model's scores on labelled data (default: the run's own test split).", context)
    .requiredOption('--model-dir <dir>', 'run directory (or its model/ folder) written by senti train')
    .option('--data <file>', 'labelled CSV/TSV to evaluate on (default: the test split of the run)')
    .option('--text-column <name>', 'text column (default: as in training)')
    .option('--encoding <name>', 'text encoding of CSV files without a byte-order mark (default: utf-8; e.g. cp1252, latin1, utf-16le)')
    .option('--delimiter <char>', 'column delimiter (default: by extension, or the one other delimiter the header uses)')
    .option('--label-column <name>', 'label column (default: as in training)')
    .option('--device <auto|cpu|gpu>', 'where encoder and head run (default: auto)', parseChoice('--device', ['auto', 'cpu', 'gpu']))
    .option('--encoder <id|dir>', 'where the encoder lives now, if it moved since training')
    .option('--offline', 'never download models (also SENTI_OFFLINE=1)')
    .option('--min-accuracy <x>', 'exit 3 if accuracy is below x', parseNumber('--min-accuracy', 0, 1))
    .option('--min-f1 <x>', 'exit 3 if macro F1 is below x', parseNumber('--min-f1', 0, 1))
    .option('--abstain-below <p>', "also report coverage and accuracy when texts whose top calibrated probability is below p abstain (default: the model's threshold, if it has one)", parseNumber('--abstain-below', 0, 1))
    .option('--target-accuracy <x>', "pick the threshold reaching accuracy x on the run's validation split and print it (the model is not changed)", parseNumber('--target-accuracy', 0.000001, 1))
    .action(async (flags: EvaluateFlags) => {
      const output = context.console(flags.json);
      let progress: ReturnType<ConsoleOutput['progress']> | undefined;
      const evaluation = await evaluateModel({
        modelDir: flags.modelDir,
        offline: isOffline(flags.offline),
        onDownload: downloadProgress(output),
        ...(flags.data ? { data: flags.data } : {}),
        ...(flags.textColumn ? { textColumn: flags.textColumn } : {}),
        ...(flags.encoding ? { encoding: flags.encoding } : {}),
        ...(flags.delimiter ? { delimiter: flags.delimiter } : {}),
        ...(flags.labelColumn ? { labelColumn: flags.labelColumn } : {}),
        ...(flags.device ? { device: flags.device } : {}),
        ...(flags.encoder ? { encoder: flags.encoder } : {}),
        ...(flags.abstainBelow !== undefined ? { abstainBelow: flags.abstainBelow } : {}),
        ...(flags.targetAccuracy !== undefined ? { targetAccuracy: flags.targetAccuracy } : {}),
        onProgress: (done, total) => (progress ??= output.progress('Predicting', total, 'texts')).update(done),
      });
      progress?.finish();
      const { report, labelNames, rocAuc: auc } = evaluation;
      output.section(`Classification report (${evaluation.source}, ${evaluation.texts} texts)`);
      output.line(evaluation.reportText.replace(/\n$/, ''));
      if (auc !== null) output.line(`ROC-AUC: ${auc.toFixed(4)}`);
      const { calibration, abstention, abstained } = evaluation;
      output.line(calibrationLine(labelNames.length, undefined, calibration));
      output.section('Coverage vs accuracy', riskCoverageTable(abstention.table));
      if (abstention.chosen?.smallSample) output.line(`warning: ${smallSampleWarning(abstention.chosen)}`);
      if (abstention.chosen) output.line(`  --target-accuracy ${abstention.chosen.targetAccuracy}: ${thresholdWords(abstention.chosen.threshold)} (validation: accuracy ${abstention.chosen.accuracy.toFixed(4)} at coverage ${(abstention.chosen.coverage * 100).toFixed(1)}%)`);
      if (abstained) output.line(`  abstaining below ${abstained.threshold.toFixed(4)}: ${abstained.answered} of ${evaluation.texts} answered (coverage ${(abstained.coverage * 100).toFixed(1)}%), accuracy on them ${abstained.accuracy === null ? '-' : abstained.accuracy.toFixed(4)}`);
      output.section('Confusion matrix (rows: true, columns: predicted)', formatConfusionMatrix(evaluation.confusionMatrix, labelNames));
      context.result = ({ source: evaluation.source, texts: evaluation.texts, accuracy: report.accuracy, macroF1: report.macroAvg.f1, rocAuc: auc, report: reportToSklearnDict(report), confusionMatrix: evaluation.confusionMatrix, labels: labelNames,
        calibration: { temperature: calibration.temperature, ece: calibration.ece, brier: calibration.brier, multiclassBrier: calibration.multiclassBrier }, riskCoverage: abstention.table,
        ...(abstention.chosen ? { chosenThreshold: { threshold: abstention.chosen.threshold, targetAccuracy: abstention.chosen.targetAccuracy, valAccuracy: abstention.chosen.accuracy, valCoverage: abstention.chosen.coverage } } : {}),
        ...(abstained ? { abstained } : {}) });
      context.gates = evaluateGates({ accuracy: report.accuracy, macroF1: report.macroAvg.f1 }, flags);
      assertGatesPassed(context.gates);
    });
}
