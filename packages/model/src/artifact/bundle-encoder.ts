import { existsSync } from 'node:fs';
import { copyFile, link, mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { ModelError } from '@senti/errors';
import { INT8_FILE, ONNX_FILES, perTokenInt8Dir, type Dtype } from '../encoder/index.js';

/** Folder inside a model directory that holds a bundled encoder. */
export const BUNDLED_ENCODER_DIR = 'encoder';

const TOKENIZER_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt'];

/**
 * Copies what loading the encoder needs into `target` (Hugging Face layout): config, tokenizer files and the ONNX
 * file of `dtype` (hard-linked when on the same file system). For int8 that is the per-token graph built from fp32 (`onnx/model_int8.onnx`, ~1/4 the size).
 */
export async function bundleEncoder(sourceDir: string, dtype: Dtype, target: string, cacheDir?: string): Promise<void> {
  const fp32 = path.join(sourceDir, 'onnx', ONNX_FILES.fp32);
  let onnxSource: string;
  let onnxName: string;
  if (dtype === 'int8' && existsSync(fp32)) {
    onnxSource = path.join(await perTokenInt8Dir(fp32, path.join(sourceDir, 'config.json'), cacheDir), 'onnx', INT8_FILE);
    onnxName = INT8_FILE;
  } else {
    onnxName = dtype === 'int8' ? INT8_FILE : ONNX_FILES[dtype];
    onnxSource = path.join(sourceDir, 'onnx', onnxName);
  }
  if (!existsSync(onnxSource)) {
    throw new ModelError('MODEL_ENCODER_FILE_MISSING', `cannot bundle the ${dtype} encoder: ${onnxSource} not found`, 'input');
  }
  await mkdir(path.join(target, 'onnx'), { recursive: true });
  for (const name of TOKENIZER_FILES) {
    if (existsSync(path.join(sourceDir, name))) await copyFile(path.join(sourceDir, name), path.join(target, name));
  }
  await linkOrCopy(onnxSource, path.join(target, 'onnx', onnxName));
}

/** A hard link (no extra space; same file system), else a copy; symlinks (as in Hugging Face caches) are resolved first. */
async function linkOrCopy(source: string, target: string): Promise<void> {
  try {
    await link(await realpath(source), target);
  } catch {
    await copyFile(source, target);
  }
}
