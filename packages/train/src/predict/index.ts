export { predictFile, type PredictFileEvent, type PredictFileOptions, type PredictFileResult } from './predict-file.js';
export {
  readPredictionInput,
  type PredictionInput,
  type PredictionSource,
  type ReadPredictionInputOptions,
} from './prediction-input.js';
export { formatPredictions, type PredictedRows, type PredictionRow } from './prediction-table.js';
