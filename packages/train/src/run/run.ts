import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '@senti/errors';
import { completedEpochs } from '../checkpoint.js';
import { fineTune, type FineTuneOptions, type FineTuneResult } from '../fine-tune/fine-tune.js';
import { resumeConflict, type ResumeConflict } from '../fine-tune/resume-rules.js';
import { saveRun, type SaveRunOptions } from '../fine-tune/save-run.js';
import type { FineTuneInput } from '../fine-tune/settings.js';
import { SETTING_KEYS } from '../fine-tune/setting-table.js';
import { createRunDirectory, type RunDirectory } from './run-directory.js';

/** The run's settings file: written when the run starts (so a killed run can be resumed), completed by {@link Run.save}. */
export const RUN_CONFIG = 'config.json';

/** What config.json holds from the run's start on. */
export interface RunConfig {
  /** The settings given (no defaults filled in: a later senti keeps its own defaults for what was not given). */
  settings: Partial<FineTuneInput>;
  /** The command line that started the run, when a command did. */
  command?: string[];
  /** ISO time the run was created (kept when it is resumed). */
  createdAt: string;
  /** Anything else the caller records (e.g. a sweep's grid). */
  [key: string]: unknown;
}

/** Where a run lives and what config.json records besides the settings. */
export interface CreateRunOptions {
  /** The run directory (default `runs/<timestamp>`); a non-empty one is refused unless `overwrite`. */
  dir?: string;
  overwrite?: boolean;
  /** How the user named the directory, for messages (the CLI: `--out`); default `--out`. */
  flag?: string;
  /** The command line, recorded in config.json. */
  command?: readonly string[];
  /** More fields for config.json (e.g. `{ sweep: grid }`). */
  config?: Record<string, unknown>;
}

/**
 * A training run that owns its directory: the layout (`model/`, `checkpoints/`, config.json and the result files),
 * the lock that keeps a second run out while this process lives, and the cleanup of a run that failed before its
 * first checkpoint. Made by {@link createRun}, {@link resumeRun} or {@link reproduceRun}; call {@link release} when done.
 */
export class Run {
  constructor(
    /** The locked directory. */
    readonly directory: RunDirectory,
    /** The settings the run trains with. */
    readonly settings: FineTuneInput,
    /** config.json as written at the start. */
    readonly config: RunConfig,
    /** True when the run continues from its checkpoints. */
    readonly resumed: boolean,
  ) {}

  /** The run directory (absolute). */
  get path(): string {
    return this.directory.path;
  }

  /** Where the model is saved. */
  get modelDir(): string {
    return this.directory.modelDir;
  }

  /** Where the per-epoch checkpoints are (what a resume continues from). */
  get checkpointDir(): string {
    return this.directory.checkpointDir;
  }

  /**
   * Trains with the run's settings, checkpoints in the run (continuing from them when resumed). A run that fails
   * before its first checkpoint leaves nothing: its directory is removed (then `existsSync(run.path)` is false).
   */
  async fineTune(options: Pick<FineTuneOptions, 'onEvent' | 'signal'> = {}): Promise<FineTuneResult> {
    try {
      return await fineTune({ ...this.settings, ...options, checkpointDir: this.checkpointDir, resume: this.resumed });
    } catch (error) {
      if (!existsSync(this.checkpointDir)) await this.directory.discard();
      throw error;
    }
  }

  /** Writes the result into the run directory (as {@link saveRun}), config.json completed with the run's record. */
  async save(
    result: FineTuneResult,
    options: Omit<SaveRunOptions, 'config'> = {},
  ): Promise<{ runDir: string; modelDir: string }> {
    const { settings: _settings, ...record } = this.config;
    return saveRun(result, this.path, { ...options, config: record });
  }

  /** Removes what the run created (when it failed before writing anything worth keeping) and its lock. */
  async discard(): Promise<void> {
    await this.directory.discard();
  }

  /** Gives up the lock: a later run may use the directory. Call once the run has ended, however it ended. */
  async release(): Promise<void> {
    await this.directory.release();
  }
}

/** The settings given, without the undefined ones (JSON would drop them anyway). */
function givenOnly(input: Partial<FineTuneInput>): Partial<FineTuneInput> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as Partial<FineTuneInput>;
}

/** Starts a run: creates and locks its directory and writes config.json (settings, command, time) before any work. */
export async function createRun(input: FineTuneInput, options: CreateRunOptions = {}): Promise<Run> {
  const directory = await createRunDirectory(options.dir, {
    overwrite: options.overwrite ?? false,
    ...(options.flag ? { flag: options.flag } : {}),
  });
  const config: RunConfig = {
    settings: givenOnly(input),
    ...options.config,
    ...(options.command ? { command: [...options.command] } : {}),
    createdAt: new Date().toISOString(),
  };
  try {
    await directory.writeJson(RUN_CONFIG, config);
  } catch (error) {
    await directory.discard();
    throw error;
  }
  return new Run(directory, input, config, false);
}

/** How {@link resumeRun} takes changes and names things in its messages. */
export interface ResumeRunOptions {
  /** Settings to change: only `epochs` (a new total) and the settings marked resumable; others are refused. */
  given?: Partial<FineTuneInput>;
  /** How the user named the directory (the CLI: `--resume`); default `--resume`. */
  flag?: string;
  /** A setting's name in messages (the CLI: its flag); default the setting's own name. */
  nameOf?: (key: string) => string;
  /** The command line of this continuation, recorded in config.json. */
  command?: readonly string[];
  /** Settings for what neither the run nor `given` sets (e.g. `offline` from the environment). */
  defaults?: Partial<FineTuneInput>;
}

/**
 * Continues a stopped run from its last checkpoint, with the settings of its config.json (and `given` changes the
 * checkpoint can take). Refuses, with one line, a directory that is no run, a sweep, and a change it cannot take.
 */
export async function resumeRun(dir: string, options: ResumeRunOptions = {}): Promise<Run> {
  const flag = options.flag ?? '--resume';
  const saved = await readRunConfig(dir, flag);
  const given = givenOnly(options.given ?? {});
  const conflict = resumeConflict(
    saved.settings as FineTuneInput,
    given,
    await completedEpochs(join(dir, 'checkpoints')),
  );
  if (conflict !== undefined)
    throw new UsageError(
      'CLI_RESUME_CHANGED',
      `${flag} ${dir}: ${describeResumeConflict(conflict, options.nameOf ?? ((key) => key))}`,
    );
  const settings = { ...givenOnly(options.defaults ?? {}), ...saved.settings, ...given } as FineTuneInput;
  const directory = await createRunDirectory(dir, { overwrite: true, flag });
  // The settings are written again: a new total of epochs must be what the next resume reads. Only the start's record
  // is kept: a finished run's config.json also holds its results, which this continuation will replace.
  const command = options.command ? [...options.command] : saved.command;
  const config: RunConfig = {
    settings,
    ...(command ? { command } : {}),
    createdAt: saved.createdAt,
    resumedAt: new Date().toISOString(),
  };
  try {
    await directory.writeJson(RUN_CONFIG, config);
  } catch (error) {
    await directory.release();
    throw error;
  }
  return new Run(directory, settings, config, true);
}

/**
 * A new run with the settings of another's config.json (a path, or the parsed object): same data, seed and settings,
 * so the same split, weights and figures. `given` changes settings; `dir` is the new run's directory.
 */
export async function reproduceRun(
  config: string | { settings?: unknown },
  options: CreateRunOptions & { given?: Partial<FineTuneInput> } = {},
): Promise<Run> {
  const name = typeof config === 'string' ? config : 'the config';
  const parsed = typeof config === 'string' ? await readJson(config, 'CLI_CONFIG_UNREADABLE', name) : config;
  const settings = settingsOf(parsed, name);
  const input = { ...settings, ...givenOnly(options.given ?? {}) };
  if (typeof input.data !== 'string' || /^\d+ in-memory rows$/.test(input.data)) {
    throw new UsageError(
      'CLI_CONFIG_INVALID',
      `${name}: the run was trained on ${typeof input.data === 'string' ? input.data : 'no data file'}; pass the rows as given.data`,
    );
  }
  return createRun(input as FineTuneInput, options);
}

/** The `settings` of a config.json, keeping only names senti knows (the saved record also holds resolved values). */
function settingsOf(parsed: unknown, name: string): Partial<FineTuneInput> {
  const settings = (parsed as { settings?: unknown } | null)?.settings;
  if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) {
    throw new UsageError(
      'CLI_CONFIG_INVALID',
      `${name} has no "settings" object; expected the config.json of a senti run`,
    );
  }
  const known = new Set<string>(SETTING_KEYS);
  return Object.fromEntries(
    Object.entries(settings).filter(([key, value]) => known.has(key) && value !== null),
  ) as Partial<FineTuneInput>;
}

async function readJson(file: string, code: 'CLI_CONFIG_UNREADABLE' | 'CLI_NOT_A_RUN', name: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UsageError(code, `${name}: cannot read it; expected the config.json of a senti run`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UsageError(
      code === 'CLI_NOT_A_RUN' ? code : 'CLI_CONFIG_INVALID',
      `${name} is not valid JSON; expected the config.json of a senti run`,
    );
  }
}

/** config.json of a run to resume, checked: a senti train run's (not a sweep's), with its settings. */
async function readRunConfig(dir: string, flag: string): Promise<RunConfig> {
  const configPath = join(dir, RUN_CONFIG);
  if (!existsSync(configPath))
    throw new UsageError(
      'CLI_NOT_A_RUN',
      `${flag} ${dir}: no config.json there; expected a run directory written by senti train`,
    );
  let config: Partial<RunConfig>;
  try {
    config = JSON.parse(await readFile(configPath, 'utf8')) as Partial<RunConfig>;
  } catch {
    throw new UsageError(
      'CLI_NOT_A_RUN',
      `${flag} ${dir}: config.json is not valid JSON; expected a run directory written by senti train`,
    );
  }
  if (typeof config.settings?.data !== 'string')
    throw new UsageError('CLI_NOT_A_RUN', `${flag} ${dir}: config.json has no training settings`);
  if (config.sweep !== undefined && config.sweep !== null) {
    // Resuming it as one run would train a single default model and rewrite config.json without the sweep.
    const again =
      Array.isArray(config.command) && config.command.every((part) => typeof part === 'string')
        ? `: senti ${config.command.join(' ')}`
        : '';
    throw new UsageError(
      'CLI_NOT_A_RUN',
      `${flag} ${dir}: the run is a --sweep, which cannot be resumed; run the sweep again (the feature cache keeps what was encoded)${again}`,
    );
  }
  return { createdAt: new Date().toISOString(), ...config, settings: config.settings };
}

/** A resume conflict in the user's words (`nameOf` gives a setting's name: its flag on the command line). */
export function describeResumeConflict(
  conflict: ResumeConflict,
  nameOf: (key: string) => string = (key) => key,
): string {
  const shown = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
  const epochs = nameOf('epochs');
  switch (conflict.reason) {
    case 'changed':
      return `${nameOf(conflict.key)} ${shown(conflict.given)} differs from the run's ${shown(conflict.saved)}; only ${epochs} may change when resuming (start a new run to change it)`;
    case 'below-completed':
      return `${epochs} ${conflict.given} is below the ${conflict.completed} epochs the run already completed; give the new total`;
    case 'linear-schedule':
      return `${epochs} cannot change for a run with --schedule linear (its learning rate decays over the planned ${conflict.saved} epochs); start a new run for ${conflict.given} epochs`;
  }
}
