export { exportModel, type ExportModelOptions, type ExportResult } from './export-model.js';
export { appendClassifier, LOGITS, type HeadWeights } from './classifier-graph.js';
export { classifierConfig, classifierTokenizerConfig } from './hf-files.js';
export { normalizeInputs } from './senti-inputs.js';
export { loadExportedModel, type ExportedModel, type LoadExportedModelOptions } from './load-exported-model.js';
