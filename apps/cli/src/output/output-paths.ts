import { statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { assertUnderDirectory, pathKind } from '@senti/base';
import { UsageError } from '@senti/errors';

// Made here first; now in @senti/base, where the library's run directory uses them too.
export { makeWritableDirectory, removeCreated } from '@senti/base';

/** File types `predict --output` can write, by extension. */
export const PREDICTION_FORMATS = { '.csv': 'csv', '.json': 'json' } as const;

/** The format `predict --output` writes for `file` (`-` is stdout, CSV); unknown extensions are a usage error. */
export function predictionFormat(file: string): 'csv' | 'json' {
  if (file === '-') return 'csv';
  const extension = extname(file).toLowerCase();
  if (!(extension in PREDICTION_FORMATS) && isDevice(file)) return 'csv'; // /dev/stdout, a named pipe: CSV, as `-` is
  const format = (PREDICTION_FORMATS as Record<string, 'csv' | 'json'>)[extension];
  if (format === undefined) {
    const what =
      extension === '' ? 'has no file extension' : `has the extension "${extension}", which senti cannot write`;
    throw new UsageError(
      'CLI_OUTPUT_FORMAT',
      `--output ${file} ${what}; expected a .csv or .json file (or - for stdout)`,
    );
  }
  return format;
}

/** Checks, without creating anything, that `file` can be created: not a directory, and not under a file. */
export async function checkOutputFile(file: string, flag: string): Promise<void> {
  if (file === '-') return;
  const path = resolve(file);
  const own = await pathKind(path);
  if (own === 'directory')
    throw new UsageError('CLI_OUTPUT_IS_DIRECTORY', `${flag} ${file} is a directory; expected a file name`);
  if (own === 'other' && !isDevice(path))
    throw new UsageError(
      'CLI_OUTPUT_NOT_A_FILE',
      `${flag} ${file} exists and is not a regular file, a character device or a named pipe`,
    );
  await assertUnderDirectory(dirname(path), file, flag);
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
