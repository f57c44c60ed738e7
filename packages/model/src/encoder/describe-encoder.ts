import path from 'node:path';
import { ModelError, quote } from '@senti/errors';
import {
  DEFAULT_MODEL,
  loadTokenizer,
  localModelSource,
  resolveModelSource,
  type ModelSource,
  type SentiTokenizer,
} from '@senti/tokenize';
import { planDevice, type DevicePlan, type GpuProbe } from './device.js';
import { fileSha256 } from './file-hash.js';
import { probeGpu } from './gpu-probe.js';
import { resolvePooling } from './choose-pooling.js';
import { readModelLayout, type ModelLayout } from './model-layout.js';
import {
  isEncoderDtypeAvailable,
  ONNX_FILES,
  resolveEncoderFile,
  type ResolvedEncoderFile,
} from './resolve-encoder-file.js';
import type { Dtype, EncoderInfo, LoadEncoderOptions, Pooling, UsedDevice } from './types.js';

/** An encoder before any ONNX Runtime session: its files (downloaded if needed), tokenizer, layout, pooling and device plan. */
export interface EncoderPlan {
  source: ModelSource;
  tokenizer: SentiTokenizer;
  layout: ModelLayout;
  /** Decided before the graph: [CLS] and pooler pooling run a graph whose last layer computes the [CLS] row only. */
  pooling: Pooling;
  /** The devices to try, in order (the CPU last). */
  plan: DevicePlan;
  /** What the GPU probe found (empty for `device: 'cpu'`). */
  found: GpuProbe;
  options: LoadEncoderOptions;
}

/** What the features of an encoder on one device are: their identity (`info`) and the ONNX file that makes them. */
export interface EncoderDescription extends ResolvedEncoderFile {
  info: EncoderInfo;
  device: UsedDevice;
}

/**
 * Plans an encoder: resolves (and downloads) the model, reads its tokenizer and layout, decides the pooling and the
 * devices to try. The one place `loadEncoder`, the queue's enqueuer and the tools learn what an encoder is.
 */
export async function planEncoder(
  options: LoadEncoderOptions = {},
  probe: () => Promise<GpuProbe> = probeGpu,
): Promise<EncoderPlan> {
  const requestedDtype = options.dtype ?? 'fp32';
  if (requestedDtype !== 'auto' && !(requestedDtype in ONNX_FILES)) {
    throw new ModelError(
      'MODEL_BAD_DTYPE',
      `dtype must be auto or one of ${Object.keys(ONNX_FILES).join(', ')}, got ${quote(String(requestedDtype))}`,
      'usage',
    );
  }
  // A Hub model is downloaded into (or found in) the Hugging Face cache first; from here on it is a local directory.
  const given = resolveModelSource(options.model ?? DEFAULT_MODEL, { offline: options.offline });
  const source = await localModelSource(given, {
    weights: requestedDtype,
    onDownload: options.onDownload,
    signal: options.signal,
  });
  const tokenizer = await loadTokenizer(source);
  if (requestedDtype !== 'auto' && !isEncoderDtypeAvailable(source, requestedDtype)) {
    throw new ModelError(
      'MODEL_ENCODER_FILE_MISSING',
      `encoder file ${path.join(source.path!, 'onnx', ONNX_FILES[requestedDtype])} not found; dtype ${requestedDtype} needs onnx/${ONNX_FILES[requestedDtype]} in ${quote(source.id)}`,
    );
  }
  const layout = await readModelLayout(source.path!);
  const pooling = resolvePooling(options.pooling, layout, source.id);
  const requested = options.device ?? 'auto';
  const found: GpuProbe = requested === 'cpu' ? { cudaProvider: false } : await probe();
  return { source, tokenizer, layout, pooling, plan: planDevice(requested, found), found, options };
}

/**
 * The identity of the features `encoder` gives on `device` (default: the first device its plan tries), and the ONNX
 * file that gives them (built or cut into the cache when the model's own files are not run as they are).
 * `loadEncoder` reports this for the device it ended up on, so the enqueuer's and the worker's identities agree.
 */
export async function describeEncoder(
  encoder: EncoderPlan,
  device: UsedDevice = encoder.plan.attempts[0]!,
): Promise<EncoderDescription> {
  const { source, layout, pooling, options } = encoder;
  const resolved = await resolveEncoderFile(source, options.dtype ?? 'fp32', device, { ...options, pooling });
  const fileHash = await fileSha256(resolved.file);
  const info: EncoderInfo = {
    model: source.id,
    fileHash,
    dtype: resolved.dtype as Dtype,
    pooling,
    hiddenSize: layout.hiddenSize,
  };
  return { ...resolved, info, device };
}
