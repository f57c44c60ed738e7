import { describe, expect, it } from 'vitest';
import { ProgressTracker } from './encode-progress.js';

describe('ProgressTracker', () => {
  it('counts finished chunks and in-flight texts, and derives rate and ETA from them', () => {
    const tracker = new ProgressTracker(1000, 4);
    const start = Date.now();
    expect(tracker.snapshot(start + 1000)).toMatchObject({ doneTexts: 0, etaMs: undefined, rate: 0 });
    tracker.finish(250);
    const snapshot = tracker.snapshot(start + 10_000, 250);
    expect(snapshot).toMatchObject({
      doneTexts: 500,
      totalTexts: 1000,
      doneChunks: 1,
      totalChunks: 4,
      failedChunks: 0,
    });
    expect(snapshot.rate).toBeCloseTo(50, 0);
    expect(snapshot.etaMs! / 1000).toBeCloseTo(10, 0);
    tracker.finish(250, true);
    tracker.finish(250);
    tracker.finish(250);
    expect(tracker.snapshot(start + 20_000, 999)).toMatchObject({
      doneTexts: 1000,
      doneChunks: 4,
      failedChunks: 1,
      etaMs: 0,
    });
  });
});
