import { createHash } from 'node:crypto';
import { basename, isAbsolute } from 'node:path';
import type { ManifestAbstention, ManifestCalibration, SentiManifest } from '../artifact/manifest.js';

/**
 * What a served model says about itself (`GET /v1/model`): what clients may see, never a local path. A senti model
 * fills it from senti.json; an export from its config.json (labels, pooling, max length, hidden size), with the
 * fields an export does not record (creation time, metrics, training settings) left out rather than invented.
 */
export interface ServedModelInfo {
  /** Short identity, sent with every prediction: the first 12 hex digits of a SHA-256 (of senti.json, or of an export's config and graph). */
  id: string;
  /** `senti`: a senti model directory; `export`: a directory written by `senti export`; `trained`: a model just trained, in memory. */
  source: 'senti' | 'export' | 'trained';
  /** Class names, in class-index order. */
  labels: string[];
  /** The encoder: public name (a Hub id, or a local directory's last segment), dtype, pooling, hidden size, graph hash. */
  encoder: { model: string; dtype: string; pooling: string; hiddenSize: number; fileHash: string };
  /** Tokens per text; longer texts are truncated. */
  maxLength: number;
  /** When the model was trained (senti models only). */
  createdAt?: string;
  /** Metrics recorded at training time. */
  metrics?: Record<string, unknown>;
  /** Training settings. */
  training?: Record<string, unknown>;
  /** Library versions that wrote the model. */
  versions?: Record<string, string>;
  /** Temperature the probabilities are divided by (already applied). */
  calibration?: ManifestCalibration;
  /** Confidence threshold below which a prediction abstains. */
  abstention?: ManifestAbstention;
}

/** The identity of a model: the first 12 hex digits of the SHA-256 of its manifest. */
export function modelId(manifest: SentiManifest): string {
  return createHash('sha256').update(JSON.stringify(manifest)).digest('hex').slice(0, 12);
}

/** The encoder's name as clients see it: a Hub id as is, a local directory by its last segment only. */
export function publicEncoderName(model: string): string {
  return isAbsolute(model) || model.startsWith('.') || model.includes('\\')
    ? basename(model.replace(/[\\/]+$/, ''))
    : model;
}

/** The served info of a senti model, from its manifest. */
export function infoFromManifest(manifest: SentiManifest): ServedModelInfo {
  const { model, dtype, pooling, hiddenSize, fileHash } = manifest.encoder;
  return {
    id: modelId(manifest),
    source: 'senti',
    labels: [...manifest.labelNames],
    encoder: { model: publicEncoderName(model), dtype, pooling, hiddenSize, fileHash },
    maxLength: manifest.maxLength,
    createdAt: manifest.createdAt,
    metrics: manifest.metrics ?? {},
    training: manifest.training ?? {},
    versions: manifest.versions,
    ...(manifest.calibration === undefined ? {} : { calibration: manifest.calibration }),
    ...(manifest.abstention === undefined ? {} : { abstention: manifest.abstention }),
  };
}
