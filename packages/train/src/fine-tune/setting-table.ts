import { DEFAULT_SEED } from '@senti/base';
import type { LabelledText } from '@senti/data';
import { DEFAULT_COVERAGE, DEFAULT_MODEL } from '@senti/tokenize';

/** What kind of value a setting takes (decides its type, how it is parsed from text and checked). */
export type SettingKind =
  | 'text' // a non-empty string
  | 'source' // a file path (a non-empty string) or, in the library, in-memory rows
  | 'integer'
  | 'number'
  | 'choice'
  | 'switch' // true or false; on the command line a flag without a value
  | 'max-length' // `auto` or a whole number
  | 'label-names'; // an object of label value -> display name

/** One setting of a fine-tuning run: its type, default, allowed values, help, flag and variable, declared once. */
export interface SettingSpec {
  kind: SettingKind;
  /** The default (absent: unset unless given, e.g. `patience`). */
  default?: unknown;
  /** Must be given (there is no default). */
  required?: true;
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
  /** One line of help; `{default}` stands for the default, `{env}` for the variable, `{tutorial}` for the preset's values. */
  help: string;
  /** The command-line flag, without dashes (absent: set through a config file or a sweep only). */
  flag?: string;
  /** Placeholder of the flag's value in help, e.g. `<rate>` (absent for switches). */
  placeholder?: string;
  /** For a switch flag: the value the flag sets (`--no-cache` sets `cache` to false). */
  flagSets?: boolean;
  /** The environment variable that stands in when the setting is not given (read by `sentiEnvironment` of @senti/base). */
  env?: string;
  /** May change when a stopped run is resumed: it does not change what the checkpoint continues. */
  resumable?: boolean;
}

/**
 * Every fine-tuning setting, in the order `senti train --help` lists their flags. {@link FineTuneSettings} is inferred
 * from it (each entry's doc comment is its field's), `DEFAULT_SETTINGS` comes from it, `fineTune` and `train` check
 * given values against it, and the CLI generates every command's setting flags, the flag -> setting mapping, help,
 * `--config` and resume checks from it. A new setting is one entry here.
 */
export const SETTINGS = {
  /** Training data: a CSV/TSV path (split 70/15/15 unless `val` and `test` are given) or in-memory rows. */
  data: {
    kind: 'source',
    required: true,
    flag: 'data',
    placeholder: '<file>',
    help: 'CSV/TSV with a text and a label column (required unless --resume)',
  },
  /** Text column of CSV data; default `sentence`, falling back to `text`. */
  textColumn: {
    kind: 'text',
    flag: 'text-column',
    placeholder: '<name>',
    help: 'text column (default: "sentence", else "text")',
  },
  /** Text encoding of CSV files without a byte-order mark (`utf-8` when unset; `cp1252`, `latin1`, `utf-16le`, ...). */
  encoding: {
    kind: 'text',
    flag: 'encoding',
    placeholder: '<name>',
    help: 'text encoding of CSV files without a byte-order mark (default: utf-8; e.g. cp1252, latin1, utf-16le)',
  },
  /** Column delimiter of CSV files; when unset, by extension, or the one other delimiter the header uses. */
  delimiter: {
    kind: 'text',
    flag: 'delimiter',
    placeholder: '<char>',
    help: 'column delimiter (default: by extension, or the one other delimiter the header uses)',
  },
  /** Label column of CSV data; default `label`. */
  labelColumn: { kind: 'text', flag: 'label-column', placeholder: '<name>', help: 'label column (default: "label")' },
  /** Display names for label values, e.g. `{ "0": "negative", "1": "positive" }`; stored with the model. */
  labelNames: {
    kind: 'label-names',
    flag: 'label-names',
    placeholder: '<pairs>',
    help: 'display names for label values, e.g. 0=negative,1=positive',
  },
  /** Separate validation data (with `test`, no split is made). */
  val: {
    kind: 'source',
    flag: 'val',
    placeholder: '<file>',
    help: 'validation file (with --test: use these instead of a 70/15/15 split)',
  },
  /** Separate test data. */
  test: { kind: 'source', flag: 'test', placeholder: '<file>', help: 'test file (with --val)' },
  /** Encoder: a Hugging Face hub id or a local model directory. */
  model: {
    kind: 'text',
    default: DEFAULT_MODEL,
    flag: 'model',
    placeholder: '<id|dir>',
    help: 'encoder: Hugging Face hub id or local directory (default: {default})',
  },
  /** Padding length: a number of tokens, or `auto` to cover `coverage` of the training texts. */
  maxLength: {
    kind: 'max-length',
    default: 'auto',
    min: 3,
    flag: 'max-length',
    placeholder: '<auto|n>',
    help: 'padding length in tokens (default: {default}, the length that fits --coverage of training texts)',
  },
  /** Share of training texts that `auto` must fit without truncation. */
  coverage: {
    kind: 'number',
    default: DEFAULT_COVERAGE,
    min: 0.01,
    max: 1,
    flag: 'coverage',
    placeholder: '<share>',
    help: 'share of training texts --max-length auto must fit (default: {default})',
  },
  /** Passes over the training rows. */
  epochs: {
    kind: 'integer',
    default: 10,
    min: 1,
    flag: 'epochs',
    placeholder: '<n>',
    resumable: true,
    help: 'training epochs (default: {default}); with --resume: the new total',
  },
  /** Rows per optimizer step. */
  batchSize: {
    kind: 'integer',
    default: 32,
    min: 1,
    flag: 'batch-size',
    placeholder: '<n>',
    help: 'batch size (default: {default})',
  },
  /** AdamW learning rate of the head (senti's default moves a fresh head; the tutorial's 1e-5 barely does). */
  learningRate: {
    kind: 'number',
    default: 1e-3,
    above: 0,
    flag: 'lr',
    placeholder: '<rate>',
    help: 'AdamW learning rate of the head (default: {default})',
  },
  /** AdamW decoupled weight decay. */
  weightDecay: {
    kind: 'number',
    default: 0.01,
    min: 0,
    flag: 'weight-decay',
    placeholder: '<w>',
    help: 'AdamW decoupled weight decay (default: {default})',
  },
  /** Dropout of the head during training. */
  dropout: {
    kind: 'number',
    default: 0.1,
    min: 0,
    below: 1,
    help: 'dropout of the head during training (default: {default}; set with --sweep dropout=... or --config)',
  },
  /** Seeds the split, the shuffles, dropout and the head's initial weights. */
  seed: {
    kind: 'integer',
    default: DEFAULT_SEED,
    min: 0,
    flag: 'seed',
    placeholder: '<n>',
    help: 'seed for split, shuffles, dropout and init (default: {default})',
  },
  /** Where the encoder and the head run. */
  device: {
    kind: 'choice',
    default: 'auto',
    choices: ['auto', 'cpu', 'gpu'],
    flag: 'device',
    placeholder: '<auto|cpu|gpu>',
    help: 'where encoder and head run (default: {default})',
  },
  /** Encoder weights; `auto` = int8 on the CPU when the model has it, fp32 on a GPU. */
  dtype: {
    kind: 'choice',
    default: 'auto',
    choices: ['auto', 'fp32', 'fp16', 'q8', 'int8'],
    flag: 'dtype',
    placeholder: '<auto|fp32|fp16|q8|int8>',
    help: 'encoder weights (default: {default} = int8 on CPU when the model has it, else fp32)',
  },
  /** Sentence vector taken from the encoder; the model's default (pooler when present) when unset. */
  pooling: {
    kind: 'choice',
    choices: ['pooler', 'cls', 'mean'],
    flag: 'pooling',
    placeholder: '<pooler|cls|mean>',
    help: 'sentence vector (default: pooler when the model has it)',
  },
  /** The preset the run started from (`TUTORIAL_PRESET`). */
  preset: {
    kind: 'choice',
    choices: ['tutorial'],
    flag: 'preset',
    placeholder: '<name>',
    help: 'tutorial: {tutorial}',
  },
  /** Stop after this many epochs without a better validation loss; unset: never. */
  patience: {
    kind: 'integer',
    min: 1,
    flag: 'patience',
    placeholder: '<n>',
    help: 'stop after n epochs without a better validation loss',
  },
  /** Fine-tune the top k encoder layers too (0 = frozen encoder; k = L trains every layer). */
  unfreeze: {
    kind: 'integer',
    default: 0,
    min: 0,
    flag: 'unfreeze',
    placeholder: '<k>',
    help: 'also fine-tune the top k encoder layers (default: {default}, frozen encoder)',
  },
  /** AdamW learning rate of the unfrozen encoder layers. */
  encoderLearningRate: {
    kind: 'number',
    default: 2e-5,
    above: 0,
    flag: 'encoder-lr',
    placeholder: '<rate>',
    help: 'AdamW learning rate of unfrozen layers (default: {default})',
  },
  /** Learning-rate schedule of an unfrozen run: `constant`, or `linear` warm-up (10% of steps) then decay to 0. */
  schedule: {
    kind: 'choice',
    default: 'constant',
    choices: ['constant', 'linear'],
    flag: 'schedule',
    placeholder: '<constant|linear>',
    help: 'learning-rate schedule with --unfreeze: linear = 10% warm-up then decay (default: {default})',
  },
  /** Never fetch models from the network (unset: `SENTI_OFFLINE` or `HF_HUB_OFFLINE` set to 1, true or yes). */
  offline: {
    kind: 'switch',
    default: false,
    flag: 'offline',
    flagSets: true,
    env: 'SENTI_OFFLINE',
    resumable: true,
    help: 'never download models (also {env}=1)',
  },
  /** Feature cache directory (unset: `SENTI_CACHE_DIR` or the user cache directory). */
  cacheDir: {
    kind: 'text',
    flag: 'cache-dir',
    placeholder: '<dir>',
    env: 'SENTI_CACHE_DIR',
    resumable: true,
    help: 'feature cache directory (default: {env} or ~/.cache/senti)',
  },
  /** Use the feature cache. */
  cache: {
    kind: 'switch',
    default: true,
    flag: 'no-cache',
    flagSets: false,
    resumable: true,
    help: 'encode everything again, without reading or writing the feature cache',
  },
  /** Drop repeated (text, label) rows before splitting. */
  dropDuplicates: {
    kind: 'switch',
    default: true,
    flag: 'keep-duplicates',
    flagSets: false,
    help: 'keep repeated (text, label) rows (the tutorial does)',
  },
  /** Fit a temperature on the validation split (temperature scaling) so every probability is calibrated; the tutorial preset does not. */
  calibrate: {
    kind: 'switch',
    default: true,
    flag: 'no-calibrate',
    flagSets: false,
    resumable: true,
    help: 'do not fit a calibration temperature on the validation split (--preset tutorial never does)',
  },
  /** Also cross-validate the head with k stratified folds over train + validation (features encoded once); the final model is trained as without it. Unset: off. */
  kfold: {
    kind: 'integer',
    min: 2,
    flag: 'kfold',
    placeholder: '<k>',
    resumable: true,
    help: 'also cross-validate the head with k stratified folds over train + validation (features encoded once)',
  },
  /** Pick the abstention threshold reaching this accuracy on the validation split and store it with the model as its default. */
  targetAccuracy: {
    kind: 'number',
    above: 0,
    max: 1,
    flag: 'target-accuracy',
    placeholder: '<accuracy>',
    resumable: true,
    help: 'pick the abstention threshold reaching this accuracy on the validation split; stored as the model default',
  },
} as const satisfies Record<string, SettingSpec>;

/** The table's type. */
type SettingTable = typeof SETTINGS;

/** The name of a fine-tuning setting (a {@link FineTuneSettings} field). */
export type SettingKey = keyof SettingTable;

/** The value type of a setting, from its kind (and its choices). */
type SettingValue<S> = S extends { kind: 'choice'; choices: readonly (infer C)[] }
  ? C
  : S extends { kind: 'integer' | 'number' }
    ? number
    : S extends { kind: 'max-length' }
      ? 'auto' | number
      : S extends { kind: 'switch' }
        ? boolean
        : S extends { kind: 'text' }
          ? string
          : S extends { kind: 'source' }
            ? string | readonly LabelledText[]
            : S extends { kind: 'label-names' }
              ? Readonly<Record<string, string>>
              : never;

/** Every setting with its value type (the doc comment of each field is its table entry's). */
type SettingValues = { -readonly [K in keyof SettingTable]: SettingValue<SettingTable[K]> };

/** The settings that always have a value after resolving: a default, or required. */
type SetKey = {
  [K in SettingKey]: SettingTable[K] extends { default: unknown } | { required: true } ? K : never;
}[SettingKey];

/** Every setting of a fine-tuning run, inferred from {@link SETTINGS}; saved with the run so it can be reproduced or resumed. */
export interface FineTuneSettings extends Pick<SettingValues, SetKey>, Partial<Omit<SettingValues, SetKey>> {}

/** The settings that have a default, with the default's type. */
export type SettingDefaults = {
  readonly [K in SettingKey as SettingTable[K] extends { default: unknown } ? K : never]: Extract<
    SettingTable[K],
    { default: unknown }
  >['default'];
};

/** Every setting name, in table order. */
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

/** The table entry of `key`, or undefined when `key` is not a setting. */
export function settingSpec(key: string): SettingSpec | undefined {
  return Object.hasOwn(SETTINGS, key) ? (SETTINGS as Record<string, SettingSpec>)[key] : undefined;
}
