import type { Command } from 'commander';
import { UsageError } from '@senti/errors';
import { isOffline, type AnsweredPrediction, type Device } from '@senti/model';
import { formatPredictions, predictFile, type PredictionInput } from '@senti/train';
import type { CliContext } from '../cli-context.js';
import { textTable } from '../output/text-table.js';
import { parseChoice } from '../options/parse-values.js';
import { addOptions } from '../options/command-options.js';
import { newCommand } from './new-command.js';
import { explanationJson, explanationsBlock, wantsColour } from '../output/explanation-text.js';
import { downloadProgress } from '../output/download-progress.js';

interface PredictFlags {
  modelDir: string;
  input?: string;
  textColumn?: string;
  encoding?: string;
  delimiter?: string;
  output?: string;
  format?: 'table' | 'json' | 'csv';
  device?: Device;
  offline?: boolean;
  encoder?: string;
  abstainBelow?: number;
  json?: boolean;
  explain?: boolean;
}

type Prediction = AnsweredPrediction;

/** `senti predict`: labels and probabilities for texts given as arguments or in a file. */
export function predictCommand(context: CliContext): Command {
  const command = newCommand('predict', 'Predict labels and probabilities with a trained model.', context).argument(
    '[texts...]',
    'texts to classify (quote each one)',
  );
  addOptions(command, ['modelDir']).option(
    '--input <file>',
    'CSV/TSV (all columns kept) or .txt (one text per line) to classify; - reads stdin (a CSV with a header, else one text per line)',
  );
  addOptions(command, ['textColumn', 'encoding', 'delimiter'], {
    help: {
      textColumn: "text column of --input (default: the model's training text column, else sentence, else text)",
    },
  })
    .option(
      '--output <file>',
      'write the input rows with predicted_label, predicted_score, p_<label> to .csv or .json; - is stdout (CSV)',
    )
    .option(
      '--format <table|json|csv>',
      'stdout format (default: table; --json implies json)',
      parseChoice('--format', ['table', 'json', 'csv']),
    );
  return addOptions(command, ['device', 'encoder', 'offline', 'abstainBelow'], {
    help: {
      abstainBelow:
        "answer no label (abstained) when the top calibrated probability is below p (default: the model's threshold from --target-accuracy, else never)",
    },
  })
    .option(
      '--explain',
      'show the words behind each prediction (leave-one-word-out: one more encoding per word, first 64 words); adds an explanation column to --output',
    )
    .action(async (args: string[], flags: PredictFlags) => {
      const output = context.console(flags.json);
      if (args.length > 0 && flags.input !== undefined)
        throw new UsageError('CLI_BAD_OPTION', 'give texts as arguments or --input <file>, not both');
      if (args.length === 0 && flags.input === undefined)
        throw new UsageError('CLI_MISSING_OPTION', 'predict needs texts as arguments or --input <file>');
      if (flags.json && flags.format !== undefined && flags.format !== 'json')
        throw new UsageError(
          'CLI_BAD_OPTION',
          `--json and --format ${flags.format} both set what stdout carries: drop one`,
        );
      if (args.some((text) => text.trim() === ''))
        throw new UsageError('CLI_BAD_OPTION', 'an empty text was given as an argument; quote each non-empty text');
      if (flags.output === '-' && (flags.json || flags.format !== undefined)) {
        throw new UsageError(
          'CLI_BAD_OPTION',
          '--output - writes CSV to stdout; drop --json/--format, or name an --output file',
        );
      }
      if (flags.input === '-' && (context.io.stdin as NodeJS.ReadStream).isTTY)
        throw new UsageError(
          'CLI_STDIN_TTY',
          '--input - reads texts from stdin, but stdin is a terminal; pipe a file in (senti predict ... --input - < texts.csv)',
        );
      const downloads = downloadProgress(output);
      const file = flags.output !== undefined && flags.output !== '-' ? flags.output : undefined;
      const result = await predictFile({
        modelDir: flags.modelDir,
        input: flags.input ?? args,
        stdin: context.io.stdin,
        ...(file !== undefined ? { output: file } : {}),
        ...(flags.textColumn !== undefined ? { textColumn: flags.textColumn } : {}),
        ...(flags.encoding !== undefined ? { encoding: flags.encoding } : {}),
        ...(flags.delimiter !== undefined ? { delimiter: flags.delimiter } : {}),
        ...(flags.abstainBelow !== undefined ? { abstainBelow: flags.abstainBelow } : {}),
        ...(flags.explain ? { explain: true } : {}),
        offline: isOffline(flags.offline),
        ...(flags.device ? { device: flags.device } : {}),
        ...(flags.encoder ? { encoder: flags.encoder } : {}),
        // Downloads are shown, as before; predicting itself prints nothing.
        onEvent: (event) => {
          if (event.type === 'download-start' || event.type === 'download' || event.type === 'download-done')
            downloads(event);
        },
      });
      const { input, predictions, explanations, labelNames: labels } = result;
      const abstaining = result.threshold !== undefined;
      if (flags.output === '-') {
        context.io.stdout.write(formatPredictions(result, 'csv'));
        return;
      }
      if (result.output !== undefined) {
        output.line(`wrote ${predictions.length} rows with predictions to ${result.output}`);
        context.result = { output: result.output, rows: predictions.length, labels };
        return;
      }
      const format = flags.json ? 'json' : (flags.format ?? 'table');
      if (format === 'json') {
        const rows = argumentRows(input, predictions, abstaining).map((row, index) => {
          const explanation = explanations?.[index];
          return explanations === undefined
            ? row
            : { ...row, explanation: explanation === undefined ? null : explanationJson(explanation) };
        });
        if (flags.json) context.result = rows;
        else context.io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      } else if (format === 'csv') context.io.stdout.write(formatPredictions(result, 'csv'));
      else {
        output.line(toTable(input, predictions, labels));
        if (explanations !== undefined) output.section(explanationsBlock(explanations, wantsColour(context.io.stdout)));
      }
    });
}

/** The `--json` rows: text, label, score and probabilities. */
function argumentRows(input: PredictionInput, predictions: readonly (Prediction | undefined)[], abstaining: boolean) {
  return predictions.map((prediction, index) => ({
    text: input.rows[index]?.[input.textIndex] ?? '',
    label: prediction?.label ?? null,
    score: prediction?.score ?? null,
    ...(abstaining ? { abstained: prediction?.abstained ?? null } : {}),
    probabilities: prediction?.probabilities ?? null,
  }));
}

function toTable(
  input: PredictionInput,
  predictions: readonly (Prediction | undefined)[],
  labels: readonly string[],
): string {
  const width = 80 - 2 * 2 - 10 - 7 - labels.length * 9;
  const shorten = (text: string): string => (text.length > width ? `${text.slice(0, Math.max(8, width) - 1)}…` : text);
  const rows = predictions.map((prediction, index) => [
    shorten((input.rows[index]?.[input.textIndex] ?? '').replace(/\s+/g, ' ')),
    prediction === undefined ? '' : (prediction.label ?? '(abstained)'),
    ...labels.map((label) => (prediction ? (prediction.probabilities[label] ?? 0).toFixed(3) : '')),
  ]);
  return textTable(['text', 'label', ...labels.map((label) => `p(${label})`)], rows);
}
