// The run directory's lifecycle: create or resume or reproduce a run, train in it, save it, give it up.
export {
  createRun,
  resumeRun,
  reproduceRun,
  describeResumeConflict,
  Run,
  RUN_CONFIG,
  type CreateRunOptions,
  type ResumeRunOptions,
  type RunConfig,
} from './run.js';
export {
  createRunDirectory,
  RunDirectory,
  RUN_LOCK,
  timestampedRunName,
  type RunDirectoryOptions,
} from './run-directory.js';
