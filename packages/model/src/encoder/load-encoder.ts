import { existsSync } from 'node:fs';
import path from 'node:path';
import { AutoModel, type PreTrainedModel } from '@huggingface/transformers';
import { escapeControl, ModelError, quote } from '@senti/errors';
import { withTransformersEnv } from '@senti/tokenize';
import { describeEncoder, planEncoder, type EncoderDescription } from './describe-encoder.js';
import { fallbackNote, planDevice } from './device.js';
import type { ModelLayout } from './model-layout.js';
import { resolveEncoderFile } from './resolve-encoder-file.js';
import type { GpuProbe } from './device.js';
import { probeGpu } from './gpu-probe.js';
import { sessionOptions } from './session-options.js';
import { runEncoder } from './run-encoder.js';
import type { Device, DeviceReport, Dtype, Encoder, LoadEncoderOptions, Pooling, UsedDevice } from './types.js';

/** Loads a frozen ONNX encoder (transformers.js + ONNX Runtime) with its tokenizer, on the best device allowed. */
export async function loadEncoder(
  options: LoadEncoderOptions = {},
  probe: () => Promise<GpuProbe> = probeGpu,
): Promise<Encoder> {
  const planned = await planEncoder(options, probe);
  const { source, tokenizer, layout, pooling, plan, found } = planned;
  const requested = options.device ?? 'auto';
  const failures: { device: UsedDevice; error: string }[] = [];
  let model: PreTrainedModel | undefined;
  let described: EncoderDescription | undefined;
  for (const device of plan.attempts) {
    try {
      described = await describeEncoder(planned, device);
      model = await loadLocal(described.dir, source.id, {
        dtype: described.info.dtype,
        device,
        session_options: sessionOptions(device, options.threads),
      });
      break;
    } catch (error) {
      if (device === 'cpu') throw error;
      failures.push({ device, error: error instanceof Error ? error.message : String(error) });
    }
  }
  const used = described!.device;
  const session = (model as unknown as { sessions: Record<string, { outputNames: string[]; inputNames: string[] }> })
    .sessions.model;
  const config = model!.config as unknown as Record<string, unknown>;
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
  const run = runEncoder(model!, tokenizer, pooling, layout.hiddenSize, session?.inputNames);
  return {
    info: described!.info,
    source,
    tokenizer,
    device: deviceReport(
      requested,
      used,
      noteFor(plan.note, failures, used),
      used === 'webgpu' ? found.webgpuDetail : undefined,
    ),
    layout: {
      weights: layout.weights,
      architecture: layout.architecture,
      modelType: layout.modelType,
      poolingFrom: poolingFrom(options.pooling, layout),
    },
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
export function prefetchEncoder(
  options: LoadEncoderOptions = {},
  probe: () => Promise<GpuProbe> = probeGpu,
): Promise<boolean> {
  const dtype = options.dtype ?? 'fp32';
  const device = options.device ?? 'auto';
  if ((dtype !== 'int8' && dtype !== 'auto') || device === 'gpu' || options.model === undefined)
    return Promise.resolve(false);
  const dir = path.resolve(options.model);
  if (!existsSync(path.join(dir, 'config.json'))) return Promise.resolve(false);
  return (async () => {
    if (device === 'auto' && planDevice('auto', await probe()).attempts[0] !== 'cpu') return false;
    await resolveEncoderFile({ kind: 'dir', id: options.model!, path: dir, offline: true }, 'int8', 'cpu', options);
    return true;
  })().catch(() => false);
}

function poolingFrom(requested: Pooling | undefined, layout: ModelLayout): string {
  if (requested !== undefined) return 'requested';
  return layout.configuredPooling ? layout.configuredPooling.from : 'default';
}

function deviceReport(
  requested: Device,
  used: UsedDevice,
  note: string | undefined,
  adapter: string | undefined,
): DeviceReport {
  return { requested, used, ...(note ? { note } : {}), ...(adapter ? { adapter } : {}) };
}

function noteFor(
  planNote: string | undefined,
  failures: { device: UsedDevice; error: string }[],
  used: UsedDevice,
): string | undefined {
  return planNote ?? fallbackNote(failures, used);
}

function loadLocal(
  dir: string,
  id: string,
  options: { dtype: Dtype; device: UsedDevice; session_options: Record<string, unknown> },
): Promise<PreTrainedModel> {
  return withTransformersEnv({ allowRemoteModels: false }, () =>
    AutoModel.from_pretrained(dir, { ...options, local_files_only: true }),
  ).catch((error: unknown) => {
    throw new ModelError(
      'MODEL_LOAD_FAILED',
      `cannot load the ${options.dtype} encoder from ${quote(id)} on ${options.device}: ${escapeControl(error instanceof Error ? error.message : String(error))}`,
      'runtime',
      { cause: error },
    );
  });
}
