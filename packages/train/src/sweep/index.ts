export { sweep, type SweepEvent, type SweepOptions, type SweepResult, type SweepRow } from './sweep.js';
export { SWEEP_KEYS, describePoint, gridPoints, type SweepGrid, type SweepKey, type SweepPoint } from './grid.js';
export { sweepCsv } from './sweep-csv.js';
export { saveSweep, SWEEP_FILES } from './save-sweep.js';
