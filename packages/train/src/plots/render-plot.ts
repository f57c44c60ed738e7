import { join } from 'node:path';
import { writeFileAtomic } from '@senti/base';
import type { TopLevelSpec } from 'vega-lite';

/** A rendered chart in both formats. */
export interface RenderedPlot {
  svg: string;
  png: Buffer;
}

/** Renders a Vega-Lite spec to SVG (text kept as text) and PNG at `density` dpi (through sharp, no native canvas needed). */
export async function renderPlot(spec: TopLevelSpec, density = 216): Promise<RenderedPlot> {
  // Imported here, not at the top: vega, vega-lite and sharp take about a second to load, which only plotting pays.
  const [{ default: sharp }, vega, { compile }] = await Promise.all([
    import('sharp'),
    import('vega'),
    import('vega-lite'),
  ]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const png = await sharp(Buffer.from(svg), { density }).flatten({ background: '#ffffff' }).png().toBuffer();
    return { svg, png };
  } finally {
    view.finalize();
  }
}

/** What every senti picture shares: a white background and one font list (DejaVu Sans is on most Linux machines). */
export const CHART_BASE = {
  background: 'white',
  config: { font: 'DejaVu Sans, Helvetica, Arial, sans-serif' },
} as const;

/** Called with one line when a picture could not be drawn (the run is saved; a picture is never worth a failed run). */
export type PlotWarning = (message: string) => void;

/**
 * Renders `spec` and writes `NAME.svg` and `NAME.png` in `dir`; a failure to draw is passed to `warn` instead of thrown.
 * Write failures (disk full, permissions) are thrown: they mean the run directory itself is in trouble.
 */
export async function writePlot(
  dir: string,
  name: string,
  spec: () => TopLevelSpec,
  warn: PlotWarning,
): Promise<boolean> {
  let rendered;
  try {
    rendered = await renderPlot(spec());
  } catch (error) {
    warn(
      `warning: could not draw ${name}.svg/.png (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); the numbers are in the run directory`,
    );
    return false;
  }
  await writeFileAtomic(join(dir, `${name}.svg`), rendered.svg);
  await writeFileAtomic(join(dir, `${name}.png`), rendered.png);
  return true;
}
