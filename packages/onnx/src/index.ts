// @senti/onnx: ONNX files as data — reading and writing them (protobuf, no runtime), graph surgery, the per-token int8
// quantizer, safetensors reading, and building a BERT encoder graph from its weights. A leaf package: it depends on
// nothing of senti but @senti/base and @senti/errors, and runs no model.

// Reading and writing ONNX files.
export {
  readOnnxModel,
  writeOnnxModel,
  decodeOnnxModel,
  decodeOnnxFile,
  encodeOnnxModel,
  readFileShared,
} from './onnx-model.js';
export { onnxOutputNames } from './onnx-output-names.js';
export { ONNX_PROTO } from './onnx-schema.js';
export { DataType, AttributeType } from './onnx-types.js';
export type {
  OnnxModel,
  OnnxGraph,
  OnnxNode,
  OnnxTensor,
  OnnxAttribute,
  OnnxValueInfo,
  OnnxDimension,
  OnnxOpset,
} from './onnx-types.js';

// Graph surgery.
export {
  findInitializer,
  initializerMap,
  addInitializers,
  addNodes,
  pruneInitializers,
  pruneDeadNodes,
  tensorValueInfo,
  addGraphOutput,
  attribute,
  makeNode,
  nodeAttribute,
  defaultOpset,
  uniqueNamer,
} from './onnx-graph.js';
export { tensorToFloat32, float32Tensor, int8Tensor, uint8Tensor, int64Tensor } from './onnx-tensor.js';
export { cutAtLastHiddenState, LAST_HIDDEN_STATE } from './cut-at-hidden-state.js';

// Quantizing: per-token symmetric int8 (the current scheme, and v2 verbatim for models saved by senti 0.1).
export {
  quantizePerToken,
  quantizePerTokenParallel,
  quantizeColumns,
  PER_TOKEN_INT8,
  type PerTokenReport,
  type ColumnQuantized,
} from './per-token-int8.js';
export { quantizePerTokenV2Parallel, PER_TOKEN_INT8_V2 } from './per-token-int8-v2.js';

// Weights: safetensors, half floats, matrices.
export { readSafetensors, safetensorsTensorNames, type NamedTensor } from './safetensors.js';
export { floatToHalf, halfToFloat, halvesToFloats } from './half-float.js';
export { transpose } from './transpose.js';

// A BERT encoder graph built from its weights.
export {
  bertWeightsFromSafetensors,
  buildBertGraph,
  randomBertCheckpoint,
  type RandomBertShape,
  writeBertEncoderDir,
  readBertGraphConfig,
  bertGraphConfig,
  canonicalTensorName,
  writeSafetensors,
  encodeSafetensors,
  BERT_GRAPH_BUILDER,
  BERT_GRAPH_OPSET,
  LAYER_TENSORS,
  POOLER_TENSORS,
  requiredTensorNames,
  type BertWeights,
  type BertGraphConfig,
  type BertGraphOptions,
  type BertEncoderDir,
  type SafetensorsEntry,
  type SafetensorsDtype,
} from './bert-graph/index.js';
