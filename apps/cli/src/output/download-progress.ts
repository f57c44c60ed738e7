import type { FineTuneEvent } from '@senti/train';
import type { ConsoleOutput, Progress } from './console-output.js';

/** A Hub file's download progress (the events fineTune, loadModel and evaluateModel pass on). */
type DownloadEvent = Extract<FineTuneEvent, { type: 'download-start' | 'download' | 'download-done' }>;

/** Files smaller than this download without a progress display. */
const SHOWN_FROM_BYTES = 1_000_000;

/** In megabytes to one decimal: what the download bar counts in. */
const megabytes = (bytes: number): number => Math.round(bytes / 100_000) / 10;

/** A progress bar per large Hub file (bytes as MB, speed, ETA; plain lines at 25% steps when not a terminal). */
function renderDownload(output: ConsoleOutput, bars: Map<string, Progress>, event: DownloadEvent): void {
  const key = `${event.repo}/${event.file}`;
  if (event.type === 'download-start') {
    if (event.total < SHOWN_FROM_BYTES) return;
    const bar = output.progress(`Downloading ${key}`, megabytes(event.total), 'MB');
    bars.set(key, bar);
    bar.update(megabytes(event.resumedFrom), event.resumedFrom > 0 ? 'resumed' : '');
    return;
  }
  const bar = bars.get(key);
  if (!bar) return;
  if (event.type === 'download') {
    if (event.bytes < event.total) bar.update(megabytes(event.bytes));
    return;
  }
  bar.finish('checked');
  bars.delete(key);
}

/** A listener rendering Hub downloads on `output` (train, predict, evaluate): one bar per large file. */
export function downloadProgress(output: ConsoleOutput): (event: DownloadEvent) => void {
  const bars = new Map<string, Progress>();
  return (event) => renderDownload(output, bars, event);
}
