/** Progress across every worker, as the enqueuer sees it. */
export interface EncodeProgress {
  /** Texts whose chunk is done (completed or failed for good), plus those already encoded in running chunks. */
  doneTexts: number;
  totalTexts: number;
  doneChunks: number;
  totalChunks: number;
  /** Chunks that failed for good so far. */
  failedChunks: number;
  /** Texts per second since the enqueuer started waiting. */
  rate: number;
  /** Estimated milliseconds left; `undefined` until the first chunk is done. */
  etaMs: number | undefined;
}

/** Tracks done/total and derives rate and ETA. */
export class ProgressTracker {
  private doneTexts = 0;
  private doneChunks = 0;
  private failedChunks = 0;
  private readonly startedAt = Date.now();

  constructor(
    private readonly totalTexts: number,
    private readonly totalChunks: number,
  ) {}

  /** Records one chunk of `texts` texts finished (or failed for good). */
  finish(texts: number, failed = false): void {
    this.doneTexts += texts;
    this.doneChunks++;
    if (failed) this.failedChunks++;
  }

  /** The current numbers; `inFlight`: texts already encoded in chunks not finished yet. */
  snapshot(now = Date.now(), inFlight = 0): EncodeProgress {
    const seconds = Math.max((now - this.startedAt) / 1000, 1e-3);
    const done = Math.min(this.doneTexts + inFlight, this.totalTexts);
    const rate = done / seconds;
    const left = this.totalTexts - done;
    return {
      doneTexts: done,
      totalTexts: this.totalTexts,
      doneChunks: this.doneChunks,
      totalChunks: this.totalChunks,
      failedChunks: this.failedChunks,
      rate,
      etaMs: done === 0 ? undefined : left === 0 ? 0 : Math.round((left / rate) * 1000),
    };
  }
}
