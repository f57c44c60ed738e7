export { createRandom, randomInt, shuffleInPlace, type RandomSource } from './seeded-random.js';
export { mixSeed, seededRandom } from './mix-seed.js';
export {
  makeDirectory,
  openAtomicFile,
  syncDirectory,
  syncFile,
  writeAll,
  writeFileAtomic,
  writeFileChecked,
  writeToDevice,
  type AtomicFile,
  type FileData,
} from './atomic-write.js';
export { directoryState, openAtomicDirectory, type AtomicDirectory } from './atomic-directory.js';
export { asFileError, errnoCode, fileSystemError, fileSystemReason, type FileAction } from './file-error.js';
export { removeStaleTemporaries, temporaryOwner } from './stale-temporaries.js';
export { isTruthy, sentiEnvironment, userCacheHome, type SentiEnvironment } from './senti-environment.js';
export { DEFAULT_SEED } from './default-seed.js';
export { assertUnderDirectory, makeWritableDirectory, pathKind, removeCreated } from './writable-directory.js';
