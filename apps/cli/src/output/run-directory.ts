// The run directory (layout, lock, cleanup) belongs to @senti/train's Run; the CLI's commands use it from there.
export { createRunDirectory, RunDirectory, RUN_LOCK, timestampedRunName } from '@senti/train';
