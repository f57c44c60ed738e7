import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { escapeControl, isSentiError, ModelError } from '@senti/errors';
import { selectBackend, type BackendChoice } from '../backend/index.js';
import { loadEncoder, type Device, type Encoder } from '../encoder/index.js';
import { ClassificationHead, headShapes } from '../head/index.js';
import { readBertConfig } from '../layers/bert-config.js';
import { BertTopLayers } from '../layers/top-layers.js';
import { createTunedEncoder, encoderModelDir } from '../layers/tuned-encoder.js';
import { readTunedLayers } from '../layers/tuned-layers-file.js';
import { createStatesEncoder } from '../layers/unfreeze-sources.js';
import type { SentiManifest } from './manifest.js';
import { toPredictions, type Prediction } from './predictions.js';
import { readManifest } from './read-manifest.js';
import { findInHfCache } from './hf-cache.js';
import {
  explainTexts,
  planExplanations,
  probabilityRows,
  tokenWindowOf,
  type ExplanationPlan,
  type ExplainOptions,
  type Explanation,
  type TokenWindow,
} from '../explain/index.js';
import { infoFromManifest, type ServedModelInfo } from '../predictor/served-model-info.js';
import type { Classifier } from '../predictor/classifier.js';
import { resolveModelDir } from './model-dir.js';
import type { DownloadListener } from '@senti/tokenize';

/** Options of `loadModel`. */
export interface LoadModelOptions {
  /** Never fetch the encoder from the Hub (default: `SENTI_OFFLINE=1`). */
  offline?: boolean;
  /** Device for the encoder and the head's tfjs backend. Default 'auto'. */
  device?: Device;
  /** Where the encoder lives now (directory or Hub id); when given, it is the only place looked at. */
  encoderModel?: string;
  /** Cache for the built int8 graph; default {@link defaultCacheDir}. */
  cacheDir?: string;
  /** Progress of a Hub encoder's download, when it is not in the Hugging Face cache yet. */
  onDownload?: DownloadListener;
}

/** Options of a loaded model's `predict` and `predictProba`. */
export interface PredictOptions {
  /** Called after each encoder batch with the texts done so far and the total (the answers do not depend on it). */
  onProgress?: (done: number, total: number) => void;
}

/** A loaded model: text in, class probabilities out (a {@link Classifier}, with its parts and more ways to ask it). */
export interface SentiModel extends Classifier {
  manifest: SentiManifest;
  /** What the model says about itself when served (from the manifest; never a local path). */
  info: ServedModelInfo;
  encoder: Encoder;
  head: ClassificationHead;
  backend: BackendChoice;
  /** Row-major [texts.length, numClasses] probabilities. */
  predictProba(texts: readonly string[], options?: PredictOptions): Promise<Float32Array>;
  /** The most probable label of each text, with its score and all probabilities. */
  predict(texts: readonly string[], options?: PredictOptions): Promise<Prediction[]>;
  /** Word attributions of each text (leave-one-word-out occlusion; see `explainTexts`). */
  explain(texts: readonly string[], options?: ExplainOptions): Promise<Explanation[]>;
  /** The tokenizer and token budget explanations are planned with. */
  tokenWindow: TokenWindow;
  /** The texts to encode to explain each text (a predictor batches them with other work). */
  planExplanations(texts: readonly string[], options?: ExplainOptions): ExplanationPlan[];
  /** Free the encoder session and the head's tensors. */
  dispose(): Promise<void>;
}

/** Reads head.bin, checks it against the manifest, and splits it into w1, b1, w2, b2. */
export async function readHeadWeights(dir: string, manifest: SentiManifest): Promise<Float32Array[]> {
  const file = join(dir, manifest.weights.file);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'is missing' : `cannot be read (${code ?? String(cause)})`;
    throw new ModelError(
      'MODEL_CORRUPT',
      `${escapeControl(file)} ${problem}; the model in ${escapeControl(dir)} is incomplete`,
      'input',
      { cause },
    );
  }
  const sizes = headShapes(manifest.head).map((shape) => shape.reduce((a, b) => a * b, 1));
  const expectedBytes = sizes.reduce((a, b) => a + b, 0) * 4;
  if (bytes.length !== expectedBytes) {
    const { inputSize, hiddenSize, numClasses } = manifest.head;
    throw new ModelError(
      'MODEL_SHAPE_MISMATCH',
      `${escapeControl(file)} has ${bytes.length} bytes but the head in senti.json (${inputSize} -> ${hiddenSize} -> ${numClasses}) needs ${expectedBytes}; senti.json and head.bin do not belong together (or head.bin was cut short)`,
      'input',
      { hint: 'copy senti.json and head.bin from the same training run, or train again' },
    );
  }
  if (createHash('sha256').update(bytes).digest('hex') !== manifest.weights.sha256) {
    throw new ModelError(
      'MODEL_CORRUPT',
      `${escapeControl(file)} does not match its sha256 in senti.json; the model is damaged, train or copy it again`,
      'input',
    );
  }
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  if (!all.every(Number.isFinite)) {
    throw new ModelError(
      'MODEL_CORRUPT',
      `${escapeControl(file)} holds NaN or infinite weights; the training that made it diverged, train again`,
      'input',
    );
  }
  let offset = 0;
  return sizes.map((size) => all.slice(offset, (offset += size)));
}

/** Places to look for the encoder, best first: the override alone, else bundled, relative, legacy absolute, Hub id. */
export function encoderCandidates(
  root: string,
  manifest: SentiManifest,
  override?: string,
): { location: string; how: string }[] {
  if (override !== undefined) return [{ location: override, how: 'the encoder given' }];
  const { bundled, relativePath, path, hubId, revision } = manifest.encoder;
  const found: { location: string; how: string }[] = [];
  const local = (dir: string | undefined, how: string) => {
    if (dir !== undefined && existsSync(join(dir, 'config.json'))) found.push({ location: dir, how });
  };
  if (bundled !== undefined) local(resolve(root, bundled), 'the bundled encoder');
  if (relativePath !== undefined)
    local(resolve(root, relativePath), `the encoder directory ${relativePath} (relative to the model)`);
  if (path !== undefined) local(path, `the encoder directory ${path}`);
  if (hubId !== undefined) {
    const snapshot = findInHfCache({ hubId, revision: revision ?? 'main' });
    if (snapshot !== undefined) found.push({ location: snapshot, how: `${hubId} in the Hugging Face cache` });
    const pinned = revision !== undefined && revision !== 'main' ? `${hubId}@${revision}` : hubId;
    found.push({ location: pinned, how: `the Hub id ${pinned}` });
  }
  return found;
}

/** The first candidate encoder that loads and is the one the model was trained with. */
async function loadMatchingEncoder(
  root: string,
  dir: string,
  manifest: SentiManifest,
  options: LoadModelOptions,
  device: Device,
): Promise<{ encoder: Encoder; location: string }> {
  const candidates = encoderCandidates(root, manifest, options.encoderModel);
  const hint =
    'pass the encoder location (a model directory or Hub id) as `encoderModel`, or save the model with `bundleEncoder`';
  if (candidates.length === 0) {
    throw new ModelError(
      'MODEL_ENCODER_NOT_FOUND',
      `encoder "${manifest.encoder.model}" of the model in ${escapeControl(dir)} not found (not bundled, no Hub id, its directory moved)`,
      'input',
      { hint },
    );
  }
  const problems: string[] = [];
  let unwritable: Error | undefined;
  const settings = {
    dtype: manifest.encoder.dtype,
    pooling: manifest.encoder.pooling,
    device,
    offline: options.offline,
    cacheDir: options.cacheDir,
    onDownload: options.onDownload,
  };
  for (const { location, how } of candidates) {
    let encoder: Encoder;
    try {
      encoder = await loadEncoder({ ...settings, model: location });
    } catch (error) {
      // The encoder is there, but what senti builds from it (the int8 graph) cannot be written: not a location problem.
      if (
        isSentiError(error) &&
        /^FILE_(READ_ONLY|PERMISSION_DENIED|NOT_A_DIRECTORY|DISK_FULL|QUOTA_EXCEEDED|WRITE_FAILED)$/.test(error.code)
      )
        unwritable ??= error;
      problems.push(`${how}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    if (encoder.info.fileHash === manifest.encoder.fileHash && encoder.info.hiddenSize === manifest.head.inputSize)
      return { encoder, location };
    await encoder.dispose();
    // A model saved by senti 0.1 (no `weights` in senti.json) ran the export whole and int8 scheme v2: rebuild those.
    if (manifest.encoder.weights === undefined) {
      const legacy = await loadEncoder({ ...settings, model: location, legacyGraphs: true }).catch(() => undefined);
      if (legacy?.info.fileHash === manifest.encoder.fileHash && legacy.info.hiddenSize === manifest.head.inputSize)
        return { encoder: legacy, location };
      await legacy?.dispose();
    }
    problems.push(
      `${how} is not the ${manifest.encoder.dtype} encoder the model was trained with (sha256 ${encoder.info.fileHash.slice(0, 12)}, expected ${manifest.encoder.fileHash.slice(0, 12)})`,
    );
  }
  if (unwritable !== undefined) {
    throw new ModelError(
      'MODEL_CACHE_NOT_WRITABLE',
      `cannot prepare the ${manifest.encoder.dtype} encoder of the model in ${escapeControl(dir)}: ${escapeControl(unwritable.message)}`,
      'input',
      {
        hint: `senti builds the ${manifest.encoder.dtype} encoder graph in its cache: set SENTI_CACHE_DIR to a writable directory (or pass \`cacheDir\`)`,
        cause: unwritable,
      },
    );
  }
  const mismatch = problems.some((problem) => problem.includes('is not the'));
  throw new ModelError(
    mismatch ? 'MODEL_ENCODER_MISMATCH' : 'MODEL_ENCODER_NOT_FOUND',
    `cannot load the encoder of the model in ${escapeControl(dir)}: ${escapeControl(problems.join('; '))}`,
    'input',
    { hint: `point to the ${manifest.encoder.dtype} encoder "${manifest.encoder.model}" used in training; ${hint}` },
  );
}

/** Load a saved model: check it, load its encoder and head, and pick the tfjs backend. */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<SentiModel> {
  const root = resolveModelDir(dir);
  const manifest = await readManifest(root);
  const weights = await readHeadWeights(root, manifest);
  const device = options.device ?? 'auto';
  const backend = await selectBackend({ device });
  const { encoder: base } = await loadMatchingEncoder(root, dir, manifest, options, device);
  let encoder = base;
  let layers: BertTopLayers | undefined;
  if (manifest.tunedLayers !== undefined) {
    const tuned = manifest.tunedLayers;
    try {
      const modelDir = encoderModelDir(base);
      const config = await readBertConfig(modelDir);
      const parameters = await readTunedLayers(root, tuned);
      layers = new BertTopLayers(
        config,
        { firstLayer: tuned.firstLayer, count: tuned.count, parameters },
        tuned.pooling,
      );
      encoder = createTunedEncoder(
        base,
        await createStatesEncoder(modelDir, config, tuned.firstLayer, { dtype: tuned.dtype, route: tuned.statesRoute }),
        layers,
      );
    } catch (error) {
      layers?.dispose();
      await base.dispose();
      throw error;
    }
  }
  const head = new ClassificationHead(manifest.head, weights);
  if (manifest.calibration !== undefined) head.setTemperature(manifest.calibration.temperature);
  const predictProba = async (texts: readonly string[], options: PredictOptions = {}) => {
    if (texts.length === 0) return new Float32Array(0);
    const features = await encoder.encode(texts, {
      maxLength: manifest.maxLength,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    return head.predictProba(features, texts.length);
  };
  const tokenWindow = tokenWindowOf(encoder.tokenizer, manifest.maxLength);
  const labelNames = manifest.labelNames;
  const probabilities = async (texts: readonly string[]) =>
    probabilityRows(await predictProba(texts), labelNames.length);
  return {
    manifest,
    info: infoFromManifest(manifest),
    tokenWindow,
    planExplanations: (texts, explainOptions) => planExplanations(texts, tokenWindow, explainOptions),
    explain: (texts, explainOptions) =>
      explainTexts({ labelNames, probabilities, window: tokenWindow }, texts, explainOptions),
    encoder,
    head,
    backend,
    predictProba,
    predict: async (texts, options) => toPredictions(await predictProba(texts, options), manifest.labelNames),
    dispose: async () => {
      head.dispose();
      await encoder.dispose();
    },
  };
}
