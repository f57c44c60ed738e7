export { Predictor, createPredictor, modelId, publicEncoderName, type CreatePredictorOptions, type ModelLoader, type ModelRef, type PredictorModel, type PredictorOptions, type PredictorSettings, type PredictorState } from './predictor.js';
export { MicroBatcher, type BatcherOptions } from './micro-batcher.js';
export { loadServableModel, checkServable } from './load-servable-model.js';
