import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '@senti/base';
import { ModelError, quote } from '@senti/errors';
import { defaultCacheDir } from '../cache/cache-dir.js';
import { cutAtLastHiddenState, decodeOnnxFile, writeOnnxModel } from '@senti/onnx';
import { fileDerivedDir } from './file-derived-dir.js';
import { ONNX_FILES, readModelLayout, type ModelLayout } from './model-layout.js';
import { builtBertEncoderDir } from './built-encoder-dir.js';
import type { Dtype, Pooling } from './types.js';

/** The directory transformers.js loads an encoder from, and what senti found in the model directory. */
export interface EncoderDir {
  /** Holds `config.json` and `onnx/<file of the dtype>`, whose outputs include `last_hidden_state`. */
  dir: string;
  /** The model directory's layout. */
  layout: ModelLayout;
  /** True when the graph's last layer computes the [CLS] row only (`last_hidden_state` is `[batch, 1, hidden]`). */
  clsOnly: boolean;
}

/** Options of {@link encoderDir}. */
export interface EncoderDirOptions {
  /** Where built graphs are cached; default {@link defaultCacheDir}. */
  cacheDir?: string;
  /** The pooling the features use: `cls` and `pooler` get the graph whose last layer runs for [CLS] only. */
  pooling: Pooling;
  /** Run an ONNX export as published, whole, whatever the pooling (the graphs of models saved by senti 0.1). */
  wholeGraph?: boolean | undefined;
}

/**
 * The encoder directory for a published dtype (fp32, fp16, q8) of a local model directory in any supported layout.
 * fp32 BERT encoders pooled by `cls` or `pooler` run the graph senti writes from the weights (of the safetensors
 * checkpoint, or of the ONNX export itself) with the last layer computed for the [CLS] row only: the other rows'
 * attention output, feed-forward and LayerNorms are never used. Otherwise: the directory itself for an ONNX encoder
 * export; a masked-LM export's graph cut at the last hidden state; for safetensors only, senti's full `BertModel`
 * graph (fp32 only). Built graphs are cached under `<cacheDir>/encoders/`, content-addressed by the sha256 of the
 * files they come from, written atomically.
 */
export async function encoderDir(
  modelDir: string,
  dtype: Exclude<Dtype, 'int8'>,
  options: EncoderDirOptions,
): Promise<EncoderDir> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const layout = await readModelLayout(modelDir);
  const clsOnly =
    !options.wholeGraph &&
    dtype === 'fp32' &&
    layout.modelType === 'bert' &&
    (options.pooling === 'cls' || options.pooling === 'pooler');
  if (layout.weights === 'safetensors') {
    if (dtype !== 'fp32') {
      throw new ModelError(
        'MODEL_ENCODER_FILE_MISSING',
        `${quote(modelDir)} ships safetensors weights only, so there is no ${dtype} ONNX file; use dtype int8 (senti builds it) or fp32`,
        'usage',
      );
    }
    return {
      dir: await builtBertEncoderDir(modelDir, layout, { cacheDir, clsOnly, from: 'safetensors' }),
      layout,
      clsOnly,
    };
  }
  if (clsOnly) {
    const built = await builtBertEncoderDir(modelDir, layout, { cacheDir, clsOnly, from: 'onnx' }).catch(
      (error: unknown) => {
        // An export whose weights senti cannot read back (fused or optimized graphs) runs as published, whole.
        if (
          ModelError.isInstance(error) &&
          ['MODEL_NO_LAYER_WEIGHTS', 'MODEL_BAD_LAYER_WEIGHTS', 'MODEL_BAD_CONFIG', 'MODEL_NO_POOLER'].includes(
            error.code,
          )
        )
          return undefined;
        throw error;
      },
    );
    if (built !== undefined) return { dir: built, layout, clsOnly };
  }
  if (layout.weights === 'onnx-encoder') return { dir: modelDir, layout, clsOnly: false };
  const source = path.join(modelDir, 'onnx', ONNX_FILES[dtype]);
  if (!existsSync(source)) {
    throw new ModelError(
      'MODEL_ENCODER_FILE_MISSING',
      `encoder file ${source} not found; dtype ${dtype} needs onnx/${ONNX_FILES[dtype]} in ${quote(modelDir)}`,
    );
  }
  return { dir: await cutEncoderDir(source, path.join(modelDir, 'config.json'), cacheDir), layout, clsOnly: false };
}

function cutEncoderDir(source: string, configFile: string, cacheDir: string): Promise<string> {
  const name = path.basename(source);
  return fileDerivedDir(source, {
    cacheDir,
    // The version names what the cut writes: bump it whenever the cut graph of the same file changes.
    dirOf: (hash) => path.join(cacheDir, 'encoders', 'cut-at-hidden-state-v2', hash),
    marker: path.join('onnx', name),
    build: async (bytes, hash, dir) => {
      const model = decodeOnnxFile(bytes, source);
      cutAtLastHiddenState(model, source);
      model.doc_string = `encoder cut by senti at the last hidden state of a masked-LM export with sha256 ${hash}`;
      await writeFileAtomic(path.join(dir, 'config.json'), await readFile(configFile));
      return writeOnnxModel(model, path.join(dir, 'onnx', name));
    },
  });
}
