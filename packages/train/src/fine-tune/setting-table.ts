import { DEFAULT_MODEL } from '@senti/tokenize';
import type { FineTuneSettings } from './settings.js';

/** What kind of value a setting takes (decides how it is parsed from text and checked). */
export type SettingKind =
  | 'text' // a non-empty string
  | 'source' // a file path (a non-empty string) or, in the library, in-memory rows
  | 'integer'
  | 'number'
  | 'choice'
  | 'switch' // true or false; on the command line a flag without a value
  | 'max-length' // `auto` or a whole number
  | 'label-names'; // an object of label value -> display name

/** One setting of a fine-tuning run: its type, default, allowed values, help and flag, declared once. */
export interface SettingSpec {
  kind: SettingKind;
  /** The default (absent: unset unless given, e.g. `patience`). */
  default?: unknown;
  /** Smallest allowed value (inclusive), for numbers. */
  min?: number;
  /** Values must be above this (exclusive), for numbers. */
  above?: number;
  /** Largest allowed value (inclusive), for numbers. */
  max?: number;
  /** Values must be below this (exclusive), for numbers. */
  below?: number;
  /** The allowed words of a `choice`. */
  choices?: readonly string[];
  /** One line of help; `{default}` stands for the default value. */
  help: string;
  /** The command-line flag, without dashes (absent: set through a config file or a sweep only). */
  flag?: string;
  /** Placeholder of the flag's value in help, e.g. `<rate>` (absent for switches). */
  placeholder?: string;
  /** For a switch flag: the value the flag sets (`--no-cache` sets `cache` to false). */
  flagSets?: boolean;
  /** May change when a stopped run is resumed: it does not change what the checkpoint continues. */
  resumable?: boolean;
}

/**
 * Every fine-tuning setting, in the order `senti train --help` lists their flags. `fineTune` checks given values against
 * it, `DEFAULT_SETTINGS` comes from it, and the CLI generates its flags, the flag -> setting mapping and `--config`
 * checks from it. A new setting is one entry here (and its field in {@link FineTuneSettings}).
 */
export const SETTINGS = {
  data: { kind: 'source', flag: 'data', placeholder: '<file>', help: 'CSV/TSV with a text and a label column (required unless --resume)' },
  textColumn: { kind: 'text', flag: 'text-column', placeholder: '<name>', help: 'text column (default: "sentence", else "text")' },
  encoding: { kind: 'text', flag: 'encoding', placeholder: '<name>', help: 'text encoding of CSV files without a byte-order mark (default: utf-8; e.g. cp1252, latin1, utf-16le)' },
  delimiter: { kind: 'text', flag: 'delimiter', placeholder: '<char>', help: 'column delimiter (default: by extension, or the one other delimiter the header uses)' },
  labelColumn: { kind: 'text', flag: 'label-column', placeholder: '<name>', help: 'label column (default: "label")' },
  labelNames: { kind: 'label-names', flag: 'label-names', placeholder: '<pairs>', help: 'display names for label values, e.g. 0=negative,1=positive' },
  val: { kind: 'source', flag: 'val', placeholder: '<file>', help: 'validation file (with --test: use these instead of a 70/15/15 split)' },
  test: { kind: 'source', flag: 'test', placeholder: '<file>', help: 'test file (with --val)' },
  model: { kind: 'text', default: DEFAULT_MODEL, flag: 'model', placeholder: '<id|dir>', help: 'encoder: Hugging Face hub id or local directory (default: {default})' },
  maxLength: { kind: 'max-length', default: 'auto', min: 3, flag: 'max-length', placeholder: '<auto|n>', help: 'padding length in tokens (default: auto, covers 95% of training texts)' },
  coverage: { kind: 'number', default: 0.95, min: 0.01, max: 1, flag: 'coverage', placeholder: '<share>', help: 'share of training texts --max-length auto must fit (default: {default})' },
  epochs: { kind: 'integer', default: 10, min: 1, flag: 'epochs', placeholder: '<n>', resumable: true, help: 'training epochs (default: {default}); with --resume: the new total' },
  batchSize: { kind: 'integer', default: 32, min: 1, flag: 'batch-size', placeholder: '<n>', help: 'batch size (default: {default})' },
  learningRate: { kind: 'number', default: 1e-3, above: 0, flag: 'lr', placeholder: '<rate>', help: 'AdamW learning rate of the head (default: {default})' },
  weightDecay: { kind: 'number', default: 0.01, min: 0, flag: 'weight-decay', placeholder: '<w>', help: 'AdamW decoupled weight decay (default: {default})' },
  dropout: { kind: 'number', default: 0.1, min: 0, below: 1, help: 'dropout of the head during training (set with --sweep dropout=... or --config)' },
  seed: { kind: 'integer', default: 2021, min: 0, flag: 'seed', placeholder: '<n>', help: 'seed for split, shuffles, dropout and init (default: {default})' },
  device: { kind: 'choice', default: 'auto', choices: ['auto', 'cpu', 'gpu'], flag: 'device', placeholder: '<auto|cpu|gpu>', help: 'where encoder and head run (default: {default})' },
  dtype: { kind: 'choice', default: 'auto', choices: ['auto', 'fp32', 'fp16', 'q8', 'int8'], flag: 'dtype', placeholder: '<auto|fp32|fp16|q8|int8>', help: 'encoder weights (default: auto = int8 on CPU when the model has it, else fp32)' },
  pooling: { kind: 'choice', choices: ['pooler', 'cls', 'mean'], flag: 'pooling', placeholder: '<pooler|cls|mean>', help: 'sentence vector (default: pooler when the model has it)' },
  preset: { kind: 'choice', choices: ['tutorial'], flag: 'preset', placeholder: '<name>', help: 'tutorial: lr 1e-5, max length 17, pooler, fp32, batch 32, 10 epochs, seed 2021' },
  patience: { kind: 'integer', min: 1, flag: 'patience', placeholder: '<n>', help: 'stop after n epochs without a better validation loss' },
  unfreeze: { kind: 'integer', default: 0, min: 0, flag: 'unfreeze', placeholder: '<k>', help: 'also fine-tune the top k encoder layers (default: {default}, frozen encoder)' },
  encoderLearningRate: { kind: 'number', default: 2e-5, above: 0, flag: 'encoder-lr', placeholder: '<rate>', help: 'AdamW learning rate of unfrozen layers (default: {default})' },
  schedule: { kind: 'choice', default: 'constant', choices: ['constant', 'linear'], flag: 'schedule', placeholder: '<constant|linear>', help: 'learning-rate schedule with --unfreeze: linear = 10% warm-up then decay (default: {default})' },
  offline: { kind: 'switch', default: false, flag: 'offline', flagSets: true, resumable: true, help: 'never download models (also SENTI_OFFLINE=1)' },
  cacheDir: { kind: 'text', flag: 'cache-dir', placeholder: '<dir>', resumable: true, help: 'feature cache directory (default: SENTI_CACHE_DIR or ~/.cache/senti)' },
  cache: { kind: 'switch', default: true, flag: 'no-cache', flagSets: false, resumable: true, help: 'encode everything again, without reading or writing the feature cache' },
  dropDuplicates: { kind: 'switch', default: true, flag: 'keep-duplicates', flagSets: false, help: 'keep repeated (text, label) rows (the tutorial does)' },
  calibrate: { kind: 'switch', default: true, flag: 'no-calibrate', flagSets: false, resumable: true, help: 'do not fit a calibration temperature on the validation split (--preset tutorial never does)' },
  kfold: { kind: 'integer', min: 2, flag: 'kfold', placeholder: '<k>', resumable: true, help: 'also cross-validate the head with k stratified folds over train + validation (features encoded once)' },
  targetAccuracy: { kind: 'number', above: 0, max: 1, flag: 'target-accuracy', placeholder: '<accuracy>', resumable: true, help: 'pick the abstention threshold reaching this accuracy on the validation split; stored as the model default' },
} as const satisfies Record<keyof FineTuneSettings, SettingSpec>;

/** The name of a fine-tuning setting (a {@link FineTuneSettings} field). */
export type SettingKey = keyof typeof SETTINGS;

/** Every setting name, in table order. */
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

/** The table entry of `key`, or undefined when `key` is not a setting. */
export function settingSpec(key: string): SettingSpec | undefined {
  return Object.hasOwn(SETTINGS, key) ? (SETTINGS as Record<string, SettingSpec>)[key] : undefined;
}

/** The help line of a setting with its default filled in. */
export function settingHelp(key: SettingKey): string {
  const spec: SettingSpec = SETTINGS[key];
  return spec.help.replace('{default}', String(spec.default));
}
