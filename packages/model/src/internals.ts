// Plumbing shared with @senti/train, @senti/queue and the tools (`@senti/model/internals`): which encoder file, how
// texts are batched and keyed, the feature-segment format, dropout masks, GPU probes. Not part of the stable API:
// these change whenever the encoder route or the cache format does. Users want `@senti/model`.
export { prefetchEncoder } from './encoder/load-encoder.js';
export { resolvePooling } from './encoder/choose-pooling.js';
export { isEncoderDtypeAvailable, ONNX_FILES, onnxFilePath, resolveEncoderFile, sourceDir, type ResolvedEncoderFile } from './encoder/resolve-encoder-file.js';
export { configHiddenSize, readModelConfig, readModelLayout, type ModelLayout, type WeightsLayout } from './encoder/model-layout.js';
export { encoderDir, type EncoderDir } from './encoder/encoder-dir.js';
export { INT8_FILE, isSentiInt8File, perTokenInt8Dir } from './encoder/int8-encoder-file.js';
export { fileSha256 } from './encoder/file-hash.js';
export { planDevice, type DevicePlan, type GpuProbe } from './encoder/device.js';
export { planLengthBatches, type LengthBatch } from './encoder/batching.js';
export { sessionOptions } from './encoder/session-options.js';
export { hasCudaProvider, onnxRuntimeBinDir, probeWebGpuAdapter } from './encoder/gpu-probe.js';
export { vulkanLoaderPresent, webGpuAccess, type WebGpuAccess } from './gpu/webgpu.js';
export { storeDir } from './cache/feature-store.js';
export { decodeSegment, KEY_BYTES, textKey, type Segment } from './cache/segment-file.js';
export { dropoutMask, dropoutMaskTransposed } from './head/dropout-mask.js';
export { HeadGradientKernel, headThreads, type HeadGradientArrays } from './head/head-gradient-kernel.js';
export { adamwSimd, isWasmMemory, type AdamWSimd } from './head/adamw-simd.js';
