// Child process of encode-kill.test.ts: encodes `count` texts through the feature cache, one line per segment written.
import { TINY_BERT } from '@senti/fixtures';
import { loadEncoder } from '../encoder/load-encoder.js';
import { encodeWithCache } from '../cache/encode-with-cache.js';
import { numberedTexts } from './numbered-texts.js';

const [cacheDir, count, segmentRows] = process.argv.slice(2);
const encoder = await loadEncoder({ model: TINY_BERT, offline: true, device: 'cpu' }, async () => ({
  cudaProvider: false,
}));
await encodeWithCache(encoder, numberedTexts(Number(count)), {
  maxLength: 17,
  cacheDir: cacheDir!,
  segmentRows: Number(segmentRows),
  onSegmentWritten: (segment) => process.stdout.write(`${JSON.stringify(segment)}\n`),
});
process.stdout.write('finished\n');
await encoder.dispose();
