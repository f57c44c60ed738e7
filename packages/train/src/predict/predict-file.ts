import {
  abstainBelow,
  checkAbstainThreshold,
  loadModel,
  readManifest,
  type AnsweredPrediction,
  type Device,
  type Explanation,
  type SentiManifest,
  type SentiModel,
} from '@senti/model';
import { TrainError } from '@senti/errors';
import type { DownloadEvent } from '@senti/tokenize';
import { throwIfAborted } from '../abort.js';
import { checkOutputFile, predictionFormat, writePredictionFile } from './prediction-file.js';
import {
  checkInputFile,
  readPredictionInput,
  type PredictionInput,
  type PredictionSource,
} from './prediction-input.js';
import { formatPredictions, predictionRows, type PredictedRows, type PredictionRow } from './prediction-table.js';

/** Options of {@link predictFile}. */
export interface PredictFileOptions {
  /** A saved model directory (or a run directory holding `model/`): loaded, used and freed. Give this or `model`. */
  modelDir?: string;
  /** A model already loaded with `loadModel` (left open for you to dispose). Give this or `modelDir`. */
  model?: SentiModel;
  /** What to classify: a CSV/TSV or .txt path, `-` (stdin), a stream, or the texts themselves. */
  input: PredictionSource;
  /** What `-` reads; default `process.stdin`. */
  stdin?: NodeJS.ReadableStream;
  /**
   * Write the input rows with their predictions here: `.csv`, or `.json` rows; replaced atomically (a character device
   * or named pipe is written in place, as CSV). Default: nothing is written; the result holds the rows.
   */
  output?: string;
  /** Column of `input` holding the texts; default: the model's training text column, else `sentence`, else `text`. */
  textColumn?: string;
  /** Text encoding of `input` (default utf-8, or its byte-order mark's). */
  encoding?: string;
  /** Column delimiter of `input`; default by extension, or the one other delimiter the header uses. */
  delimiter?: string;
  /** Answer no label (abstain) when the top probability is below this; default: the model's own threshold, else never. */
  abstainBelow?: number;
  /** Also explain each prediction (leave-one-word-out, one more encoding per word): adds an `explanation` column. */
  explain?: boolean;
  /** Device for the encoder and the head (with `modelDir`); default 'auto'. */
  device?: Device;
  /** Never fetch the encoder from the Hub (with `modelDir`); default: `SENTI_OFFLINE`. */
  offline?: boolean;
  /** Where the encoder lives now, when it moved since training (with `modelDir`). */
  encoder?: string;
  /** Stops the job between encoder batches with a `TRAIN_ABORTED` error; nothing is written then. */
  signal?: AbortSignal;
  /** Progress: the rows read, Hub downloads, the model loaded, prediction batches, the file written. */
  onEvent?: (event: PredictFileEvent) => void;
}

/** Progress of {@link predictFile}, in the order the stages run. */
export type PredictFileEvent =
  | {
      type: 'input';
      /** Where the rows came from. */
      source: string;
      rows: number;
      /** The column the texts were read from. */
      textColumn: string;
    }
  /** A Hub encoder's files downloading into the Hugging Face cache (only files not cached yet). */
  | DownloadEvent
  | { type: 'model'; labelNames: string[] }
  | {
      type: 'predict';
      /** Texts predicted so far (after each encoder batch) and in all (empty texts are not predicted). */
      done: number;
      total: number;
    }
  | {
      type: 'explain';
      /** Texts about to be explained. */
      texts: number;
    }
  | { type: 'written'; output: string; rows: number };

/** What {@link predictFile} predicted. */
export interface PredictFileResult extends PredictedRows {
  input: PredictionInput;
  predictions: (AnsweredPrediction | undefined)[];
  explanations?: (Explanation | undefined)[];
  labelNames: string[];
  /** The rows as a JSON file has them: input columns, `predicted_label`, `predicted_score`, `probabilities` (made when first read). */
  readonly rows: PredictionRow[];
  /** The file written, when `output` was given. */
  output?: string;
}

/**
 * Classifies every row of a file (or stdin, a stream, texts) with a saved model and, given `output`, writes the rows
 * with their predictions: every input column kept (earlier prediction columns replaced), then `predicted_label`,
 * `predicted_score`, `abstained` (when abstaining), `p_<label>` per label, and `explanation` when explaining.
 */
export async function predictFile(options: PredictFileOptions): Promise<PredictFileResult> {
  const { signal, onEvent } = options;
  if ((options.modelDir === undefined) === (options.model === undefined))
    throw new TrainError(
      'TRAIN_BAD_OPTION',
      'predictFile takes a model directory (`modelDir`) or a loaded `model`, not both or neither',
      'usage',
    );
  if (options.abstainBelow !== undefined) checkAbstainThreshold(options.abstainBelow, 'abstainBelow');
  // Everything that can be checked is, before the model loads: nothing is predicted to be thrown away.
  const format = options.output === undefined ? undefined : predictionFormat(options.output);
  if (options.output !== undefined) await checkOutputFile(options.output);
  if (typeof options.input === 'string') await checkInputFile(options.input);
  const manifest: SentiManifest = options.model?.manifest ?? (await readManifest(options.modelDir!));
  const modelTextColumn = typeof manifest.training?.textColumn === 'string' ? manifest.training.textColumn : undefined;
  const input = await readPredictionInput(options.input, {
    ...(options.textColumn !== undefined ? { textColumn: options.textColumn } : {}),
    ...(modelTextColumn !== undefined ? { modelTextColumn } : {}),
    ...(options.encoding !== undefined ? { encoding: options.encoding } : {}),
    ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}),
    ...(options.stdin ? { stdin: options.stdin } : {}),
  });
  onEvent?.({
    type: 'input',
    source: input.source,
    rows: input.rows.length,
    textColumn: input.columns[input.textIndex]!,
  });
  throwIfAborted(signal, 'prediction');
  const model =
    options.model ??
    (await loadModel(options.modelDir!, {
      ...(options.offline !== undefined ? { offline: options.offline } : {}),
      ...(options.device ? { device: options.device } : {}),
      ...(options.encoder ? { encoderModel: options.encoder } : {}),
      ...(onEvent ? { onDownload: onEvent } : {}),
    }));
  let predicted: Predicted;
  try {
    onEvent?.({ type: 'model', labelNames: model.manifest.labelNames });
    predicted = await predictRows(model, input, options);
  } finally {
    if (options.model === undefined) await model.dispose();
  }
  let rows: PredictionRow[] | undefined;
  const result: PredictFileResult = {
    ...predicted,
    // Made when first read: a caller that only wanted the file does not pay for a second copy of every row.
    get rows() {
      return (rows ??= predictionRows(predicted));
    },
  };
  if (options.output !== undefined) {
    throwIfAborted(signal, 'prediction');
    await writePredictionFile(options.output, formatPredictions(predicted, format!));
    result.output = options.output;
    onEvent?.({ type: 'written', output: options.output, rows: input.rows.length });
  }
  return result;
}

/** The predictions before they become rows. */
type Predicted = Omit<PredictFileResult, 'rows' | 'output'>;

/** Predicts (and explains) every non-empty text of `input`, in one call to the model as a whole. */
async function predictRows(model: SentiModel, input: PredictionInput, options: PredictFileOptions): Promise<Predicted> {
  const { signal, onEvent } = options;
  const threshold = options.abstainBelow ?? model.manifest.abstention?.threshold;
  const texts = input.rows.map((row) => row[input.textIndex] ?? '');
  const nonEmpty = texts.flatMap((text, index) => (text.trim().length > 0 ? [index] : []));
  const asked = nonEmpty.map((index) => texts[index]!);
  // One call, as the model would be asked for these texts anyway: its batches (and so its answers) stay the same.
  const answers = await model.predict(asked, {
    onProgress: (done, total) => {
      throwIfAborted(signal, 'prediction');
      onEvent?.({ type: 'predict', done, total });
    },
  });
  // Dense arrays (no holes): `map` and `forEach` visit an empty text's row too (a hole once crashed the CLI's table).
  const predictions = Array.from<AnsweredPrediction | undefined>({ length: texts.length });
  abstainBelow(answers, threshold).forEach((prediction, index) => (predictions[nonEmpty[index]!] = prediction));
  let explanations: (Explanation | undefined)[] | undefined;
  if (options.explain) {
    throwIfAborted(signal, 'prediction');
    onEvent?.({ type: 'explain', texts: asked.length });
    const explained = await model.explain(asked);
    explanations = Array.from<Explanation | undefined>({ length: texts.length });
    explained.forEach((explanation, index) => (explanations![nonEmpty[index]!] = explanation));
  }
  return {
    input,
    predictions,
    ...(explanations ? { explanations } : {}),
    labelNames: model.manifest.labelNames,
    ...(threshold !== undefined ? { threshold } : {}),
  };
}
