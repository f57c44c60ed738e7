import path from 'node:path';
import { openAtomicDirectory } from '@senti/base';
import { encodeOnnxModel } from '../onnx-model.js';
import { bertGraphConfig, readConfigJson } from './bert-graph-config.js';
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
export async function writeBertEncoderDir(
  safetensors: string | readonly string[],
  configFile: string,
  outDir: string,
  options: Partial<BertGraphOptions> = {},
): Promise<BertEncoderDir> {
  const { text: configText, raw } = await readConfigJson(configFile);
  const config = bertGraphConfig(raw, configFile);
  const weights = await bertWeightsFromSafetensors(safetensors, config);
  const resolved: BertGraphOptions = {
    pooler: options.pooler ?? weights.hasPooler,
    clsOnlyLastLayer: options.clsOnlyLastLayer ?? false,
  };
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
