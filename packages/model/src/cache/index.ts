export { defaultCacheDir } from './cache-dir.js';
export {
  describeDiscarded, encodeWithCache, type DiscardedSegment, type EncodeWithCacheOptions, type EncodeWithCacheResult,
} from './encode-with-cache.js';
export { loadStore, appendSegment, compactStore, writeSegment, storeDir, MAX_SEGMENTS, type FeatureIdentity, type LoadedStore } from './feature-store.js';
export { encodeSegment, decodeSegment, textKey, KEY_BYTES, SEGMENT_MAGIC, type Segment } from './segment-file.js';
export { directoryFeatureStore, type FeatureStore } from './feature-store-api.js';
