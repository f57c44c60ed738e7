// Plumbing for senti's own tools (tools/bench, tools/gpu) and tests (`@senti/model/internals`); no package imports it:
// which encoder file and graph, the model layout, device plans, GPU probes. Not part of the stable API: these change
// whenever the encoder route does. Users (and the other packages) want `@senti/model`.
export { resolvePooling } from './encoder/choose-pooling.js';
export {
  isEncoderDtypeAvailable,
  ONNX_FILES,
  onnxFilePath,
  resolveEncoderFile,
  sourceDir,
  type ResolvedEncoderFile,
} from './encoder/resolve-encoder-file.js';
export {
  configHiddenSize,
  readModelConfig,
  readModelLayout,
  type ModelLayout,
  type WeightsLayout,
} from './encoder/model-layout.js';
export { encoderDir, type EncoderDir } from './encoder/encoder-dir.js';
export { INT8_FILE, isSentiInt8File, perTokenInt8Dir } from './encoder/int8-encoder-file.js';
export { fileSha256 } from './encoder/file-hash.js';
export { planDevice, type DevicePlan, type GpuProbe } from './encoder/device.js';
export { hasCudaProvider, onnxRuntimeBinDir, probeWebGpuAdapter } from './encoder/gpu-probe.js';
export { vulkanLoaderPresent, webGpuAccess, type WebGpuAccess } from './gpu/webgpu.js';
