import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { escapeControl, ModelError } from '@senti/errors';
import { checkManifest } from './check-manifest.js';
import { MANIFEST_FILE, MANIFEST_FORMAT, MANIFEST_FORMAT_VERSION, type SentiManifest } from './manifest.js';
import { resolveModelDir } from './model-dir.js';

/** A directory written by exportModel: config.json and an onnx/ folder, no senti.json. */
function isExportDir(dir: string): boolean {
  return existsSync(join(dir, 'config.json')) && existsSync(join(dir, 'onnx'));
}

/** Read and check a model directory's senti.json. */
export async function readManifest(dir: string): Promise<SentiManifest> {
  const file = join(resolveModelDir(dir), MANIFEST_FILE);
  const shown = escapeControl(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if ((code === 'ENOENT' || code === 'ENOTDIR') && isExportDir(dir)) {
      throw new ModelError(
        'MODEL_NOT_FOUND',
        `${escapeControl(dir)} is an export (Hugging Face layout: config.json, onnx/), not a senti model directory (${MANIFEST_FILE})`,
        'input',
        {
          cause,
          hint: 'pass the run directory (or its model/ folder) it was exported from; load the export itself with loadExportedModel or transformers.js',
        },
      );
    }
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new ModelError(
        'MODEL_NOT_FOUND',
        `no senti model in ${escapeControl(dir)} (${MANIFEST_FILE} missing)`,
        'input',
        { cause },
      );
    }
    throw new ModelError('MODEL_CORRUPT', `${shown} cannot be read (${code ?? String(cause)})`, 'input', { cause });
  }
  let manifest: SentiManifest;
  try {
    manifest = JSON.parse(text.replace(/^\uFEFF/, '')) as SentiManifest;
  } catch (cause) {
    throw new ModelError(
      'MODEL_CORRUPT',
      `${shown} is not valid JSON; the model is damaged, train or copy it again`,
      'input',
      { cause },
    );
  }
  if (
    manifest === null ||
    typeof manifest !== 'object' ||
    Array.isArray(manifest) ||
    manifest.format !== MANIFEST_FORMAT
  ) {
    throw new ModelError(
      'MODEL_CORRUPT',
      `${shown} is not a senti model manifest (format is not "${MANIFEST_FORMAT}")`,
      'input',
    );
  }
  if (
    typeof manifest.formatVersion !== 'number' ||
    !Number.isInteger(manifest.formatVersion) ||
    manifest.formatVersion < 1
  ) {
    throw new ModelError(
      'MODEL_CORRUPT',
      `${shown} has format version ${escapeControl(JSON.stringify(manifest.formatVersion) ?? 'undefined')}; expected a positive integer`,
      'input',
    );
  }
  if (manifest.formatVersion > MANIFEST_FORMAT_VERSION) {
    throw new ModelError(
      'MODEL_FORMAT_TOO_NEW',
      `model in ${escapeControl(dir)} has format version ${String(manifest.formatVersion)}; this senti reads up to ${MANIFEST_FORMAT_VERSION}`,
      'input',
      { hint: 'upgrade senti to load this model' },
    );
  }
  const missing = ['encoder', 'maxLength', 'labelNames', 'head', 'weights'].filter((key) => !(key in manifest));
  if (missing.length > 0) throw new ModelError('MODEL_CORRUPT', `${shown} lacks ${missing.join(', ')}`, 'input');
  checkManifest(manifest, file);
  return manifest;
}
