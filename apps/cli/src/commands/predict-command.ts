import { dirname } from 'node:path';
import type { Command } from 'commander';
import { formatCsv } from '@senti/data';
import { SentiError, UsageError, isSentiError } from '@senti/errors';
import { fileSystemReason, writeFileAtomic, writeToDevice } from '@senti/base';
import { abstainBelow, isOffline, loadModel, readManifest, type AnsweredPrediction, type Device } from '@senti/model';
import type { CliContext } from '../cli-context.js';
import { checkOutputFile, isDevice, makeWritableDirectory, predictionFormat } from '../output/output-paths.js';
import { textTable } from '../output/text-table.js';
import { parseChoice } from '../options/parse-values.js';
import { addOptions } from '../options/command-options.js';
import { newCommand } from './new-command.js';
import { checkInputFile, readPredictInput, type PredictInput } from './predict-input.js';
import { explanationJson, explanationsBlock, markedText, wantsColour } from '../output/explanation-text.js';
import type { Explanation } from '@senti/model';
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

/** Columns predict adds to each input row (plus one `p_<label>` per label). */
export const PREDICTION_COLUMNS = ['predicted_label', 'predicted_score'] as const;

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
      if (flags.output !== undefined) {
        predictionFormat(flags.output);
        await checkOutputFile(flags.output, '--output');
        if (flags.output === '-' && (flags.json || flags.format !== undefined)) {
          throw new UsageError(
            'CLI_BAD_OPTION',
            '--output - writes CSV to stdout; drop --json/--format, or name an --output file',
          );
        }
      }
      if (flags.input !== undefined) await checkInputFile(flags.input);
      const manifest = await readManifest(flags.modelDir);
      const trainedColumn =
        typeof manifest.training?.textColumn === 'string' ? manifest.training.textColumn : undefined;
      const input: PredictInput =
        flags.input !== undefined
          ? await readPredictInput(flags.input, context.io.stdin, flags.textColumn, trainedColumn, {
              encoding: flags.encoding,
              delimiter: flags.delimiter,
            })
          : { columns: ['text'], rows: args.map((text) => [text]), textIndex: 0, source: 'arguments' };
      const model = await loadModel(flags.modelDir, {
        offline: isOffline(flags.offline),
        onDownload: downloadProgress(output),
        ...(flags.device ? { device: flags.device } : {}),
        ...(flags.encoder ? { encoderModel: flags.encoder } : {}),
      });
      const threshold = flags.abstainBelow ?? model.manifest.abstention?.threshold;
      let predictions: (Prediction | undefined)[];
      let explanations: (Explanation | undefined)[] | undefined;
      try {
        const texts = input.rows.map((row) => row[input.textIndex] ?? '');
        const nonEmpty = texts.flatMap((text, index) => (text.trim().length > 0 ? [index] : []));
        const predicted = abstainBelow(await model.predict(nonEmpty.map((index) => texts[index]!)), threshold);
        predictions = new Array<Prediction | undefined>(texts.length);
        nonEmpty.forEach((row, index) => (predictions[row] = predicted[index]));
        if (flags.explain) {
          const explained = await model.explain(nonEmpty.map((index) => texts[index]!));
          explanations = new Array<Explanation | undefined>(texts.length);
          nonEmpty.forEach((row, index) => (explanations![row] = explained[index]));
        }
      } finally {
        await model.dispose();
      }
      const labels = model.manifest.labelNames;
      const abstaining = threshold !== undefined;
      // Files and CSV get the marked text as one more column: `terrible(+0.41)`.
      const table = explanations === undefined ? input : withExplanationColumn(input, explanations);
      if (flags.output !== undefined) {
        const text =
          predictionFormat(flags.output) === 'json'
            ? toJsonRows(table, predictions, labels, abstaining)
            : toCsv(table, predictions, labels, abstaining);
        if (flags.output === '-') {
          context.io.stdout.write(text);
          return;
        }
        await writeOutput(flags.output, text);
        output.line(`wrote ${predictions.length} rows with predictions to ${flags.output}`);
        context.result = { output: flags.output, rows: predictions.length, labels };
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
      } else if (format === 'csv') context.io.stdout.write(toCsv(table, predictions, labels, abstaining));
      else {
        output.line(toTable(input, predictions, labels));
        if (explanations !== undefined) output.section(explanationsBlock(explanations, wantsColour(context.io.stdout)));
      }
    });
}

async function writeOutput(file: string, text: string): Promise<void> {
  try {
    if (isDevice(file)) return await writeToDevice(file, text);
    await makeWritableDirectory(dirname(file), '--output', file);
    await writeFileAtomic(file, text);
  } catch (error) {
    if (isSentiError(error)) throw error;
    throw new SentiError(
      'CLI_OUTPUT_UNWRITABLE',
      `--output ${file}: cannot write there (${fileSystemReason(error)})`,
      'input',
      { cause: error },
    );
  }
}

/** The input columns (minus any earlier prediction columns) followed by the prediction columns. */
function outputColumns(
  input: PredictInput,
  labels: readonly string[],
  abstaining = false,
): { keep: number[]; header: string[] } {
  const added = [...PREDICTION_COLUMNS, ...(abstaining ? ['abstained'] : []), ...labels.map((label) => `p_${label}`)];
  const keep = input.columns.flatMap((name, index) => (added.includes(name) ? [] : [index]));
  return { keep, header: [...keep.map((index) => input.columns[index]!), ...added] };
}

function toCsv(
  input: PredictInput,
  predictions: readonly (Prediction | undefined)[],
  labels: readonly string[],
  abstaining: boolean,
): string {
  const { keep, header } = outputColumns(input, labels, abstaining);
  return formatCsv(
    header,
    input.rows.map((row, index) => {
      const prediction = predictions[index];
      const cells = keep.map((column) => row[column] ?? '');
      if (prediction === undefined) return [...cells, '', '', ...(abstaining ? [''] : []), ...labels.map(() => '')];
      // An abstained row keeps its score and probabilities; only the label is withheld (empty).
      return [
        ...cells,
        prediction.label ?? '',
        prediction.score,
        ...(abstaining ? [prediction.abstained] : []),
        ...labels.map((label) => prediction.probabilities[label] ?? 0),
      ];
    }),
  );
}

function toJsonRows(
  input: PredictInput,
  predictions: readonly (Prediction | undefined)[],
  labels: readonly string[],
  abstaining: boolean,
): string {
  const { keep } = outputColumns(input, labels, abstaining);
  const rows = input.rows.map((row, index) => ({
    ...Object.fromEntries(keep.map((column) => [input.columns[column]!, row[column] ?? ''])),
    predicted_label: predictions[index]?.label ?? null,
    predicted_score: predictions[index]?.score ?? null,
    ...(abstaining ? { abstained: predictions[index]?.abstained ?? null } : {}),
    probabilities: predictions[index]?.probabilities ?? null,
  }));
  return `${JSON.stringify(rows, null, 2)}\n`;
}

/** The `--json` rows: text, label, score and probabilities. */
function argumentRows(input: PredictInput, predictions: readonly (Prediction | undefined)[], abstaining: boolean) {
  return predictions.map((prediction, index) => ({
    text: input.rows[index]?.[input.textIndex] ?? '',
    label: prediction?.label ?? null,
    score: prediction?.score ?? null,
    ...(abstaining ? { abstained: prediction?.abstained ?? null } : {}),
    probabilities: prediction?.probabilities ?? null,
  }));
}

function toTable(
  input: PredictInput,
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

/** The input with an `explanation` column: each text with `word(+0.31)` marks. */
function withExplanationColumn(input: PredictInput, explanations: readonly (Explanation | undefined)[]): PredictInput {
  // An `explanation` column already in the input (an earlier run's output) is replaced, not repeated.
  const existing = input.columns.indexOf('explanation');
  const column = existing >= 0 ? existing : input.columns.length;
  const rows = input.rows.map((row, index) => {
    const explanation = explanations[index];
    const cells = [...row];
    cells[column] = explanation === undefined ? '' : markedText(explanation);
    return cells;
  });
  return { ...input, columns: existing >= 0 ? input.columns : [...input.columns, 'explanation'], rows };
}
