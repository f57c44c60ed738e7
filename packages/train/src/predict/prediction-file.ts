import { statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import {
  assertUnderDirectory,
  fileSystemReason,
  makeWritableDirectory,
  pathKind,
  writeFileAtomic,
  writeToDevice,
} from '@senti/base';
import { SentiError, UsageError, isSentiError } from '@senti/errors';

// Messages name the option as `output` (in backticks); the CLI shows its flag there.
const OPTION = '`output`';

/** File types a predictions file can be, by extension. */
export const PREDICTION_FORMATS = { '.csv': 'csv', '.json': 'json' } as const;

/** The format a predictions file `file` is written in, by its extension (a device or named pipe gets CSV). */
export function predictionFormat(file: string): 'csv' | 'json' {
  const extension = extname(file).toLowerCase();
  if (!(extension in PREDICTION_FORMATS) && isDevice(file)) return 'csv'; // /dev/stdout, a named pipe
  const format = (PREDICTION_FORMATS as Record<string, 'csv' | 'json'>)[extension];
  if (format === undefined) {
    const what =
      extension === '' ? 'has no file extension' : `has the extension "${extension}", which senti cannot write`;
    throw new UsageError('CLI_OUTPUT_FORMAT', `${OPTION} ${file} ${what}; expected a .csv or .json file`);
  }
  return format;
}

/** Checks, without creating anything, that the predictions file `file` can be created: not a directory, not under a file. */
export async function checkOutputFile(file: string): Promise<void> {
  const path = resolve(file);
  const own = await pathKind(path);
  if (own === 'directory')
    throw new UsageError('CLI_OUTPUT_IS_DIRECTORY', `${OPTION} ${file} is a directory; expected a file name`);
  if (own === 'other' && !isDevice(path))
    throw new UsageError(
      'CLI_OUTPUT_NOT_A_FILE',
      `${OPTION} ${file} exists and is not a regular file, a character device or a named pipe`,
    );
  await assertUnderDirectory(dirname(path), file, OPTION);
}

/** True for an existing character device or named pipe: written in place (it cannot be replaced by a renamed temp file). */
export function isDevice(file: string): boolean {
  try {
    const info = statSync(file);
    return info.isCharacterDevice() || info.isFIFO();
  } catch {
    return false;
  }
}

/** Writes `text` to `file` atomically (temp file, then rename; missing directories made), or in place on a device. */
export async function writePredictionFile(file: string, text: string): Promise<void> {
  try {
    if (isDevice(file)) return await writeToDevice(file, text);
    await makeWritableDirectory(dirname(file), OPTION, file);
    await writeFileAtomic(file, text);
  } catch (error) {
    if (isSentiError(error)) throw error;
    throw new SentiError(
      'CLI_OUTPUT_UNWRITABLE',
      `${OPTION} ${file}: cannot write there (${fileSystemReason(error)})`,
      'input',
      { cause: error },
    );
  }
}
