import { isOffline, loadTokenizer } from '@senti/tokenize';
import type { CleaningSummary } from '@senti/data';
import { chooseMaxLength, type MaxLengthChoice } from './max-length-choice.js';
import { classCounts, pick, stratifiedSplit } from '@senti/data';
import { readSource } from './prepare-splits.js';
import { tokenLengthsWithProgress } from './token-lengths.js';
import { DEFAULT_SETTINGS, type FineTuneSettings } from './settings.js';

/** Progress of {@link inspectData}. */
export type InspectEvent =
  /** Before the data is read. */
  | { type: 'reading'; source: string }
  /** The data is read and cleaned: rows kept, seconds taken. */
  | { type: 'read'; rows: number; seconds: number }
  /** Token lengths measured so far (reported every 20,000 texts). */
  | { type: 'token-lengths'; done: number; total: number };

/** Options of {@link inspectData}. */
export type InspectDataOptions = Pick<FineTuneSettings, 'data'> &
  Partial<
    Pick<
      FineTuneSettings,
      | 'model'
      | 'textColumn'
      | 'labelColumn'
      | 'coverage'
      | 'offline'
      | 'dropDuplicates'
      | 'encoding'
      | 'delimiter'
      | 'seed'
    >
  > & {
    /** Progress, for large data (the library prints nothing). */
    onEvent?: (event: InspectEvent) => void;
  };

/** What a dataset looks like before training. */
export interface DataInspection {
  labelNames: string[];
  /** Rows per label, in `labelNames` order. */
  counts: number[];
  rows: number;
  cleaning: CleaningSummary;
  textColumn: string;
  labelColumn: string;
  /** Token lengths and the padding length `auto` would choose. */
  lengths: MaxLengthChoice;
  /**
   * Which texts `lengths` measured: `train` (the training split `fineTune` makes with this seed, so the suggestion is
   * the padding length train picks) or `all` (when the data is too small to split).
   */
  lengthsOf: 'train' | 'all';
}

/** Label distribution, cleaning summary, token-length statistics and the suggested padding length of a dataset. */
export async function inspectData(options: InspectDataOptions): Promise<DataInspection> {
  const emit = options.onEvent ?? (() => {});
  const started = Date.now();
  emit({ type: 'reading', source: typeof options.data === 'string' ? options.data : 'rows' });
  const dataset = await readSource(
    options.data,
    {
      textColumn: options.textColumn,
      labelColumn: options.labelColumn,
      dropDuplicates: options.dropDuplicates ?? DEFAULT_SETTINGS.dropDuplicates,
      encoding: options.encoding,
      delimiter: options.delimiter,
    },
    'data',
  );
  const tokenizer = await loadTokenizer(options.model ?? DEFAULT_SETTINGS.model, {
    offline: isOffline(options.offline),
  });
  emit({ type: 'read', rows: dataset.texts.length, seconds: (Date.now() - started) / 1000 });
  // The training split fineTune makes (same seed): the suggestion is then the padding length train picks.
  let texts = dataset.texts;
  let lengthsOf: DataInspection['lengthsOf'] = 'all';
  try {
    texts = pick(
      dataset.texts,
      stratifiedSplit(dataset.labels, { seed: options.seed ?? DEFAULT_SETTINGS.seed, labelNames: dataset.labelNames })
        .train,
    );
    lengthsOf = 'train';
  } catch {
    // too few rows of a class to split: every text is measured
  }
  const measured = await tokenLengthsWithProgress(tokenizer, texts, (done, total) =>
    emit({ type: 'token-lengths', done, total }),
  );
  const lengths = chooseMaxLength(
    measured,
    'auto',
    options.coverage ?? DEFAULT_SETTINGS.coverage,
    tokenizer.modelMaxLength,
  );
  return {
    labelNames: dataset.labelNames,
    counts: classCounts(dataset.labels, dataset.labelNames.length),
    rows: dataset.labels.length,
    cleaning: dataset.summary,
    textColumn: dataset.textColumn,
    labelColumn: dataset.labelColumn,
    lengths,
    lengthsOf,
  };
}
