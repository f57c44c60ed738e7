export type { Device, DeviceReport, Dtype, EncodeTextsOptions, Encoder, EncoderInfo, LoadEncoderOptions, Pooling, UsedDevice } from './types.js';
export { loadEncoder, onnxFilePath, resolvePooling, ONNX_FILES } from './load-encoder.js';
export { planDevice, fallbackNote, type DevicePlan, type GpuProbe } from './device.js';
export { probeGpu, probeWebGpuAdapter, hasCudaProvider, onnxRuntimeBinDir } from './gpu-probe.js';
export { planLengthBatches, type LengthBatch } from './batching.js';
export { poolInto, type EncoderOutputs } from './pooling.js';
export { fileSha256 } from './file-hash.js';
export { sessionOptions } from './session-options.js';
