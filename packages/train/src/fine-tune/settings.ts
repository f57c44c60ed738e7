import { TrainError } from '@senti/errors';
import { isOffline } from '@senti/tokenize';
import {
  SETTING_KEYS,
  SETTINGS,
  type FineTuneSettings,
  type SettingDefaults,
  type SettingKey,
  type SettingSpec,
} from './setting-table.js';
import { checkSettings, settingsConflict } from './setting-values.js';

export type { FineTuneSettings } from './setting-table.js';

/** The settings a caller may give: `data` is required, everything else has a default. */
export type FineTuneInput = Partial<FineTuneSettings> & Pick<FineTuneSettings, 'data'>;

/** senti's defaults, from the settings table. */
export const DEFAULT_SETTINGS = Object.freeze(
  Object.fromEntries(
    SETTING_KEYS.flatMap((key) => {
      const spec: SettingSpec = SETTINGS[key];
      return spec.default === undefined ? [] : [[key, spec.default]];
    }),
  ),
) as SettingDefaults;

/**
 * The tutorial exactly (see DESIGN.md, "The reference pipeline"): senti's defaults where they are the tutorial's
 * (encoder, epochs, batch, weight decay, dropout, seed), and its own lr, padding, pooling, weights and no de-duplication.
 */
export const TUTORIAL_PRESET = {
  model: DEFAULT_SETTINGS.model, // BertModel.from_pretrained('bert-base-uncased'), pooler included
  dropDuplicates: false,
  maxLength: 17,
  epochs: DEFAULT_SETTINGS.epochs,
  batchSize: DEFAULT_SETTINGS.batchSize,
  learningRate: 1e-5,
  weightDecay: DEFAULT_SETTINGS.weightDecay,
  dropout: DEFAULT_SETTINGS.dropout,
  seed: DEFAULT_SETTINGS.seed, // the tutorial's random_state
  pooling: 'pooler',
  dtype: 'fp32',
  calibrate: false,
} as const satisfies Partial<FineTuneSettings>;

/** The tutorial preset in words, for help: `lr 1e-5, max length 17, pooler, fp32, batch 32, 10 epochs, seed ...`. */
function describeTutorial(): string {
  const { learningRate, maxLength, pooling, dtype, batchSize, epochs, seed } = TUTORIAL_PRESET;
  return `lr ${learningRate.toExponential()}, max length ${maxLength}, ${pooling}, ${dtype}, batch ${batchSize}, ${epochs} epochs, seed ${seed}`;
}

/** The help line of a setting with its default, variable and (for `preset`) the tutorial's values filled in. */
export function settingHelp(key: SettingKey): string {
  const spec: SettingSpec = SETTINGS[key];
  return spec.help
    .replace('{default}', String(spec.default))
    .replace('{env}', spec.env ?? '')
    .replace('{tutorial}', describeTutorial);
}

/**
 * Merges given settings over the preset over the defaults (undefined values do not override), after checking every
 * given value and the rules between settings (`val` with `test`, ...) against the table; a break is a `TRAIN_BAD_OPTION`.
 */
export function resolveSettings(input: FineTuneInput): FineTuneSettings {
  checkSettings(input);
  const conflict = settingsConflict(input);
  if (conflict !== undefined) throw new TrainError('TRAIN_BAD_OPTION', conflict, 'usage');
  const preset = input.preset === 'tutorial' ? TUTORIAL_PRESET : {};
  const defined = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
  const offline = isOffline(input.offline);
  return { ...DEFAULT_SETTINGS, ...preset, ...defined, offline } as FineTuneSettings;
}
