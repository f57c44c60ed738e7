import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { directoryState } from '@senti/base';
import { ModelError } from '@senti/errors';

/** Top-level names an export writes: only these may be replaced by `overwrite`. */
const EXPORT_ENTRIES = new Set([
  'config.json',
  'tokenizer_config.json',
  'tokenizer.json',
  'special_tokens_map.json',
  'vocab.txt',
  'onnx',
  'README.md',
  'index.html',
  'vendor',
  'wasm',
]);

/** The mark `classifierConfig` leaves in an export's config.json. */
const EXPORT_NOTE = /^exported by senti/;

/** True when `dir/config.json` is one an export wrote. */
async function isExport(dir: string): Promise<boolean> {
  try {
    const config = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8')) as { senti?: { note?: unknown } };
    return typeof config.senti?.note === 'string' && EXPORT_NOTE.test(config.senti.note);
  } catch {
    return false;
  }
}

/**
 * Checks that an export may be written to `target`: it is absent or empty, or (with `overwrite`) a previous export
 * holding nothing but export files; anything else is refused, so `overwrite` never deletes a user's other files.
 */
export async function checkExportTarget(target: string, overwrite: boolean): Promise<void> {
  if ((await directoryState(target)) !== 'not-empty') return;
  if (!overwrite) {
    throw new ModelError(
      'MODEL_EXPORT_DIR_NOT_EMPTY',
      `export directory ${target} is not empty; choose a new directory or pass overwrite`,
      'input',
    );
  }
  if (!(await isExport(target))) {
    throw new ModelError(
      'MODEL_EXPORT_DIR_NOT_EMPTY',
      `export directory ${target} is not a previous senti export (no config.json written by an export); overwrite replaces only an earlier export: choose a new or empty directory`,
      'usage',
    );
  }
  const foreign = (await readdir(target)).filter((name) => !EXPORT_ENTRIES.has(name));
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? `, and ${foreign.length - 5} more` : '');
    throw new ModelError(
      'MODEL_EXPORT_DIR_NOT_EMPTY',
      `export directory ${target} holds files an export does not write (${shown}); overwrite would delete them: move them or choose another directory`,
      'usage',
    );
  }
}
