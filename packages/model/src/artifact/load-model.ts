import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelError } from '@senti/errors';
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
import { resolveModelDir } from './model-dir.js';

/** Options of `loadModel`. */
export interface LoadModelOptions {
  /** Never fetch the encoder from the Hub (default: `SENTI_OFFLINE=1`). */
  offline?: boolean;
  /** Device for the encoder and the head's tfjs backend. Default 'auto'. */
  device?: Device;
  /** Where the encoder lives now (directory or Hub id), when it moved since training. */
  encoderModel?: string;
}

/** A loaded model: text in, class probabilities out. */
export interface SentiModel {
  manifest: SentiManifest;
  encoder: Encoder;
  head: ClassificationHead;
  backend: BackendChoice;
  /** Row-major [texts.length, numClasses] probabilities. */
  predictProba(texts: readonly string[]): Promise<Float32Array>;
  /** The most probable label of each text, with its score and all probabilities. */
  predict(texts: readonly string[]): Promise<Prediction[]>;
  /** Free the encoder session and the head's tensors. */
  dispose(): Promise<void>;
}

/** Read head.bin, check it against the manifest, and split it into w1, b1, w2, b2. */
async function readHeadWeights(dir: string, manifest: SentiManifest): Promise<Float32Array[]> {
  const file = join(dir, manifest.weights.file);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (cause) {
    throw new ModelError('MODEL_CORRUPT', `${file} is missing; the model in ${dir} is incomplete`, 'input', { cause });
  }
  const sizes = headShapes(manifest.head).map((shape) => shape.reduce((a, b) => a * b, 1));
  const expectedBytes = sizes.reduce((a, b) => a + b, 0) * 4;
  if (bytes.length !== expectedBytes || createHash('sha256').update(bytes).digest('hex') !== manifest.weights.sha256) {
    throw new ModelError('MODEL_CORRUPT', `${file} does not match its sha256 in senti.json; the model is damaged, train or copy it again`, 'input');
  }
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  let offset = 0;
  return sizes.map((size) => all.slice(offset, (offset += size)));
}

/** Where to load the encoder from: the override, else the saved local path (which must still exist), else the id. */
function encoderLocation(dir: string, manifest: SentiManifest, override?: string): string {
  if (override !== undefined) return override;
  const { path, model } = manifest.encoder;
  if (path === undefined) return model;
  if (!existsSync(path)) {
    throw new ModelError('MODEL_ENCODER_NOT_FOUND', `encoder of the model in ${dir} not found at ${path}`, 'input', {
      hint: 'pass the encoder location (a model directory or Hub id), e.g. --encoder DIR, or loadModel(dir, { encoderModel })',
    });
  }
  return path;
}

/** Load a saved model: check it, load its encoder and head, and pick the tfjs backend. */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<SentiModel> {
  const root = resolveModelDir(dir);
  const manifest = await readManifest(root);
  const weights = await readHeadWeights(root, manifest);
  const location = encoderLocation(root, manifest, options.encoderModel);
  const device = options.device ?? 'auto';
  const backend = await selectBackend({ device });
  const base = await loadEncoder({
    model: location, dtype: manifest.encoder.dtype, pooling: manifest.encoder.pooling, device, offline: options.offline,
  });
  if (base.info.fileHash !== manifest.encoder.fileHash || base.info.hiddenSize !== manifest.head.inputSize) {
    await base.dispose();
    throw new ModelError(
      'MODEL_ENCODER_MISMATCH',
      `encoder at ${location} is not the one the model in ${dir} was trained with (sha256 ${base.info.fileHash.slice(0, 12)}, expected ${manifest.encoder.fileHash.slice(0, 12)})`,
      'input',
      { hint: `point to the ${manifest.encoder.dtype} encoder "${manifest.encoder.model}" used in training` },
    );
  }
  let encoder = base;
  let layers: BertTopLayers | undefined;
  if (manifest.tunedLayers !== undefined) {
    const tuned = manifest.tunedLayers;
    try {
      const modelDir = encoderModelDir(base);
      const config = await readBertConfig(modelDir);
      const parameters = await readTunedLayers(root, tuned);
      layers = new BertTopLayers(config, { firstLayer: tuned.firstLayer, count: tuned.count, parameters }, tuned.pooling);
      encoder = createTunedEncoder(base, await createStatesEncoder(modelDir, config, tuned.firstLayer, { dtype: tuned.dtype, route: tuned.statesRoute }), layers);
    } catch (error) {
      layers?.dispose();
      await base.dispose();
      throw error;
    }
  }
  const head = new ClassificationHead(manifest.head, weights);
  const predictProba = async (texts: readonly string[]) => {
    if (texts.length === 0) return new Float32Array(0);
    const features = await encoder.encode(texts, { maxLength: manifest.maxLength });
    return head.predictProba(features, texts.length);
  };
  return {
    manifest,
    encoder,
    head,
    backend,
    predictProba,
    predict: async (texts) => toPredictions(await predictProba(texts), manifest.labelNames),
    dispose: async () => {
      head.dispose();
      await encoder.dispose();
    },
  };
}
