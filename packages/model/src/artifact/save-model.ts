import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { directoryState, openAtomicDirectory } from '@senti/base';
import { ModelError } from '@senti/errors';
import { resolveModelSource } from '@senti/tokenize';
import { sourceDir, type EncoderInfo, type WeightsLayout } from '../encoder/index.js';
import { BUNDLED_ENCODER_DIR, bundleEncoder } from './bundle-encoder.js';
import { encoderReference } from './encoder-reference.js';
import { headShapes, type ClassificationHead } from '../head/index.js';
import type { LayerParameter } from '../layers/layer-weights.js';
import { encodeTunedLayers, TUNED_LAYERS_FILE, type TunedLayersInfo } from '../layers/tuned-layers-file.js';
import { libraryVersions } from './library-versions.js';
import {
  HEAD_FILE,
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  MANIFEST_FORMAT_VERSION,
  type ManifestAbstention,
  type SentiManifest,
} from './manifest.js';

/** What `saveModel` writes. */
export interface SaveModelInput {
  /** The trained head. */
  head: ClassificationHead;
  /** The encoder the features came from; `path` (absolute dir) when it is on disk. */
  encoder: EncoderInfo & { path?: string; weights?: WeightsLayout; architecture?: string };
  /** Padding/truncation length used to encode. */
  maxLength: number;
  /** Class names in class-index order. */
  labelNames: string[];
  /** Evaluation results to keep with the model. */
  metrics?: Record<string, unknown>;
  /** Training settings and history to keep with the model. */
  training?: Record<string, unknown>;
  /**
   * Copy (hard-link when possible) the encoder into the model directory (`encoder/`), so the directory works anywhere
   * on its own. Default: only when the encoder has no Hub id and no relative path from the model directory.
   */
  bundleEncoder?: boolean;
  /** Cache of the built int8 graph (bundling an int8 encoder); default {@link defaultCacheDir}. */
  cacheDir?: string;
  /** Default abstention threshold to store (`--target-accuracy`); the calibration temperature comes from the head. */
  abstention?: ManifestAbstention;
  /** Fine-tuned encoder layers (written to layers.bin beside head.bin). */
  tunedLayers?: { info: Omit<TunedLayersInfo, 'file' | 'sha256' | 'tensors'>; parameters: readonly LayerParameter[] };
}

const TENSOR_NAMES = ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias'];

/** The local directory holding the encoder's files: its path, or a Hub model's snapshot in the Hugging Face cache. */
function encoderSourceDir(info: EncoderInfo & { path?: string }): string {
  if (info.path !== undefined) return info.path;
  if (existsSync(info.model)) return resolve(info.model);
  return sourceDir(resolveModelSource(info.model, { offline: true }));
}

/** Write senti.json + head.bin into `dir` atomically (a temp dir next to it, then renamed into place). */
export async function saveModel(dir: string, model: SaveModelInput): Promise<void> {
  const target = resolve(dir);
  const { head, labelNames } = model;
  if (labelNames.length !== head.config.numClasses) {
    throw new ModelError(
      'MODEL_BAD_LABELS',
      `${labelNames.length} label names for a head with ${head.config.numClasses} classes`,
      'runtime',
    );
  }
  if ((await directoryState(target)) === 'not-empty' && !existsSync(join(target, MANIFEST_FILE))) {
    throw new ModelError(
      'MODEL_DIR_NOT_EMPTY',
      `${target} exists and is not a senti model; refusing to replace it`,
      'input',
      {
        hint: 'choose an empty or new directory for the model',
      },
    );
  }
  const weights = await head.getWeights();
  const bytes = Buffer.concat(weights.map((array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength)));
  const tuned = model.tunedLayers === undefined ? undefined : encodeTunedLayers(model.tunedLayers.parameters);
  const encoder = encoderReference(model.encoder, target);
  // A local encoder that nothing portable names (no Hub id, no nearby relative path) is bundled: never an absolute path.
  const bundle = model.bundleEncoder ?? (encoder.hubId === undefined && encoder.relativePath === undefined);
  if (bundle) encoder.bundled = BUNDLED_ENCODER_DIR;
  const manifest: SentiManifest = {
    format: MANIFEST_FORMAT,
    formatVersion: MANIFEST_FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    encoder,
    maxLength: model.maxLength,
    labelNames: [...labelNames],
    head: { ...head.config },
    weights: {
      file: HEAD_FILE,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      tensors: headShapes(head.config).map((shape, index) => ({ name: TENSOR_NAMES[index]!, shape })),
      trainedOn: { pooling: encoder.pooling, maxLength: model.maxLength },
    },
    ...(tuned === undefined
      ? {}
      : {
          tunedLayers: {
            ...model.tunedLayers!.info,
            file: TUNED_LAYERS_FILE,
            sha256: tuned.sha256,
            tensors: tuned.tensors,
          },
        }),
    ...(head.temperature === 1
      ? {}
      : { calibration: { method: 'temperature' as const, temperature: head.temperature } }),
    ...(model.abstention === undefined ? {} : { abstention: model.abstention }),
    ...(model.metrics === undefined ? {} : { metrics: model.metrics }),
    ...(model.training === undefined ? {} : { training: model.training }),
    versions: libraryVersions(),
  };
  const directory = await openAtomicDirectory(target);
  try {
    await directory.write(HEAD_FILE, bytes);
    if (bundle)
      await bundleEncoder(
        encoderSourceDir(model.encoder),
        model.encoder.dtype,
        model.encoder.pooling,
        join(directory.temporary, BUNDLED_ENCODER_DIR),
        model.cacheDir,
      );
    if (tuned !== undefined) await directory.write(TUNED_LAYERS_FILE, tuned.bytes);
    await directory.write(MANIFEST_FILE, `${JSON.stringify(manifest, null, 2)}\n`);
    await directory.commit();
  } catch (error) {
    await directory.abort();
    throw error;
  }
}
