import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { openAtomicDirectory } from '@senti/base';
import { ModelError } from '@senti/errors';
import { encodeOnnxModel } from '../onnx-model.js';
import { bertGraphConfig } from './bert-graph-config.js';
import { bertWeightsFromSafetensors } from './bert-weights.js';
import { buildBertGraph, type BertGraphOptions } from './build-bert-graph.js';

/** What {@link writeBertEncoderDir} wrote. */
export interface BertEncoderDir {
  /** The directory (`config.json` + `onnx/model.onnx`). */
  dir: string;
  /** `dir/onnx/model.onnx`. */
  onnxFile: string;
  /** Whether the graph outputs `pooler_output`. */
  pooler: boolean;
  /** Whether `last_hidden_state` is the [CLS] row only. */
  clsOnlyLastLayer: boolean;
}

/**
 * Builds the fp32 BERT graph from a safetensors checkpoint (file, shard index or shard list) and its config.json, and
 * writes `outDir/config.json` (the config as given) + `outDir/onnx/model.onnx` as one atomic directory swap, so
 * transformers.js `AutoModel.from_pretrained(outDir)` loads it as a `bert` model. `pooler` defaults to whether the
 * checkpoint has one; `clsOnlyLastLayer` to false.
 */
export async function writeBertEncoderDir(safetensors: string | readonly string[], configFile: string, outDir: string, options: Partial<BertGraphOptions> = {}): Promise<BertEncoderDir> {
  let configText: string;
  try {
    configText = await readFile(configFile, 'utf8');
  } catch (error) {
    throw new ModelError('MODEL_NO_CONFIG', `cannot read ${configFile}: building the BERT graph from safetensors needs the model's config.json`, 'input', { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(configText);
  } catch (error) {
    throw new ModelError('MODEL_BAD_CONFIG', `${configFile} is not JSON: ${error instanceof Error ? error.message : String(error)}`, 'input', { cause: error });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ModelError('MODEL_BAD_CONFIG', `${configFile} must hold a JSON object`, 'input');
  const config = bertGraphConfig(raw as Record<string, unknown>, configFile);
  const weights = await bertWeightsFromSafetensors(safetensors, config);
  const resolved: BertGraphOptions = { pooler: options.pooler ?? weights.hasPooler, clsOnlyLastLayer: options.clsOnlyLastLayer ?? false };
  const bytes = encodeOnnxModel(buildBertGraph(weights, config, resolved));
  const directory = await openAtomicDirectory(outDir);
  try {
    await directory.write(path.join('onnx', 'model.onnx'), bytes);
    await directory.write('config.json', configText);
    await directory.commit();
  } catch (error) {
    await directory.abort();
    throw error;
  }
  return { dir: outDir, onnxFile: path.join(outDir, 'onnx', 'model.onnx'), ...resolved };
}
