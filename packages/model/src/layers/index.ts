export { readBertConfig, type BertConfig } from './bert-config.js';
export { readSafetensors, type NamedTensor } from './safetensors.js';
export {
  LAYER_TENSOR_NAMES, POOLER_TENSOR_NAMES, checkUnfreezeCount, expectedShape, isDenseWeight, isNoDecay, loadTopLayerWeights, topLayerNames, transpose,
  type LayerParameter, type TopLayerWeights,
} from './layer-weights.js';
export { attentionBias, bertLayer, gelu, layerNorm, type LayerDropout, type LayerTensors } from './bert-layer.js';
export { BertTopLayers, LAYER_DROPOUT, poolStates, type TopLayersForwardOptions } from './top-layers.js';
