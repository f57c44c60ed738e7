import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '@senti/errors';
import type { Device, DtypeChoice, Pooling } from '@senti/model';
import { DEFAULT_SETTINGS, fineTune, saveRun, runSummary, mostConfidentMistakes, testRows, type FineTuneInput, type FineTuneResult, type FineTuneSettings } from '@senti/train';
import { ConsoleOutput } from '../output/console-output.js';
import { fineTuneRenderer } from '../output/fine-tune-renderer.js';
import { printTestReport } from '../output/print-summaries.js';
import { createRunDirectory, type RunDirectory } from '../output/run-directory.js';
import { textTable } from '../output/text-table.js';
import { writePlots } from '../output/write-plots.js';
import { parseChoice, parseInteger, parseMaxLength, parseNumber } from '../options/parse-values.js';
import { checkQualityGates } from './quality-gates.js';
import { newCommand } from './new-command.js';

interface TrainFlags {
  data?: string;
  val?: string;
  test?: string;
  textColumn?: string;
  labelColumn?: string;
  model?: string;
  maxLength?: 'auto' | number;
  coverage?: number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  weightDecay?: number;
  seed?: number;
  device?: Device;
  dtype?: DtypeChoice;
  pooling?: Pooling;
  preset?: 'tutorial';
  patience?: number;
  unfreeze?: number;
  encoderLr?: number;
  schedule?: 'constant' | 'linear';
  resume?: string;
  out?: string;
  overwrite?: boolean;
  offline?: boolean;
  cache: boolean;
  cacheDir?: string;
  keepDuplicates?: boolean;
  minAccuracy?: number;
  minF1?: number;
  json?: boolean;
}

const D = DEFAULT_SETTINGS;

/** `senti train`: the main job. */
export function trainCommand(): Command {
  return newCommand('train', 'Split the data, encode it once with the frozen encoder, train the head, report on the test split.')
    .option('--data <file>', 'CSV/TSV with a text and a label column (required unless --resume)')
    .option('--text-column <name>', 'text column (default: "sentence", else "text")')
    .option('--label-column <name>', 'label column (default: "label")')
    .option('--val <file>', 'validation file (with --test: use these instead of a 70/15/15 split)')
    .option('--test <file>', 'test file (with --val)')
    .option('--model <id|dir>', `encoder: Hugging Face hub id or local directory (default: ${D.model})`)
    .option('--max-length <auto|n>', 'padding length in tokens (default: auto, covers 95% of training texts)', parseMaxLength)
    .option('--coverage <share>', 'share of training texts --max-length auto must fit (default: 0.95)', parseNumber('--coverage', 0.01, 1))
    .option('--epochs <n>', `training epochs (default: ${D.epochs})`, parseInteger('--epochs'))
    .option('--batch-size <n>', `batch size (default: ${D.batchSize})`, parseInteger('--batch-size'))
    .option('--lr <rate>', `AdamW learning rate of the head (default: ${D.learningRate})`, parseNumber('--lr', 0))
    .option('--weight-decay <w>', `AdamW decoupled weight decay (default: ${D.weightDecay})`, parseNumber('--weight-decay', 0))
    .option('--seed <n>', `seed for split, shuffles, dropout and init (default: ${D.seed})`, parseInteger('--seed', 0))
    .option('--device <auto|cpu|gpu>', 'where encoder and head run (default: auto)', parseChoice('--device', ['auto', 'cpu', 'gpu']))
    .option('--dtype <auto|fp32|fp16|q8>', 'encoder weights (default: auto = int8 q8 on CPU, fp32 on GPU)', parseChoice('--dtype', ['auto', 'fp32', 'fp16', 'q8']))
    .option('--pooling <pooler|cls|mean>', 'sentence vector (default: pooler when the model has it)', parseChoice('--pooling', ['pooler', 'cls', 'mean']))
    .option('--preset <name>', 'tutorial: lr 1e-5, max length 17, pooler, fp32, batch 32, 10 epochs, seed 2021', parseChoice('--preset', ['tutorial']))
    .option('--patience <n>', 'stop after n epochs without a better validation loss', parseInteger('--patience'))
    .option('--unfreeze <k>', 'also fine-tune the top k encoder layers (default: 0, frozen encoder)', parseInteger('--unfreeze', 0))
    .option('--encoder-lr <rate>', `AdamW learning rate of unfrozen layers (default: ${D.encoderLearningRate})`, parseNumber('--encoder-lr', 0))
    .option('--schedule <constant|linear>', 'learning-rate schedule with --unfreeze: linear = 10% warm-up then decay (default: constant)', parseChoice('--schedule', ['constant', 'linear']))
    .option('--resume <run-dir>', 'continue a stopped run from its last checkpoint (same settings)')
    .option('--out <dir>', 'run directory (default: runs/<timestamp>)')
    .option('--overwrite', 'allow --out to be a non-empty directory')
    .option('--offline', 'never download models (also SENTI_OFFLINE=1)')
    .option('--cache-dir <dir>', 'feature cache directory (default: SENTI_CACHE_DIR or ~/.cache/senti)')
    .option('--no-cache', 'encode everything again, without reading or writing the feature cache')
    .option('--keep-duplicates', 'keep repeated (text, label) rows (the tutorial does)')
    .option('--min-accuracy <x>', 'exit 3 if test accuracy is below x (after writing everything)', parseNumber('--min-accuracy', 0, 1))
    .option('--min-f1 <x>', 'exit 3 if test macro F1 is below x (after writing everything)', parseNumber('--min-f1', 0, 1))
    .action(async (flags: TrainFlags) => {
      const output = new ConsoleOutput({ json: flags.json ?? false });
      if (!flags.data && !flags.resume) {
        throw new UsageError('CLI_MISSING_OPTION', 'train needs --data <file> (a CSV with a text and a label column), or --resume <run-dir>');
      }
      const input: FineTuneInput = {
        data: flags.data ?? '',
        val: flags.val,
        test: flags.test,
        textColumn: flags.textColumn,
        labelColumn: flags.labelColumn,
        model: flags.model,
        maxLength: flags.maxLength,
        coverage: flags.coverage,
        epochs: flags.epochs,
        batchSize: flags.batchSize,
        learningRate: flags.lr,
        weightDecay: flags.weightDecay,
        seed: flags.seed,
        device: flags.device,
        dtype: flags.dtype,
        pooling: flags.pooling,
        patience: flags.patience,
        unfreeze: flags.unfreeze,
        encoderLearningRate: flags.encoderLr,
        schedule: flags.schedule,
        offline: flags.offline || process.env.SENTI_OFFLINE === '1' || undefined,
        cacheDir: flags.cacheDir,
        cache: flags.cache,
        dropDuplicates: flags.keepDuplicates ? false : undefined,
        preset: flags.preset,
      };
      const summary = await runTrain(input, output, { out: flags.out, overwrite: flags.overwrite ?? false, resume: flags.resume });
      output.result(summary);
      checkQualityGates({ accuracy: summary.testAccuracy, macroF1: summary.testMacroF1 }, flags);
    });
}

/** Runs fineTune with a run directory: settings first (so a killed run can be resumed), then every result file. */
async function runTrain(flags: FineTuneInput, output: ConsoleOutput, options: { out?: string; overwrite: boolean; resume?: string }) {
  const input = options.resume ? await readResumedSettings(options.resume) : flags;
  if ((input.val === undefined) !== (input.test === undefined)) {
    throw new UsageError('CLI_BAD_OPTION', '--val and --test go together: give both files, or neither to split --data 70/15/15');
  }
  const run = options.resume
    ? await createRunDirectory(options.resume, { overwrite: true })
    : await createRunDirectory(options.out, { overwrite: options.overwrite });
  const settings = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
  const command = process.argv.slice(2);
  await run.writeJson('config.json', { settings, command, createdAt: new Date().toISOString() });
  const result = await fineTune({
    ...input,
    checkpointDir: run.checkpointDir,
    resume: Boolean(options.resume),
    onEvent: fineTuneRenderer(output, { data: input.data, seed: input.seed ?? DEFAULT_SETTINGS.seed, dtype: input.dtype ?? DEFAULT_SETTINGS.dtype }),
  });
  try {
    printTestReport(output, result.report, result.confusionMatrix, result.rocAuc);
    printWorstMistakes(output, result);
    warnIfDegenerate(output, result);
    const { runDir, modelDir } = await saveRun(result, run.path, { config: { command, createdAt: new Date().toISOString() } });
    await writePlots(result, runDir);
    output.section(`Run saved to ${displayPath(run)}`);
    output.line('  model, config.json, metrics.json, history.csv, report.txt, test-predictions.csv, misclassified.csv, confusion-matrix.{csv,svg,png}, plots');
    output.line(`  try: pnpm --filter cli start predict --model-dir ${displayPath(run)} "what a great film"`);
    return runSummary(result, runDir, modelDir);
  } finally {
    await result.model.dispose();
  }
}

/** The most confident test mistakes, for a first look at what the model gets wrong. */
function printWorstMistakes(output: ConsoleOutput, result: FineTuneResult, count = 5): void {
  const mistakes = mostConfidentMistakes(testRows(result)).slice(0, count);
  if (mistakes.length === 0) return;
  const shorten = (text: string) => (text.length > 50 ? `${text.slice(0, 49)}…` : text).replace(/\s+/g, ' ');
  output.section(`Most confident mistakes (all in misclassified.csv)`, textTable(['text', 'true', 'predicted', 'score'], mistakes.map((row) => [shorten(row.text), row.label, row.predicted, row.score.toFixed(3)])).replace(/^/gm, '  '));
}

/** Warns when the model predicts one class for every test row: its scores then mean little. */
function warnIfDegenerate(output: ConsoleOutput, result: FineTuneResult): void {
  const predicted = new Set(result.test.predictions);
  if (predicted.size === 1 && result.splits.labelNames.length > 1) {
    const only = result.splits.labelNames[[...predicted][0]!];
    output.line(`\nwarning: the model predicts "${only}" for every test text; it has not learned to tell the classes apart (try more epochs, a higher --lr, or --pooling mean)`);
  }
}

function displayPath(run: RunDirectory): string {
  const path = relative(process.cwd(), run.path);
  return path.startsWith('..') || path === '' ? run.path : path;
}

/** Reads the settings of a run to resume; the run must have been started by `senti train`. */
async function readResumedSettings(runDir: string): Promise<FineTuneInput> {
  const configPath = join(runDir, 'config.json');
  if (!existsSync(configPath)) {
    throw new UsageError('CLI_NOT_A_RUN', `--resume ${runDir}: no config.json there; expected a run directory written by senti train`);
  }
  const config = JSON.parse(await readFile(configPath, 'utf8')) as { settings?: Partial<FineTuneSettings> };
  if (typeof config.settings?.data !== 'string') throw new UsageError('CLI_NOT_A_RUN', `--resume ${runDir}: config.json has no training settings`);
  return config.settings as FineTuneInput;
}
