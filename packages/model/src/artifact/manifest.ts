import type { EncoderInfo, WeightsLayout } from '../encoder/index.js';
import type { HeadConfig } from '../head/index.js';
import type { TunedLayersInfo } from '../layers/tuned-layers-file.js';

/** The manifest format this version writes and the newest it reads. */
export const MANIFEST_FORMAT = 'senti-model';
export const MANIFEST_FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'senti.json';
export const HEAD_FILE = 'head.bin';

/** Where the head's weights are and how to check them. */
export interface HeadWeightsInfo {
  /** File name inside the model directory. */
  file: string;
  /** sha256 (hex) of the file, to detect corruption. */
  sha256: string;
  /** float32 little-endian tensors, concatenated in this order. */
  tensors: { name: string; shape: number[] }[];
  /**
   * The features these weights were trained on (written since issue #23; absent in older models). An edit of
   * `encoder.pooling` or `maxLength` that disagrees with it is refused: the head would get features it never saw.
   */
  trainedOn?: { pooling: string; maxLength: number };
}

/** How senti.json refers to the encoder; loading tries, in order, `bundled`, `relativePath`, `hubId` (local caches first). */
export interface ManifestEncoder extends EncoderInfo {
  /** Hub id the encoder is published under, when known. */
  hubId?: string;
  /** Hub revision (commit or branch) of `hubId`. */
  revision?: string;
  /** Folder inside the model directory holding a copy of the encoder (see `bundleEncoder`). */
  bundled?: string;
  /** The encoder directory relative to the model directory at save time (a hint; valid while both move together). */
  relativePath?: string;
  /** Absolute encoder directory: written by older versions only, still read. */
  path?: string;
  /** How the model's files store the encoder (ONNX encoder, masked-LM export cut by senti, safetensors); since 0.2. */
  weights?: WeightsLayout;
  /** config.json's architecture of the encoder's source files (e.g. `BertForMaskedLM`); since 0.2. */
  architecture?: string;
}

/** Calibration of the head's probabilities (temperature scaling, fitted on the validation split). */
export interface ManifestCalibration {
  method: 'temperature';
  /** Every route divides the logits by this before the softmax (predict, evaluate, server, the export's graph). */
  temperature: number;
}

/** The model's default abstention: texts whose top calibrated probability is below `threshold` get no label. */
export interface ManifestAbstention {
  threshold: number;
  /** The validation accuracy the threshold was chosen for, when it was (`--target-accuracy`). */
  targetAccuracy?: number;
}

/** senti.json: everything needed to rebuild the model and to know how it was made. */
export interface SentiManifest {
  format: 'senti-model';
  formatVersion: 1;
  /** ISO time the model was saved. */
  createdAt: string;
  /** The frozen encoder: identity (hash, dtype, pooling) and where to find it, with no absolute paths. */
  encoder: ManifestEncoder;
  /** Padding/truncation length the features were computed at. */
  maxLength: number;
  /** Class names, in class-index order. */
  labelNames: string[];
  /** Head shape. */
  head: HeadConfig;
  /** The head's weights file. */
  weights: HeadWeightsInfo;
  /** Fine-tuned top encoder layers (`unfreeze` k > 0): prediction runs them instead of the encoder's own. */
  tunedLayers?: TunedLayersInfo;
  /** Temperature scaling applied to every probability; absent = uncalibrated (T = 1). */
  calibration?: ManifestCalibration;
  /** Default abstention threshold (predict, evaluate and the server use it unless told otherwise). */
  abstention?: ManifestAbstention;
  /** Evaluation results (e.g. the test report). */
  metrics?: Record<string, unknown>;
  /** Training settings and history. */
  training?: Record<string, unknown>;
  /** Versions of the libraries that made the model. */
  versions: Record<string, string>;
}
