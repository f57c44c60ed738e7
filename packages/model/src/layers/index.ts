export { readBertConfig, type BertConfig } from './bert-config.js';
export {
  LAYER_TENSOR_NAMES,
  POOLER_TENSOR_NAMES,
  checkUnfreezeCount,
  expectedShape,
  isDenseWeight,
  isNoDecay,
  layerRangeNames,
  loadParameters,
  loadTopLayerWeights,
  topLayerNames,
  type LayerParameter,
  type TopLayerWeights,
} from './layer-weights.js';
// Re-exported: the layer tests and users who lay weights out as tfjs expects need it beside the names.
export { transpose } from '@senti/onnx';
export { attentionBias, bertLayer, gelu, layerNorm, type LayerDropout, type LayerTensors } from './bert-layer.js';
export { BertTopLayers, LAYER_DROPOUT, poolStates, type TopLayersForwardOptions } from './top-layers.js';
export { BertEmbeddings, EMBEDDING_TENSOR_NAMES } from './embeddings.js';
export { createTfjsStatesEncoder, type StatesEncoder, type StatesIdentity } from './states-encoder.js';
export {
  LayerStateStore,
  STATES_MAGIC,
  type StatesBatch,
  type StatesPrecision,
  type StatesRow,
} from './layer-state-store.js';
export {
  encodeLayerStates,
  type EncodeLayerStatesOptions,
  type EncodeLayerStatesResult,
} from './encode-layer-states.js';
export { createOnnxStatesEncoder } from './onnx-states-encoder.js';
export { loadTopLayerWeightsFromOnnx } from './onnx-layer-weights.js';
export { layerInputName, truncateToOutput } from './truncate-at-layer.js';
export { createStatesEncoder, loadUnfrozenWeights, type StatesEncoderOptions } from './unfreeze-sources.js';
export { createTunedEncoder, encoderModelDir } from './tuned-encoder.js';
export { encodeTunedLayers, readTunedLayers, TUNED_LAYERS_FILE, type TunedLayersInfo } from './tuned-layers-file.js';
export { withTunedWeights } from './tuned-onnx.js';
