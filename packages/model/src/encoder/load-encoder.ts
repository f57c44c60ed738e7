import { existsSync } from 'node:fs';
import path from 'node:path';
import { AutoModel, type PreTrainedModel } from '@huggingface/transformers';
import { escapeControl, ModelError, quote } from '@senti/errors';
import { DEFAULT_MODEL, loadTokenizer, localModelSource, resolveModelSource, withTransformersEnv, type ModelSource } from '@senti/tokenize';
import { chooseDtype } from './choose-dtype.js';
import { fallbackNote, planDevice } from './device.js';
import { fileSha256 } from './file-hash.js';
import { perTokenInt8Dir } from './int8-encoder-file.js';
import { isEncoderDtypeAvailable, ONNX_FILES, onnxFilePath, resolveEncoderFile } from './resolve-encoder-file.js';
import type { GpuProbe } from './device.js';
import { probeGpu } from './gpu-probe.js';
import { sessionOptions } from './session-options.js';
import { runEncoder } from './run-encoder.js';
import type { Device, DeviceReport, Dtype, Encoder, LoadEncoderOptions, Pooling, UsedDevice } from './types.js';

/** Loads a frozen ONNX encoder (transformers.js + ONNX Runtime) with its tokenizer, on the best device allowed. */
export async function loadEncoder(options: LoadEncoderOptions = {}, probe: () => Promise<GpuProbe> = probeGpu): Promise<Encoder> {
  const requestedDtype = options.dtype ?? 'fp32';
  if (requestedDtype !== 'auto' && !(requestedDtype in ONNX_FILES)) {
    throw new ModelError('MODEL_BAD_DTYPE', `dtype must be auto or one of ${Object.keys(ONNX_FILES).join(', ')}, got ${quote(String(requestedDtype))}`, 'usage');
  }
  const requested = options.device ?? 'auto';
  // A Hub model is downloaded into (or found in) the Hugging Face cache first; from here on it is a local directory.
  const given = resolveModelSource(options.model ?? DEFAULT_MODEL, { offline: options.offline });
  const source = await localModelSource(given, { weights: requestedDtype, onDownload: options.onDownload, signal: options.signal });
  const tokenizer = await loadTokenizer(source);
  const isAvailable = (dtype: Dtype): boolean => isEncoderDtypeAvailable(source, dtype);
  if (requestedDtype !== 'auto' && !isAvailable(requestedDtype)) {
    throw new ModelError('MODEL_ENCODER_FILE_MISSING', `encoder file ${path.join(source.path!, 'onnx', ONNX_FILES[requestedDtype])} not found; dtype ${requestedDtype} needs onnx/${ONNX_FILES[requestedDtype]} in ${quote(source.id)}`);
  }
  const found: GpuProbe = requested === 'cpu' ? { cudaProvider: false } : await probe();
  const plan = planDevice(requested, found);
  const failures: { device: UsedDevice; error: string }[] = [];
  let model: PreTrainedModel | undefined;
  let loadedFile = '';
  let used: UsedDevice = 'cpu';
  let dtype: Dtype = 'fp32';
  for (const device of plan.attempts) {
    try {
      dtype = chooseDtype(requestedDtype, device, isAvailable);
      ({ model, file: loadedFile } = await loadModel(source, dtype, device, options));
      used = device;
      break;
    } catch (error) {
      if (device === 'cpu') throw error;
      failures.push({ device, error: error instanceof Error ? error.message : String(error) });
    }
  }
  const session = (model as unknown as { sessions: Record<string, { outputNames: string[] }> }).sessions.model;
  let pooling: Pooling;
  try {
    pooling = resolvePooling(options.pooling, session?.outputNames ?? [], source.id);
  } catch (error) {
    await model!.dispose();
    throw error;
  }
  const config = model!.config as unknown as Record<string, unknown>;
  const hiddenSize = Number(config.hidden_size ?? config.dim ?? config.d_model);
  const rows = Number(config.vocab_size);
  if (Number.isInteger(rows) && rows > 0 && tokenizer.idCount > rows) {
    await model!.dispose();
    // Caught here: ONNX Runtime would fail mid-encoding with a long native dump on the first out-of-range id.
    throw new ModelError(
      'MODEL_VOCAB_MISMATCH',
      `the tokenizer of ${quote(source.id)} has token ids up to ${tokenizer.idCount - 1} but its encoder has only ${rows} embedding rows (config.json vocab_size); the tokenizer and the model files do not belong together`,
      'input',
      { hint: 'use the tokenizer files that came with the model' },
    );
  }
  const fileHash = await fileSha256(loadedFile);
  const run = runEncoder(model!, tokenizer, pooling, hiddenSize);
  return {
    info: { model: source.id, fileHash, dtype, pooling, hiddenSize },
    source,
    tokenizer,
    device: deviceReport(requested, used, noteFor(plan.note, failures, used), used === 'webgpu' ? found.webgpuDetail : undefined),
    encode: run,
    dispose: async () => {
      await model!.dispose();
    },
  };
}

/**
 * Starts building the per-token int8 graph in the background when {@link loadEncoder} with these options will need
 * it: a local model directory with `onnx/model.onnx`, dtype `int8` (or `auto`) and the CPU running the encoder (device
 * `cpu`, or `auto` on a machine where the GPU probe finds nothing). The build (~1-2 s for BERT-base, mostly in worker
 * threads) then overlaps whatever the caller does next, such as reading and splitting the data; loadEncoder joins it.
 * Resolves to whether it built (or found) the graph; never rejects: a failed build is retried, and reported, by
 * loadEncoder. Callers need not wait for it.
 */
export function prefetchEncoder(options: LoadEncoderOptions = {}, probe: () => Promise<GpuProbe> = probeGpu): Promise<boolean> {
  const dtype = options.dtype ?? 'fp32';
  const device = options.device ?? 'auto';
  if ((dtype !== 'int8' && dtype !== 'auto') || device === 'gpu' || options.model === undefined) return Promise.resolve(false);
  const dir = path.resolve(options.model);
  const fp32 = path.join(dir, 'onnx', ONNX_FILES.fp32);
  if (!existsSync(fp32)) return Promise.resolve(false);
  return (async () => {
    if (device === 'auto' && planDevice('auto', await probe()).attempts[0] !== 'cpu') return false;
    await perTokenInt8Dir(fp32, path.join(dir, 'config.json'), options.cacheDir);
    return true;
  })().catch(() => false);
}

/** The pooling to use: the one asked for (pooler only when the model outputs it), else pooler if available, else cls. */
export function resolvePooling(requested: Pooling | undefined, outputNames: readonly string[], model: string): Pooling {
  const hasPooler = outputNames.includes('pooler_output');
  if (requested === undefined) return hasPooler ? 'pooler' : 'cls';
  if (!['pooler', 'cls', 'mean'].includes(requested)) throw new ModelError('MODEL_BAD_POOLING', `pooling must be pooler, cls or mean, got ${quote(String(requested))}`, 'usage');
  if (requested === 'pooler' && !hasPooler) {
    throw new ModelError('MODEL_NO_POOLER', `pooling "pooler" needs a pooler_output, but ${quote(model)} outputs only ${outputNames.join(', ')}; use pooling "cls" or "mean"`, 'usage');
  }
  return requested;
}

function deviceReport(requested: Device, used: UsedDevice, note: string | undefined, adapter: string | undefined): DeviceReport {
  return { requested, used, ...(note ? { note } : {}), ...(adapter ? { adapter } : {}) };
}

function noteFor(planNote: string | undefined, failures: { device: UsedDevice; error: string }[], used: UsedDevice): string | undefined {
  return planNote ?? fallbackNote(failures, used);
}

async function loadModel(source: ModelSource, dtype: Dtype, device: UsedDevice, settings: LoadEncoderOptions): Promise<{ model: PreTrainedModel; file: string }> {
  const options = { dtype, device, session_options: sessionOptions(device, settings.threads) } as const;
  if (dtype === 'int8') {
    const { dir, file } = await resolveEncoderFile(source, 'int8', device, settings);
    return { model: await loadLocal(dir, source.id, options), file };
  }
  return { model: await loadLocal(source.path!, source.id, options), file: onnxFilePath(source, dtype) };
}

function loadLocal(dir: string, id: string, options: { dtype: Dtype; device: UsedDevice; session_options: Record<string, unknown> }): Promise<PreTrainedModel> {
  return withTransformersEnv({ allowRemoteModels: false }, () => AutoModel.from_pretrained(dir, { ...options, local_files_only: true })).catch((error: unknown) => {
    throw new ModelError('MODEL_LOAD_FAILED', `cannot load the ${options.dtype} encoder from ${quote(id)} on ${options.device}: ${escapeControl(error instanceof Error ? error.message : String(error))}`, 'runtime', { cause: error });
  });
}
