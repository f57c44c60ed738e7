import type { Command } from 'commander';
import { formatConfusionMatrix, reportToSklearnDict } from '@senti/metrics';
import type { Device } from '@senti/model';
import { evaluateModel, isOffline, smallSampleWarning } from '@senti/train';
import type { ConsoleOutput } from '../output/console-output.js';
import { parseNumber } from '../options/parse-values.js';
import { addOptions } from '../options/command-options.js';
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
  const command = newCommand(
    'evaluate',
    "Report a trained model's scores on labelled data (default: the run's own test split).",
    context,
  );
  return addOptions(
    command,
    [
      'modelDir',
      'data',
      'textColumn',
      'encoding',
      'delimiter',
      'labelColumn',
      'device',
      'encoder',
      'offline',
      'minAccuracy',
      'minF1',
      'abstainBelow',
    ],
    {
      help: {
        data: 'labelled CSV/TSV to evaluate on (default: the test split of the run)',
        textColumn: 'text column (default: as in training)',
        labelColumn: 'label column (default: as in training)',
        abstainBelow:
          "also report coverage and accuracy when texts whose top calibrated probability is below p abstain (default: the model's threshold, if it has one)",
      },
    },
  )
    .option(
      '--target-accuracy <x>',
      "pick the threshold reaching accuracy x on the run's validation split and print it (the model is not changed)",
      parseNumber('--target-accuracy', 0.000001, 1),
    )
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
      if (abstention.chosen)
        output.line(
          `  --target-accuracy ${abstention.chosen.targetAccuracy}: ${thresholdWords(abstention.chosen.threshold)} (validation: accuracy ${abstention.chosen.accuracy.toFixed(4)} at coverage ${(abstention.chosen.coverage * 100).toFixed(1)}%)`,
        );
      if (abstained)
        output.line(
          `  abstaining below ${abstained.threshold.toFixed(4)}: ${abstained.answered} of ${evaluation.texts} answered (coverage ${(abstained.coverage * 100).toFixed(1)}%), accuracy on them ${abstained.accuracy === null ? '-' : abstained.accuracy.toFixed(4)}`,
        );
      output.section(
        'Confusion matrix (rows: true, columns: predicted)',
        formatConfusionMatrix(evaluation.confusionMatrix, labelNames),
      );
      context.result = {
        source: evaluation.source,
        texts: evaluation.texts,
        accuracy: report.accuracy,
        macroF1: report.macroAvg.f1,
        rocAuc: auc,
        report: reportToSklearnDict(report),
        confusionMatrix: evaluation.confusionMatrix,
        labels: labelNames,
        calibration: {
          temperature: calibration.temperature,
          ece: calibration.ece,
          brier: calibration.brier,
          multiclassBrier: calibration.multiclassBrier,
        },
        riskCoverage: abstention.table,
        ...(abstention.chosen
          ? {
              chosenThreshold: {
                threshold: abstention.chosen.threshold,
                targetAccuracy: abstention.chosen.targetAccuracy,
                valAccuracy: abstention.chosen.accuracy,
                valCoverage: abstention.chosen.coverage,
              },
            }
          : {}),
        ...(abstained ? { abstained } : {}),
      };
      context.gates = evaluateGates({ accuracy: report.accuracy, macroF1: report.macroAvg.f1 }, flags);
      assertGatesPassed(context.gates);
    });
}
