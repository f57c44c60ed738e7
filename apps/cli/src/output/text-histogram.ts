/** One histogram bin: values in [start, end). */
export interface HistogramBin {
  start: number;
  end: number;
  count: number;
}

/** Options for {@link textHistogram}. */
export interface TextHistogramOptions {
  /** Total width of a line in columns (80 by default). */
  width?: number;
  /** Draw a marker on the bin that holds this value (e.g. the chosen padding length). */
  marker?: number;
  /** Text shown beside the marked bin. */
  markerLabel?: string;
}

/** Draws a horizontal bar histogram that fits a terminal line. */
export function textHistogram(bins: readonly HistogramBin[], options: TextHistogramOptions = {}): string {
  const width = options.width ?? 80;
  const labels = bins.map((bin) => (bin.end - bin.start === 1 ? `${bin.start}` : `${bin.start}-${bin.end - 1}`));
  const labelWidth = labels.reduce((most, label) => Math.max(most, label.length), 1);
  const countWidth = bins.reduce((most, bin) => Math.max(most, String(bin.count).length), 1);
  const markerText = options.markerLabel ? ` <- ${options.markerLabel}` : ' <-';
  const barWidth = Math.max(10, width - labelWidth - countWidth - markerText.length - 4);
  const maxCount = bins.reduce((most, bin) => Math.max(most, bin.count), 1);
  return bins
    .map((bin, index) => {
      const length = bin.count === 0 ? 0 : Math.max(1, Math.round((bin.count / maxCount) * barWidth));
      const marked = options.marker !== undefined && options.marker >= bin.start && options.marker < bin.end;
      const line = `${(labels[index] ?? '').padStart(labelWidth)} | ${String(bin.count).padStart(countWidth)} ${'█'.repeat(length)}`;
      return marked ? `${line}${markerText}` : line;
    })
    .join('\n');
}
