export { readOnnxModel, writeOnnxModel, decodeOnnxModel, encodeOnnxModel, readFileShared } from './onnx-model.js';
export { onnxOutputNames } from './onnx-output-names.js';
export {
  findInitializer, initializerMap, addInitializers, addNodes, pruneInitializers, pruneDeadNodes, tensorValueInfo, addGraphOutput, attribute, makeNode, nodeAttribute,
  defaultOpset, uniqueNamer,
} from './onnx-graph.js';
export { tensorToFloat32, float32Tensor, int8Tensor, uint8Tensor, int64Tensor } from './onnx-tensor.js';
export { DataType, AttributeType } from './onnx-types.js';
export type { OnnxModel, OnnxGraph, OnnxNode, OnnxTensor, OnnxAttribute, OnnxValueInfo, OnnxDimension, OnnxOpset } from './onnx-types.js';
export { ONNX_PROTO } from './onnx-schema.js';
export { quantizePerToken, quantizePerTokenParallel, quantizeColumns, PER_TOKEN_INT8, type PerTokenReport, type ColumnQuantized } from './per-token-int8.js';
export {
  bertWeightsFromSafetensors, buildBertGraph, randomBertCheckpoint, type RandomBertShape, writeBertEncoderDir, readBertGraphConfig, bertGraphConfig, canonicalTensorName, writeSafetensors, encodeSafetensors,
  BERT_GRAPH_BUILDER, BERT_GRAPH_OPSET, type BertWeights, type BertGraphConfig, type BertGraphOptions, type BertEncoderDir, type SafetensorsEntry, type SafetensorsDtype,
} from './bert-graph/index.js';
