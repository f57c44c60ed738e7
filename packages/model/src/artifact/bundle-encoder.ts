import { existsSync } from 'node:fs';
import { copyFile, link, mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { ModelError } from '@senti/errors';
import { INT8_FILE, ONNX_FILES, resolveEncoderFile, type Dtype, type Pooling } from '../encoder/index.js';

/** Folder inside a model directory that holds a bundled encoder. */
export const BUNDLED_ENCODER_DIR = 'encoder';

const TOKENIZER_FILES = [
  'config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'vocab.txt',
  'vocab.json',
  'merges.txt',
];

/**
 * Copies what loading the encoder needs into `target` (Hugging Face layout): config, tokenizer files and the ONNX
 * file that ran `dtype` (hard-linked when on the same file system): for int8 the per-token graph senti built
 * (`onnx/model_int8.onnx`, ~1/4 the size), for a masked-LM export or a safetensors checkpoint the encoder graph
 * senti cut or wrote, so the bundle holds the very file whose hash senti.json records.
 */
export async function bundleEncoder(
  sourceDir: string,
  dtype: Dtype,
  pooling: Pooling,
  target: string,
  cacheDir?: string,
): Promise<void> {
  const source = { kind: 'dir' as const, id: sourceDir, path: sourceDir, offline: true };
  const onnxName = dtype === 'int8' ? INT8_FILE : ONNX_FILES[dtype];
  let onnxSource: string;
  try {
    ({ file: onnxSource } = await resolveEncoderFile(source, dtype, 'cpu', {
      pooling,
      ...(cacheDir === undefined ? {} : { cacheDir }),
    }));
  } catch (error) {
    throw new ModelError(
      'MODEL_ENCODER_FILE_MISSING',
      `cannot bundle the ${dtype} encoder of ${sourceDir}: ${error instanceof Error ? error.message : String(error)}`,
      'input',
      { cause: error },
    );
  }
  if (!existsSync(onnxSource)) {
    throw new ModelError(
      'MODEL_ENCODER_FILE_MISSING',
      `cannot bundle the ${dtype} encoder: ${onnxSource} not found`,
      'input',
    );
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
