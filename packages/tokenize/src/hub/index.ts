// The Hugging Face Hub download: standard cache, HF_ENDPOINT / HF_TOKEN / HF_HUB_OFFLINE, resume, checksums, progress.
export { ensureModelSnapshot, type EnsureModelSnapshotOptions, type ModelSnapshot } from './ensure-snapshot.js';
export { cachedModelDir, localModelSource } from './local-model-source.js';
export { DEFAULT_ENDPOINT, hubCacheDir, hubEnvironment, type HubEnvironment } from './hub-environment.js';
export type { DownloadEvent, DownloadListener } from './download-events.js';
export type { WeightsChoice } from './select-files.js';
