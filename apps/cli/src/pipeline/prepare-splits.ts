import { classWeights, loadDataset, pick, stratifiedSplit, type CleaningSummary } from '@senti/data';
import type { TrainSettings } from './train-settings.js';

/** Texts and label indices of one split. */
export interface TextSplit {
  texts: string[];
  labels: number[];
}

/** The three splits, the label vocabulary and what cleaning did. */
export interface PreparedSplits {
  train: TextSplit;
  val: TextSplit;
  test: TextSplit;
  labelNames: string[];
  classWeights: number[];
  /** One summary per file read. */
  cleaning: CleaningSummary[];
  textColumn: string;
  labelColumn: string;
  /** `split` when a stratified 70/15/15 split was made, `files` when val/test came as files. */
  origin: 'split' | 'files';
}

type DataSettings = Pick<TrainSettings, 'data' | 'val' | 'test' | 'textColumn' | 'labelColumn' | 'dropDuplicates' | 'seed'>;

/** Loads the data and makes the train/validation/test splits (stratified, seeded) or reads them from files. */
export async function prepareSplits(settings: DataSettings): Promise<PreparedSplits> {
  const columns = { textColumn: settings.textColumn, labelColumn: settings.labelColumn, dropDuplicates: settings.dropDuplicates };
  const dataset = await loadDataset(settings.data, columns);
  let splits: Pick<PreparedSplits, 'train' | 'val' | 'test'>;
  const cleaning = [dataset.summary];
  if (settings.val !== undefined && settings.test !== undefined) {
    const [val, test] = await Promise.all(
      [settings.val, settings.test].map((path) => loadDataset(path, { ...columns, labelNames: dataset.labelNames })),
    );
    cleaning.push(val!.summary, test!.summary);
    splits = {
      train: { texts: dataset.texts, labels: dataset.labels },
      val: { texts: val!.texts, labels: val!.labels },
      test: { texts: test!.texts, labels: test!.labels },
    };
  } else {
    const indices = stratifiedSplit(dataset.labels, { seed: settings.seed });
    const take = (rows: number[]): TextSplit => ({ texts: pick(dataset.texts, rows), labels: pick(dataset.labels, rows) });
    splits = { train: take(indices.train), val: take(indices.val), test: take(indices.test) };
  }
  return {
    ...splits,
    labelNames: dataset.labelNames,
    classWeights: classWeights(splits.train.labels, dataset.labelNames.length),
    cleaning,
    textColumn: dataset.textColumn,
    labelColumn: dataset.labelColumn,
    origin: settings.val !== undefined && settings.test !== undefined ? 'files' : 'split',
  };
}

/** Counts each label index in a split. */
export function labelCounts(labels: readonly number[], numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const label of labels) counts[label] = (counts[label] ?? 0) + 1;
  return counts;
}
