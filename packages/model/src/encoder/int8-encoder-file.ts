import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '@senti/base';
import { defaultCacheDir } from '../cache/cache-dir.js';
import {
  decodeOnnxFile,
  writeOnnxModel,
  PER_TOKEN_INT8,
  quantizePerTokenParallel,
  PER_TOKEN_INT8_V2,
  quantizePerTokenV2Parallel,
} from '@senti/onnx';
import { fileDerivedDir } from './file-derived-dir.js';

/** File name of the per-token int8 graph inside its cache directory (transformers.js loads it as dtype `int8`). */
export const INT8_FILE = 'model_int8.onnx';

/**
 * Directory (under `<cacheDir>/int8-encoders/<scheme>/<sha256 of the fp32 file>/`) holding `config.json` and
 * `onnx/model_int8.onnx`, the per-token int8 graph built from `fp32File`: built once, content-addressed, written
 * atomically (the ONNX file last, so its presence means the directory is complete); see {@link fileDerivedDir}.
 * `scheme` v2 rebuilds the graph senti 0.1 wrote, for models saved then.
 */
export function perTokenInt8Dir(
  fp32File: string,
  configFile: string,
  cacheDir: string = defaultCacheDir(),
  scheme: 'current' | 'v2' = 'current',
): Promise<string> {
  const name = scheme === 'v2' ? PER_TOKEN_INT8_V2 : PER_TOKEN_INT8;
  return fileDerivedDir(fp32File, {
    cacheDir,
    dirOf: (hash) => path.join(cacheDir, 'int8-encoders', name.replace(/[^\w.-]+/g, '-'), hash),
    marker: path.join('onnx', INT8_FILE),
    build: async (bytes, hash, dir) => {
      await writeFileAtomic(path.join(dir, 'config.json'), await readFile(configFile));
      const model = decodeOnnxFile(bytes, fp32File);
      await (scheme === 'v2' ? quantizePerTokenV2Parallel(model) : quantizePerTokenParallel(model));
      model.doc_string = `per-token symmetric int8 built by senti from an fp32 file with sha256 ${hash}`;
      return writeOnnxModel(model, path.join(dir, 'onnx', INT8_FILE));
    },
  });
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
