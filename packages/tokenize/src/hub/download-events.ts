/** Progress of a model download, one file at a time (only files not already in the cache are reported). */
export type DownloadEvent =
  | {
      type: 'download-start';
      /** Hub repository id. */
      repo: string;
      /** Path of the file in the repository, e.g. `onnx/model.onnx`. */
      file: string;
      /** Size in bytes. */
      total: number;
      /** Bytes already on disk from an interrupted download (resumed with a Range request), else 0. */
      resumedFrom: number;
    }
  | {
      type: 'download';
      repo: string;
      file: string;
      /** Bytes on disk so far (resumed bytes included). */
      bytes: number;
      total: number;
      /** Average speed of this download so far. */
      bytesPerSecond: number;
      /** Seconds left at that speed; undefined until a speed is known. */
      etaSeconds: number | undefined;
    }
  | {
      type: 'download-done';
      repo: string;
      file: string;
      /** Size in bytes. */
      total: number;
      /** Seconds the download took (checksum included). */
      seconds: number;
    };

/** Receives download progress. */
export type DownloadListener = (event: DownloadEvent) => void;

/** Least time between two `download` events of one file (the last one, at 100%, is always sent). */
const INTERVAL_MS = 250;

/** Turns byte counts of one file into throttled `download` events with speed and ETA. */
export class DownloadMeter {
  private readonly started = Date.now();
  private lastSent = 0;

  constructor(
    private readonly listener: DownloadListener | undefined,
    private readonly repo: string,
    private readonly file: string,
    private readonly total: number,
    private readonly resumedFrom: number,
  ) {
    listener?.({ type: 'download-start', repo, file, total, resumedFrom });
  }

  /** Reports `bytes` on disk; sent when enough time passed since the last event, or when the file is complete. */
  update(bytes: number): void {
    if (!this.listener) return;
    const now = Date.now();
    if (bytes < this.total && now - this.lastSent < INTERVAL_MS) return;
    this.lastSent = now;
    const seconds = Math.max((now - this.started) / 1000, 1e-3);
    const bytesPerSecond = Math.max(bytes - this.resumedFrom, 0) / seconds;
    const etaSeconds = bytesPerSecond > 0 ? (this.total - bytes) / bytesPerSecond : undefined;
    this.listener({
      type: 'download',
      repo: this.repo,
      file: this.file,
      bytes,
      total: this.total,
      bytesPerSecond,
      etaSeconds,
    });
  }

  /** Reports the file as downloaded and checked. */
  done(): void {
    this.listener?.({
      type: 'download-done',
      repo: this.repo,
      file: this.file,
      total: this.total,
      seconds: (Date.now() - this.started) / 1000,
    });
  }
}
