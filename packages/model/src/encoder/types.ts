import type { DownloadListener, ModelSource, SentiTokenizer } from '@senti/tokenize';
import type { WeightsLayout } from './model-layout.js';

/**
 * Encoder weights: `fp32` (`onnx/model.onnx`), half precision `fp16` (`onnx/model_fp16.onnx`, for GPUs),
 * `int8` (per-token symmetric int8 that senti builds from `onnx/model.onnx` and caches: a text's features do not
 * depend on its batch neighbours; the CPU default) or `q8` (`onnx/model_quantized.onnx`, dynamic per-tensor int8:
 * kept so older models load, but a text's features move slightly with its neighbours).
 */
export type Dtype = 'fp32' | 'fp16' | 'q8' | 'int8';
/** Where the encoder runs: `gpu` falls back to `cpu` with a note; `auto` tries a GPU only when one is plausible. */
export type Device = 'auto' | 'cpu' | 'gpu';
/** How token vectors become one sentence vector: BERT's `pooler_output`, the `[CLS]` vector, or the masked mean. */
export type Pooling = 'pooler' | 'cls' | 'mean';
/** The ONNX Runtime execution provider actually used. */
export type UsedDevice = 'cpu' | 'cuda' | 'webgpu';

/** Options for {@link loadEncoder}. */
export interface LoadEncoderOptions {
  /** Hugging Face Hub id or local model directory; default `google-bert/bert-base-uncased` (the tutorial's model, with its pooler). */
  model?: string;
  /** Weights to load; default `fp32`; `auto`: int8 (per token) on the CPU, fp32 on a GPU. */
  dtype?: Dtype | 'auto';
  /** Where the built int8 graph is cached; default {@link defaultCacheDir}. */
  cacheDir?: string;
  /** Run the graphs senti 0.1 built (for models saved then; see `ResolveEncoderFileOptions.legacyGraphs`). */
  legacyGraphs?: boolean;
  /** Device to run on; default `auto`. */
  device?: Device;
  /** Sentence pooling; default `pooler` when the model outputs `pooler_output`, else `cls`. */
  pooling?: Pooling;
  /** Never fetch from the Hub (default: `SENTI_OFFLINE` or `HF_HUB_OFFLINE`). */
  offline?: boolean;
  /** Receives progress while a Hub model's files download into the Hugging Face cache. */
  onDownload?: DownloadListener;
  /** Cancels a Hub download in progress. */
  signal?: AbortSignal;
  /** ONNX Runtime intra-op threads; default: the number of CPU cores (or `SENTI_THREADS`). */
  threads?: number;
}

/** What identifies an encoder's features: same info, same vectors. */
export interface EncoderInfo {
  /** Model id or directory as given. */
  model: string;
  /** sha256 (hex) of the ONNX file used (for int8, of the graph built from the fp32 file). */
  fileHash: string;
  /** Weights used. */
  dtype: Dtype;
  /** Sentence pooling used. */
  pooling: Pooling;
  /** Length of each sentence vector. */
  hiddenSize: number;
}

/** Options for {@link Encoder.encode}. */
export interface EncodeTextsOptions {
  /** Longest input in tokens (special tokens included); longer texts are truncated. */
  maxLength: number;
  /** Texts per forward pass; default 32. */
  batchSize?: number;
  /** Called after each batch with the number of texts done so far and the total. */
  onProgress?: (done: number, total: number) => void;
}

/** Which device was asked for, which was used, and why they differ. */
export interface DeviceReport {
  /** The device asked for. */
  requested: Device;
  /** The execution provider used. */
  used: UsedDevice;
  /** Why a GPU was not used (or what was tried), when relevant. */
  note?: string;
  /** The GPU adapter, as Dawn describes it, when the WebGPU provider is used. */
  adapter?: string;
}

/** What senti found in a model's files, for the console and the run's records. */
export interface EncoderLayoutReport {
  /** How the weights are stored: ONNX encoder export, masked-LM export (cut at the last hidden state), safetensors. */
  weights: WeightsLayout;
  /** config.json's first architecture (e.g. `BertForMaskedLM`), else its model type. */
  architecture: string;
  /** config.json's model type (`bert`, `distilbert`, ...). */
  modelType: string;
  /** Why this pooling: `requested`, the model's own pooling config (e.g. `1_Pooling/config.json`), or senti's default. */
  poolingFrom: string;
}

/** A frozen sentence encoder. */
export interface Encoder {
  /** Identity of the features it produces. */
  info: EncoderInfo;
  /** Where it was loaded from. */
  source: ModelSource;
  /** The model's tokenizer. */
  tokenizer: SentiTokenizer;
  /** Device asked for and used. */
  device: DeviceReport;
  /** How the model's files store the encoder and where the pooling came from (absent for a bundled int8 build). */
  layout?: EncoderLayoutReport;
  /** Sentence vectors, row-major `[texts.length, hiddenSize]`, in input order. */
  encode(texts: readonly string[], options: EncodeTextsOptions): Promise<Float32Array>;
  /** Releases the ONNX Runtime session. */
  dispose(): Promise<void>;
}
