// The pictures of a run directory: Vega-Lite specs (data in, spec out) and their rendering to SVG + PNG.
export { renderPlot, writePlot, CHART_BASE, type PlotWarning, type RenderedPlot } from './render-plot.js';
export {
  tokenLengthSpec,
  trainingCurvesSpec,
  confusionMatrixSpec,
  MAX_PLOTTED_CLASSES,
  type HistoryPoint,
} from './run-plots.js';
export { reliabilitySpec, riskCoverageSpec, thresholdMarks, MARKED_THRESHOLDS } from './trust-plots.js';
export { sweepSpec, lossAxisDomain, pointLabel, MAX_PLOTTED_SETTINGS } from './sweep-plot.js';
export { writeRunPlots } from './write-plots.js';
