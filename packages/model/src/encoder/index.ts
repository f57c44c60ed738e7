export type {
  Device,
  DeviceReport,
  Dtype,
  EncodeTextsOptions,
  Encoder,
  EncoderInfo,
  EncoderLayoutReport,
  LoadEncoderOptions,
  Pooling,
  UsedDevice,
} from './types.js';
export { loadEncoder } from './load-encoder.js';
export { resolvePooling } from './choose-pooling.js';
export {
  isEncoderDtypeAvailable,
  onnxFilePath,
  resolveEncoderFile,
  sourceDir,
  ONNX_FILES,
  type ResolvedEncoderFile,
  type ResolveEncoderFileOptions,
} from './resolve-encoder-file.js';
export { configHiddenSize, readModelLayout, type ModelLayout, type WeightsLayout } from './model-layout.js';
export { planDevice, fallbackNote, type DevicePlan, type GpuProbe } from './device.js';
export { probeGpu, probeWebGpuAdapter, hasCudaProvider, onnxRuntimeBinDir } from './gpu-probe.js';
export { planLengthBatches, type LengthBatch } from './batching.js';
export { poolInto, type EncoderOutputs } from './pooling.js';
export { fileSha256 } from './file-hash.js';
export { sessionOptions } from './session-options.js';
export { describeRoute, PROVIDER_LABELS } from './route.js';
export { toFloat32, type FloatOutput } from './float-output.js';
export { chooseDtype, type DtypeChoice } from './choose-dtype.js';
export { perTokenInt8Dir, isSentiInt8File, INT8_FILE } from './int8-encoder-file.js';
