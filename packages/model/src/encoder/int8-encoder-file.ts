import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '@senti/base';
import { defaultCacheDir } from '../cache/cache-dir.js';
import { decodeOnnxFile, readFileShared, writeOnnxModel } from '../onnx/onnx-model.js';
import { PER_TOKEN_INT8, quantizePerTokenParallel } from '../onnx/per-token-int8.js';
import { bytesSha256, knownFileSha256, rememberFileSha256 } from './file-hash.js';

/** File name of the per-token int8 graph inside its cache directory (transformers.js loads it as dtype `int8`). */
export const INT8_FILE = 'model_int8.onnx';

const building = new Map<string, Promise<string>>();

/**
 * Directory (under `<cacheDir>/int8-encoders/<scheme>/<sha256 of the fp32 file>/`) holding `config.json` and
 * `onnx/model_int8.onnx`, the per-token int8 graph built from `fp32File`. Built once, content-addressed, written
 * atomically (the ONNX file last, so its presence means the directory is complete). The first build reads the fp32
 * file once (hashed from memory, shared with the worker threads that quantize its weights) and remembers both
 * files' hashes, so neither is read again to be fingerprinted.
 */
export async function perTokenInt8Dir(fp32File: string, configFile: string, cacheDir: string = defaultCacheDir()): Promise<string> {
  const dirOf = (hash: string): string => path.join(cacheDir, 'int8-encoders', PER_TOKEN_INT8.replace(/[^\w.-]+/g, '-'), hash);
  // A warm run knows the fp32 file's hash from its stamp (size, times, inode) and never reads its 440 MB.
  const known = await knownFileSha256(fp32File, { cacheDir });
  if (known !== undefined && existsSync(path.join(dirOf(known), 'onnx', INT8_FILE))) return dirOf(known);
  const key = path.resolve(fp32File);
  let pending = building.get(key);
  if (!pending) {
    pending = (async () => {
      const bytes = await readFileShared(fp32File);
      const hash = bytesSha256(bytes);
      await rememberFileSha256(fp32File, hash, { cacheDir });
      const dir = dirOf(hash);
      const file = path.join(dir, 'onnx', INT8_FILE);
      if (existsSync(file)) return dir;
      await writeFileAtomic(path.join(dir, 'config.json'), await readFile(configFile));
      const model = decodeOnnxFile(bytes, fp32File);
      await quantizePerTokenParallel(model);
      model.doc_string = `per-token symmetric int8 built by senti from an fp32 file with sha256 ${hash}`;
      const written = await writeOnnxModel(model, file);
      await rememberFileSha256(file, bytesSha256(written), { cacheDir });
      return dir;
    })();
    building.set(key, pending);
    pending.catch(() => undefined).finally(() => building.delete(key));
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
    // Any version of the scheme: models saved with an earlier senti bundle their int8 graph as it was then.
    return tail.includes(PER_TOKEN_INT8.slice(0, PER_TOKEN_INT8.lastIndexOf('/') + 1));
  } finally {
    closeSync(fd);
  }
}
