import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '@senti/base';
import { defaultCacheDir } from '../cache/cache-dir.js';
import { readOnnxModel, writeOnnxModel } from '../onnx/onnx-model.js';
import { PER_TOKEN_INT8, quantizePerToken } from '../onnx/per-token-int8.js';
import { fileSha256 } from './file-hash.js';

/** File name of the per-token int8 graph inside its cache directory (transformers.js loads it as dtype `int8`). */
export const INT8_FILE = 'model_int8.onnx';

const building = new Map<string, Promise<string>>();

/**
 * Directory (under `<cacheDir>/int8-encoders/<scheme>/<sha256 of the fp32 file>/`) holding `config.json` and
 * `onnx/model_int8.onnx`, the per-token int8 graph built from `fp32File`. Built once, content-addressed, written
 * atomically (the ONNX file last, so its presence means the directory is complete).
 */
export async function perTokenInt8Dir(fp32File: string, configFile: string, cacheDir: string = defaultCacheDir()): Promise<string> {
  const hash = await fileSha256(fp32File);
  // Keyed by the scheme too, so a changed quantizer never reuses a graph built by an older one.
  const dir = path.join(cacheDir, 'int8-encoders', PER_TOKEN_INT8.replace(/[^\w.-]+/g, '-'), hash);
  const file = path.join(dir, 'onnx', INT8_FILE);
  if (existsSync(file)) return dir;
  let pending = building.get(file);
  if (!pending) {
    pending = (async () => {
      await writeFileAtomic(path.join(dir, 'config.json'), await readFile(configFile));
      const model = await readOnnxModel(fp32File);
      quantizePerToken(model);
      model.doc_string = `per-token symmetric int8 built by senti from an fp32 file with sha256 ${hash}`;
      await writeOnnxModel(model, file);
      return dir;
    })();
    building.set(file, pending);
    pending.catch(() => undefined).finally(() => building.delete(file));
  }
  return pending;
}

/** True when `file` is a per-token int8 graph senti built (its metadata, written last, names the scheme). */
export function isSentiInt8File(file: string): boolean {
  if (!existsSync(file)) return false;
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, 4096);
    const tail = Buffer.alloc(length);
    readSync(fd, tail, 0, length, size - length);
    return tail.includes(PER_TOKEN_INT8);
  } finally {
    closeSync(fd);
  }
}
