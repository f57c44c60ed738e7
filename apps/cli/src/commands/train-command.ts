import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '@senti/errors';
import type { Device, DtypeChoice, Pooling } from '@senti/model';
import { DEFAULT_SETTINGS, fineTune, resolveSettings, saveRun, runSummary, mostConfidentMistakes, testRows, type FineTuneInput, type FineTuneResult, type SweepGrid } from '@senti/train';
import type { CliContext } from '../cli-context.js';
import type { ConsoleOutput } from '../output/console-output.js';
import { fineTuneRenderer } from '../output/fine-tune-renderer.js';
import { printTestReport } from '../output/print-summaries.js';
import { createRunDirectory, type RunDirectory } from '../output/run-directory.js';
import { textTable } from '../output/text-table.js';
import { writePlots } from '../output/write-plots.js';
import { parseChoice, parseInteger, parseLabelNames, parseMaxLength, parseNumber } from '../options/parse-values.js';
import { flagOf, readConfigSettings, RESUMABLE_KEYS } from '../options/train-settings.js';
import { assertGatesPassed, evaluateGates } from './quality-gates.js';
import { newCommand } from './new-command.js';
import { collectSweep, runSweep } from './sweep-run.js';

interface TrainFlags {
  data?: string;
  val?: string;
  test?: string;
  textColumn?: string;
  encoding?: string;
  delimiter?: string;
  labelColumn?: string;
  labelNames?: Record<string, string>;
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
  config?: string;
  out?: string;
  overwrite?: boolean;
  offline?: boolean;
  cache: boolean;
  cacheDir?: string;
  keepDuplicates?: boolean;
  bundleEncoder?: boolean;
  minAccuracy?: number;
  minF1?: number;
  json?: boolean;
  sweep?: SweepGrid;
}

const D = DEFAULT_SETTINGS;

/** `senti train`: the main job. */
export function trainCommand(context: CliContext): Command {
  return newCommand('train', 'Split the data, encode it once with the frozen encoder, train the head, report on the test split.', context)
    .option('--data <file>', 'CSV/TSV with a text and a label column (required unless --resume)')
    .option('--text-column <name>', 'text column (default: "sentence", else "text")')
    .option('--encoding <name>', 'text encoding of CSV files without a byte-order mark (default: utf-8; e.g. cp1252, latin1, utf-16le)')
    .option('--delimiter <char>', 'column delimiter (default: by extension, or the one other delimiter the header uses)')
    .option('--label-column <name>', 'label column (default: "label")')
    .option('--label-names <pairs>', 'display names for label values, e.g. 0=negative,1=positive', parseLabelNames)
    .option('--val <file>', 'validation file (with --test: use these instead of a 70/15/15 split)')
    .option('--test <file>', 'test file (with --val)')
    .option('--model <id|dir>', `encoder: Hugging Face hub id or local directory (default: ${D.model})`)
    .option('--max-length <auto|n>', 'padding length in tokens (default: auto, covers 95% of training texts)', parseMaxLength)
    .option('--coverage <share>', 'share of training texts --max-length auto must fit (default: 0.95)', parseNumber('--coverage', 0.01, 1))
    .option('--epochs <n>', `training epochs (default: ${D.epochs}); with --resume: the new total`, parseInteger('--epochs'))
    .option('--batch-size <n>', `batch size (default: ${D.batchSize})`, parseInteger('--batch-size'))
    .option('--lr <rate>', `AdamW learning rate of the head (default: ${D.learningRate})`, parseNumber('--lr', 0))
    .option('--weight-decay <w>', `AdamW decoupled weight decay (default: ${D.weightDecay})`, parseNumber('--weight-decay', 0))
    .option('--seed <n>', `seed for split, shuffles, dropout and init (default: ${D.seed})`, parseInteger('--seed', 0))
    .option('--device <auto|cpu|gpu>', 'where encoder and head run (default: auto)', parseChoice('--device', ['auto', 'cpu', 'gpu']))
    .option('--dtype <auto|fp32|fp16|q8|int8>', 'encoder weights (default: auto = int8 on CPU when the model has it, else fp32)', parseChoice('--dtype', ['auto', 'fp32', 'fp16', 'q8', 'int8']))
    .option('--pooling <pooler|cls|mean>', 'sentence vector (default: pooler when the model has it)', parseChoice('--pooling', ['pooler', 'cls', 'mean']))
    .option('--preset <name>', 'tutorial: lr 1e-5, max length 17, pooler, fp32, batch 32, 10 epochs, seed 2021', parseChoice('--preset', ['tutorial']))
    .option('--patience <n>', 'stop after n epochs without a better validation loss', parseInteger('--patience'))
    .option('--unfreeze <k>', 'also fine-tune the top k encoder layers (default: 0, frozen encoder)', parseInteger('--unfreeze', 0))
    .option('--encoder-lr <rate>', `AdamW learning rate of unfrozen layers (default: ${D.encoderLearningRate})`, parseNumber('--encoder-lr', 0))
    .option('--schedule <constant|linear>', 'learning-rate schedule with --unfreeze: linear = 10% warm-up then decay (default: constant)', parseChoice('--schedule', ['constant', 'linear']))
    .option('--config <file>', "settings from a run's config.json (flags given here override them)")
    .option('--resume <run-dir>', 'continue a stopped run from its last checkpoint (same settings; --epochs may raise the total)')
    .option('--out <dir>', 'run directory (default: runs/<timestamp>)')
    .option('--overwrite', 'allow --out to be a non-empty directory')
    .option('--offline', 'never download models (also SENTI_OFFLINE=1)')
    .option('--cache-dir <dir>', 'feature cache directory (default: SENTI_CACHE_DIR or ~/.cache/senti)')
    .option('--no-cache', 'encode everything again, without reading or writing the feature cache')
    .option('--keep-duplicates', 'keep repeated (text, label) rows (the tutorial does)')
    .option('--bundle-encoder', 'copy the encoder into the model directory, so it works anywhere on its own (default: only when no Hub id or nearby path names it)')
    .option('--sweep <key=values>', 'try head settings on features encoded once, keep the best by validation loss (repeatable; keys lr, dropout, weight-decay, batch-size, epochs), e.g. --sweep lr=1e-3,3e-4 --sweep dropout=0.1,0.3', collectSweep)
    .option('--min-accuracy <x>', 'exit 3 if test accuracy is below x (after writing everything)', parseNumber('--min-accuracy', 0, 1))
    .option('--min-f1 <x>', 'exit 3 if test macro F1 is below x (after writing everything)', parseNumber('--min-f1', 0, 1))
    .action(async (flags: TrainFlags, command: Command) => {
      const output = context.console(flags.json);
      const given = givenSettings(flags, command);
      if (flags.cache === false && flags.cacheDir !== undefined) throw new UsageError('CLI_BAD_OPTION', '--cache-dir and --no-cache contradict each other: drop one');
      if (flags.resume !== undefined) {
        for (const [flag, value] of [['--config', flags.config], ['--out', flags.out], ['--overwrite', flags.overwrite]] as const) {
          if (value !== undefined) throw new UsageError('CLI_BAD_OPTION', `${flag} cannot be used with --resume, which continues in the run directory with its own settings`);
        }
      }
      const input = flags.resume !== undefined
        ? await resumedSettings(flags.resume, given)
        : { ...(flags.config !== undefined ? await readConfigSettings(flags.config) : {}), ...given };
      if (input.data === undefined) {
        throw new UsageError('CLI_MISSING_OPTION', 'train needs --data <file> (a CSV with a text and a label column), --config <run/config.json>, or --resume <run-dir>');
      }
      if (input.offline === undefined && process.env.SENTI_OFFLINE === '1') input.offline = true;
      const runOptions = { args: context.args, out: flags.out, overwrite: flags.overwrite ?? false, resume: flags.resume, bundleEncoder: flags.bundleEncoder ?? false };
      const summary = flags.sweep ? await runSweep(input as FineTuneInput, flags.sweep, output, runOptions) : await runTrain(input as FineTuneInput, output, runOptions);
      context.result = summary;
      context.gates = evaluateGates({ accuracy: summary.testAccuracy, macroF1: summary.testMacroF1 }, flags);
      assertGatesPassed(context.gates);
    });
}

/** The training settings given on the command line (not defaults), as FineTuneInput fields. */
function givenSettings(flags: TrainFlags, command: Command): Partial<FineTuneInput> {
  const fromCli = (name: keyof TrainFlags): boolean => command.getOptionValueSource(name) === 'cli';
  const pick = <K extends keyof TrainFlags>(name: K) => (fromCli(name) ? flags[name] : undefined);
  const settings: Partial<FineTuneInput> = {
    data: pick('data'), val: pick('val'), test: pick('test'), textColumn: pick('textColumn'), labelColumn: pick('labelColumn'), encoding: pick('encoding'), delimiter: pick('delimiter'),
    labelNames: pick('labelNames'), model: pick('model'), maxLength: pick('maxLength'), coverage: pick('coverage'), epochs: pick('epochs'),
    batchSize: pick('batchSize'), learningRate: pick('lr'), weightDecay: pick('weightDecay'), seed: pick('seed'), device: pick('device'),
    dtype: pick('dtype'), pooling: pick('pooling'), patience: pick('patience'), preset: pick('preset'), offline: pick('offline'),
    unfreeze: pick('unfreeze'), encoderLearningRate: pick('encoderLr'), schedule: pick('schedule'),
    cacheDir: pick('cacheDir'), cache: fromCli('cache') ? flags.cache : undefined, dropDuplicates: fromCli('keepDuplicates') ? false : undefined,
  };
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)) as Partial<FineTuneInput>;
}

/** Runs fineTune with a run directory: settings first (so a killed run can be resumed), then every result file. */
async function runTrain(input: FineTuneInput, output: ConsoleOutput, options: { args: readonly string[]; out?: string; overwrite: boolean; resume?: string; bundleEncoder?: boolean }) {
  if ((input.val === undefined) !== (input.test === undefined)) {
    throw new UsageError('CLI_BAD_OPTION', '--val and --test go together: give both files, or neither to split --data 70/15/15');
  }
  const run = options.resume
    ? await createRunDirectory(options.resume, { overwrite: true, flag: '--resume' })
    : await createRunDirectory(options.out, { overwrite: options.overwrite });
  const settings = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
  const command = [...options.args];
  let result: FineTuneResult;
  try {
    await run.writeJson('config.json', { settings, command, createdAt: new Date().toISOString() });
    result = await fineTune({
      ...input,
      checkpointDir: run.checkpointDir,
      resume: Boolean(options.resume),
      onEvent: fineTuneRenderer(output, { data: input.data, seed: input.seed ?? DEFAULT_SETTINGS.seed, dtype: input.dtype ?? DEFAULT_SETTINGS.dtype }),
    });
  } catch (error) {
    // Nothing half-written: a run that failed before its first checkpoint leaves no directory behind.
    if (!existsSync(run.checkpointDir)) await run.discard();
    throw error;
  }
  try {
    printTestReport(output, result.report, result.confusionMatrix, result.rocAuc);
    printWorstMistakes(output, result);
    warnIfDegenerate(output, result);
    const { runDir, modelDir } = await saveRun(result, run.path, { config: { command, createdAt: new Date().toISOString() }, ...(options.bundleEncoder ? { bundleEncoder: true } : {}) });
    await writePlots(result, runDir, (message) => output.line(message));
    output.section(`Run saved to ${displayPath(run)}`);
    output.line('  model, config.json, metrics.json, history.csv, report.txt, test-predictions.csv, misclassified.csv, confusion-matrix.{csv,svg,png}, plots');
    output.line(`  try: senti predict --model-dir ${displayPath(run)} "what a great film"`);
    const { maxLength } = result;
    return {
      ...runSummary(result, runDir, modelDir),
      maxLengthChoice: { used: maxLength.maxLength, mode: maxLength.mode, requested: maxLength.requested, modelMaxLength: maxLength.modelMaxLength, coverage: maxLength.coverage },
      labels: result.splits.labelNames,
      epochs: result.settings.epochs,
    };
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

/** The settings of a run to resume, with --epochs as the new total; any other changed setting is refused. */
async function resumedSettings(runDir: string, given: Partial<FineTuneInput>): Promise<Partial<FineTuneInput>> {
  const configPath = join(runDir, 'config.json');
  if (!existsSync(configPath)) {
    throw new UsageError('CLI_NOT_A_RUN', `--resume ${runDir}: no config.json there; expected a run directory written by senti train`);
  }
  let config: { settings?: Partial<FineTuneInput> };
  try {
    config = JSON.parse(await readFile(configPath, 'utf8')) as typeof config;
  } catch {
    throw new UsageError('CLI_NOT_A_RUN', `--resume ${runDir}: config.json is not valid JSON; expected a run directory written by senti train`);
  }
  if (typeof config.settings?.data !== 'string') throw new UsageError('CLI_NOT_A_RUN', `--resume ${runDir}: config.json has no training settings`);
  const saved = resolveSettings(config.settings as FineTuneInput) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(given)) {
    if (RESUMABLE_KEYS.has(key) || JSON.stringify(value) === JSON.stringify(saved[key])) continue;
    const shown = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
    throw new UsageError('CLI_RESUME_CHANGED', `--resume ${runDir}: ${flagOf(key)} ${shown(value)} differs from the run's ${shown(saved[key])}; only --epochs may change when resuming (start a new run to change it)`);
  }
  const completed = await completedEpochs(join(runDir, 'checkpoints'));
  if (given.epochs !== undefined && completed !== undefined && given.epochs < completed) {
    throw new UsageError('CLI_RESUME_CHANGED', `--resume ${runDir}: --epochs ${given.epochs} is below the ${completed} epochs the run already completed; give the new total`);
  }
  // A linear schedule decays over the planned total, so a new total would change every step's learning rate.
  if (given.epochs !== undefined && given.epochs !== saved.epochs && saved.schedule === 'linear' && Number(saved.unfreeze) > 0) {
    throw new UsageError('CLI_RESUME_CHANGED', `--resume ${runDir}: --epochs cannot change for a run with --schedule linear (its learning rate decays over the planned ${String(saved.epochs)} epochs); start a new run for ${given.epochs} epochs`);
  }
  // With the constant schedule nothing depends on the total, so a new total continues the same trajectory exactly.
  return { ...config.settings, ...given };
}

/** The last completed epoch recorded in a run's checkpoint, if any. */
async function completedEpochs(checkpointDir: string): Promise<number | undefined> {
  try {
    const state = JSON.parse(await readFile(join(checkpointDir, 'checkpoint.json'), 'utf8')) as { epoch?: unknown };
    return typeof state.epoch === 'number' ? state.epoch : undefined;
  } catch {
    return undefined;
  }
}
