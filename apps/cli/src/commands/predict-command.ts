import { extname } from 'node:path';
import type { Command } from 'commander';
import { loadTexts } from '@senti/data';
import { UsageError } from '@senti/errors';
import { loadModel, type Device, type Prediction } from '@senti/model';
import { ConsoleOutput } from '../output/console-output.js';
import { textTable } from '../output/text-table.js';
import { writeFileAtomic } from '@senti/model';
import { parseChoice } from '../options/parse-values.js';
import { newCommand } from './new-command.js';

interface PredictFlags {
  modelDir: string;
  input?: string;
  textColumn?: string;
  output?: string;
  format?: 'table' | 'json' | 'csv';
  device?: Device;
  offline?: boolean;
  encoder?: string;
  json?: boolean;
}

/** `senti predict`: labels and probabilities for texts given as arguments or in a file. */
export function predictCommand(): Command {
  return newCommand('predict', 'Predict labels and probabilities with a trained model.')
    .argument('[texts...]', 'texts to classify (quote each one)')
    .requiredOption('--model-dir <dir>', 'run directory (or its model/ folder) written by senti train')
    .option('--input <file>', 'CSV/TSV (text column) or .txt (one text per line) to classify')
    .option('--text-column <name>', 'text column of --input (default: "sentence", else "text")')
    .option('--output <file>', 'write predictions to a .csv or .json file instead of stdout')
    .option('--format <table|json|csv>', 'stdout format (default: table; --json implies json)', parseChoice('--format', ['table', 'json', 'csv']))
    .option('--device <auto|cpu|gpu>', 'where encoder and head run (default: auto)', parseChoice('--device', ['auto', 'cpu', 'gpu']))
    .option('--encoder <id|dir>', 'where the encoder lives now, if it moved since training')
    .option('--offline', 'never download models (also SENTI_OFFLINE=1)')
    .action(async (args: string[], flags: PredictFlags) => {
      if (args.length > 0 && flags.input) throw new UsageError('CLI_BAD_OPTION', 'give texts as arguments or --input <file>, not both');
      if (args.length === 0 && !flags.input) throw new UsageError('CLI_MISSING_OPTION', 'predict needs texts as arguments or --input <file>');
      const texts = flags.input ? (await loadTexts(flags.input, { textColumn: flags.textColumn })).texts : args;
      const output = new ConsoleOutput({ json: flags.json ?? false });
      const model = await loadModel(flags.modelDir, {
        offline: flags.offline || process.env.SENTI_OFFLINE === '1',
        ...(flags.device ? { device: flags.device } : {}),
        ...(flags.encoder ? { encoderModel: flags.encoder } : {}),
      });
      try {
        const predictions = await model.predict(texts);
        const labels = model.manifest.labelNames;
        if (flags.output) {
          const format = extname(flags.output).toLowerCase() === '.json' ? 'json' : 'csv';
          await writeFileAtomic(flags.output, format === 'json' ? toJson(texts, predictions) : toCsv(texts, predictions, labels));
          output.line(`wrote ${predictions.length} predictions to ${flags.output}`);
          return;
        }
        const format = flags.json ? 'json' : (flags.format ?? 'table');
        if (format === 'json') process.stdout.write(toJson(texts, predictions));
        else if (format === 'csv') process.stdout.write(toCsv(texts, predictions, labels));
        else output.line(toTable(texts, predictions, labels));
      } finally {
        await model.dispose();
      }
    });
}

function toJson(texts: readonly string[], predictions: readonly Prediction[]): string {
  const rows = predictions.map((prediction, index) => ({ text: texts[index], label: prediction.label, score: prediction.score, probabilities: prediction.probabilities }));
  return `${JSON.stringify(rows, null, 2)}\n`;
}

function toCsv(texts: readonly string[], predictions: readonly Prediction[], labels: readonly string[]): string {
  const quote = (text: string): string => (/[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  const header = ['text', 'label', 'score', ...labels.map((label) => `p_${label}`)].map(quote).join(',');
  const rows = predictions.map((prediction, index) =>
    [quote(texts[index] ?? ''), quote(prediction.label), prediction.score, ...labels.map((label) => prediction.probabilities[label] ?? 0)].join(','),
  );
  return `${header}\n${rows.join('\n')}\n`;
}

function toTable(texts: readonly string[], predictions: readonly Prediction[], labels: readonly string[]): string {
  const width = 80 - 2 * 2 - 10 - 7 - labels.length * 9;
  const shorten = (text: string): string => (text.length > width ? `${text.slice(0, Math.max(8, width) - 1)}…` : text);
  const rows = predictions.map((prediction, index) => [
    shorten((texts[index] ?? '').replace(/\s+/g, ' ')),
    prediction.label,
    ...labels.map((label) => (prediction.probabilities[label] ?? 0).toFixed(3)),
  ]);
  return textTable(['text', 'label', ...labels.map((label) => `p(${label})`)], rows);
}
