export { readBertGraphConfig, bertGraphConfig, type BertGraphConfig } from './bert-graph-config.js';
export { bertWeightsFromSafetensors, type BertWeights } from './bert-weights.js';
export { canonicalTensorName, LAYER_TENSORS, POOLER_TENSORS, requiredTensorNames } from './bert-tensor-names.js';
export { buildBertGraph, BERT_GRAPH_BUILDER, BERT_GRAPH_OPSET, type BertGraphOptions } from './build-bert-graph.js';
export { writeBertEncoderDir, type BertEncoderDir } from './bert-encoder-dir.js';
export {
  writeSafetensors,
  encodeSafetensors,
  type SafetensorsEntry,
  type SafetensorsDtype,
} from './safetensors-writer.js';
export { randomBertCheckpoint, type RandomBertShape } from './random-bert-checkpoint.js';
