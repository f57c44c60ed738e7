// Each concern owns its folder and its own index; this file only gathers them.
export * from './backend/index.js';
export * from './encoder/index.js';
export * from './cache/index.js';
export * from './head/index.js';
export * from './artifact/index.js';
export * from './onnx/index.js';
export * from './export/index.js';
export { vulkanLoaderPresent, webGpuAccess, type WebGpuAccess } from './gpu/webgpu.js';
export * from './layers/index.js';
export * from './predictor/index.js';
