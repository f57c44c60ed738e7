import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { isSentiError, TrainError, UsageError } from '@senti/errors';
import {
  createRun,
  isOffline,
  mostConfidentMistakes,
  resumeRun,
  runSummary,
  testRows,
  type FineTuneInput,
  type FineTuneResult,
  type Run,
  type SweepGrid,
} from '@senti/train';
import { SETTING_KEYS } from '@senti/train/settings';
import type { CliContext } from '../cli-context.js';
import type { ConsoleOutput } from '../output/console-output.js';
import { fineTuneRenderer } from '../output/fine-tune-renderer.js';
import { printTestReport } from '../output/print-summaries.js';
import { printTrust } from '../output/print-trust.js';
import { textTable } from '../output/text-table.js';
import { addOptions } from '../options/command-options.js';
import {
  addSettingOptions,
  assertNoSettingConflict,
  flagOf,
  givenSettings,
  readConfigSettings,
} from '../options/setting-options.js';
import { assertGatesPassed, evaluateGates } from './quality-gates.js';
import { newCommand } from './new-command.js';
import { collectSweep, runSweep } from './sweep-run.js';

/** The flags of `senti train` that are not settings (the settings' flags come from @senti/train's table). */
interface TrainFlags {
  resume?: string;
  config?: string;
  out?: string;
  overwrite?: boolean;
  cacheDir?: string;
  cache: boolean;
  bundleEncoder?: boolean;
  minAccuracy?: number;
  minF1?: number;
  json?: boolean;
  sweep?: SweepGrid;
}

/** `senti train`: the main job. */
export function trainCommand(context: CliContext): Command {
  const command = newCommand(
    'train',
    'Split the data, encode it once with the frozen encoder, train the head, report on the test split.',
    context,
  );
  // The settings' flags in table order; the run's own flags stand before the environment settings (from --offline on).
  const environment = SETTING_KEYS.indexOf('offline');
  addSettingOptions(command, SETTING_KEYS.slice(0, environment))
    .option('--config <file>', "settings from a run's config.json (flags given here override them)")
    .option(
      '--resume <run-dir>',
      'continue a stopped run from its last checkpoint (same settings; --epochs may raise the total)',
    )
    .option('--out <dir>', 'run directory (default: runs/<timestamp>)')
    .option('--overwrite', 'allow --out to be a non-empty directory');
  addSettingOptions(command, SETTING_KEYS.slice(environment))
    .option(
      '--bundle-encoder',
      'copy the encoder into the model directory, so it works anywhere on its own (default: only when no Hub id or nearby path names it)',
    )
    .option(
      '--sweep <key=values>',
      'try head settings on features encoded once, keep the best by validation loss (repeatable; keys lr, dropout, weight-decay, batch-size, epochs), e.g. --sweep lr=1e-3,3e-4 --sweep dropout=0.1,0.3',
      collectSweep,
    );
  return addOptions(command, ['minAccuracy', 'minF1'], {
    help: {
      minAccuracy: 'exit 3 if test accuracy is below x (after writing everything)',
      minF1: 'exit 3 if test macro F1 is below x (after writing everything)',
    },
  }).action(async (flags: TrainFlags, command: Command) => {
    const output = context.console(flags.json);
    const given = givenSettings(command);
    if (flags.cache === false && flags.cacheDir !== undefined)
      throw new UsageError('CLI_BAD_OPTION', '--cache-dir and --no-cache contradict each other: drop one');
    if (flags.resume !== undefined) {
      for (const [flag, value] of [
        ['--config', flags.config],
        ['--out', flags.out],
        ['--overwrite', flags.overwrite],
      ] as const) {
        if (value !== undefined)
          throw new UsageError(
            'CLI_BAD_OPTION',
            `${flag} cannot be used with --resume, which continues in the run directory with its own settings`,
          );
      }
    }
    if (flags.resume !== undefined && flags.sweep)
      throw new UsageError(
        'CLI_BAD_OPTION',
        '--sweep cannot be combined with --resume; run the sweep again (the feature cache makes it cheap)',
      );
    // A resumed run is opened (and locked) here: its settings come from its config.json.
    const resumed =
      flags.resume !== undefined
        ? await resumeRun(flags.resume, {
            given,
            flag: '--resume',
            nameOf: flagOf,
            command: context.args,
            defaults: isOffline() ? { offline: true } : {},
          })
        : undefined;
    const input = resumed
      ? { ...resumed.settings }
      : { ...(flags.config !== undefined ? await readConfigSettings(flags.config) : {}), ...given };
    try {
      assertNoSettingConflict(input);
    } catch (error) {
      await resumed?.release();
      throw error;
    }
    if (input.data === undefined) {
      throw new UsageError(
        'CLI_MISSING_OPTION',
        'train needs --data <file> (a CSV with a text and a label column), --config <run/config.json>, or --resume <run-dir>',
      );
    }
    if (input.offline === undefined && isOffline()) input.offline = true;
    const runOptions = {
      given,
      signal: context.cancelSignal(),
      args: context.args,
      out: flags.out,
      overwrite: flags.overwrite ?? false,
      resume: flags.resume,
      bundleEncoder: flags.bundleEncoder ?? false,
      invocation: context.command,
    };
    const summary = flags.sweep
      ? await runSweep(input as FineTuneInput, flags.sweep, output, runOptions)
      : await runTrain(input as FineTuneInput, output, { ...runOptions, resumed });
    context.result = summary;
    context.gates = evaluateGates({ accuracy: summary.testAccuracy, macroF1: summary.testMacroF1 }, flags);
    assertGatesPassed(context.gates);
  });
}

/** Trains in a run directory (a new one, or the resumed run), prints the results and returns the summary. */
async function runTrain(
  input: FineTuneInput,
  output: ConsoleOutput,
  options: {
    args: readonly string[];
    out?: string;
    overwrite: boolean;
    resume?: string;
    resumed?: Run;
    bundleEncoder?: boolean;
    invocation?: string;
    signal?: AbortSignal;
  },
) {
  const run =
    options.resumed ??
    (await createRun(input, {
      ...(options.out !== undefined ? { dir: options.out } : {}),
      overwrite: options.overwrite,
      command: options.args,
    }));
  try {
    return await trainIn(run, input, output, options);
  } finally {
    await run.release();
  }
}

/** {@link runTrain} in its locked run directory. */
async function trainIn(
  run: Run,
  input: FineTuneInput,
  output: ConsoleOutput,
  options: { bundleEncoder?: boolean; invocation?: string; signal?: AbortSignal },
) {
  let result: FineTuneResult;
  try {
    result = await run.fineTune({
      signal: options.signal,
      onEvent: fineTuneRenderer(output, { data: input.data }),
    });
  } catch (error) {
    // The run removed its directory when it failed before its first checkpoint: nothing half-written.
    const kept = existsSync(run.checkpointDir);
    if (isSentiError(error) && error.code === 'TRAIN_ABORTED') {
      const reason = typeof options.signal?.reason === 'string' ? options.signal.reason : 'Ctrl-C';
      throw new TrainError('TRAIN_ABORTED', `training was cancelled (${reason})`, 'runtime', {
        hint: kept
          ? `the checkpoints of the finished epochs are kept: continue with ${options.invocation ?? 'senti'} train --resume ${displayPath(run)}`
          : 'nothing was kept',
      });
    }
    throw error;
  }
  try {
    printTestReport(output, result.report, result.confusionMatrix, result.rocAuc);
    printTrust(output, result);
    printWorstMistakes(output, result);
    const { runDir, modelDir } = await run.save(result, {
      onWarning: (message) => output.line(message),
      ...(options.bundleEncoder ? { bundleEncoder: true } : {}),
    });
    output.section(`Run saved to ${displayPath(run)}`);
    output.line(
      '  model, config.json, metrics.json, history.csv, report.txt, test-predictions.csv, misclassified.csv, confusion-matrix.{csv,svg,png}, plots',
    );
    if (result.calibration)
      output.line('  calibration.{svg,png}: reliability diagram before and after temperature scaling');
    output.line(
      `  explanations.html: the most confident test mistakes with the words behind them: ${pathToFileURL(join(runDir, 'explanations.html')).href}`,
    );
    output.line(`  try: ${options.invocation ?? 'senti'} predict --model-dir ${displayPath(run)} "what a great film"`);
    const { maxLength } = result;
    return {
      ...runSummary(result, runDir, modelDir),
      maxLengthChoice: {
        used: maxLength.maxLength,
        mode: maxLength.mode,
        requested: maxLength.requested,
        modelMaxLength: maxLength.modelMaxLength,
        coverage: maxLength.coverage,
      },
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
  output.section(
    `Most confident mistakes (all in misclassified.csv)`,
    textTable(
      ['text', 'true', 'predicted', 'score'],
      mistakes.map((row) => [shorten(row.text), row.label, row.predicted, row.score.toFixed(3)]),
    ).replace(/^/gm, '  '),
  );
}

function displayPath(run: Run): string {
  const path = relative(process.cwd(), run.path);
  return path.startsWith('..') || path === '' ? run.path : path;
}
