import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { openAtomicDirectory } from '@senti/base';
import { readOnnxBertTensors } from '../layers/onnx-layer-weights.js';
import {
  bertGraphConfig,
  type BertGraphConfig,
  POOLER_TENSORS,
  requiredTensorNames,
  bertWeightsFromSafetensors,
  type BertWeights,
  BERT_GRAPH_BUILDER,
  buildBertGraph,
  encodeOnnxModel,
} from '@senti/onnx';
import { fileSha256, rememberFileSha256 } from './file-hash.js';
import { ONNX_FILES, readModelConfig, type ModelLayout } from './model-layout.js';

/** Options of {@link builtBertEncoderDir}. */
export interface BuiltEncoderOptions {
  cacheDir: string;
  /** Compute the last layer for the [CLS] row only. */
  clsOnly: boolean;
  /** Read the weights from the safetensors checkpoint or from the fp32 ONNX export. */
  from: 'safetensors' | 'onnx';
}

const building = new Map<string, Promise<string>>();

/**
 * The directory (`config.json` + `onnx/model.onnx`) of the fp32 `BertModel` graph senti writes from a model's weights
 * (with its pooler when the weights have one), cached under
 * `<cacheDir>/encoders/<builder>/<sha256 of the weights and config>/<full|cls-only>/`: built once, then found by the
 * weights' hash (remembered by file stamp, so a warm run reads no weights).
 */
export async function builtBertEncoderDir(
  modelDir: string,
  layout: ModelLayout,
  options: BuiltEncoderOptions,
): Promise<string> {
  const configFile = path.join(modelDir, 'config.json');
  const sources =
    options.from === 'onnx' ? [path.join(modelDir, 'onnx', ONNX_FILES.fp32)] : await safetensorsFiles(modelDir);
  const digest = createHash('sha256').update(await readFile(configFile));
  for (const file of sources) digest.update(await fileSha256(file, { cacheDir: options.cacheDir }));
  const dir = path.join(
    options.cacheDir,
    'encoders',
    BERT_GRAPH_BUILDER.replace(/[^\w.-]+/g, '-'),
    digest.digest('hex'),
    options.clsOnly ? 'cls-only' : 'full',
  );
  const file = path.join(dir, 'onnx', ONNX_FILES.fp32);
  if (existsSync(file)) return dir;
  let pending = building.get(dir);
  if (!pending) {
    pending = (async () => {
      const config = bertGraphConfig(await readModelConfig(modelDir), configFile);
      const weights =
        options.from === 'onnx'
          ? await onnxWeights(sources[0]!, config)
          : await bertWeightsFromSafetensors(sources.length === 1 ? sources[0]! : sources, config);
      const bytes = encodeOnnxModel(
        buildBertGraph(weights, config, {
          pooler: layout.hasPooler && weights.hasPooler,
          clsOnlyLastLayer: options.clsOnly,
        }),
      );
      const directory = await openAtomicDirectory(dir);
      try {
        await directory.write(path.join('onnx', ONNX_FILES.fp32), bytes);
        await directory.write('config.json', await readFile(configFile));
        await directory.commit();
      } catch (error) {
        await directory.abort();
        throw error;
      }
      await rememberFileSha256(file, createHash('sha256').update(bytes).digest('hex'), { cacheDir: options.cacheDir });
      return dir;
    })();
    building.set(dir, pending);
    pending.catch(() => undefined).finally(() => building.delete(dir));
  }
  return pending;
}

// One file, or the shards a model.safetensors.index.json lists (in name order, as bertWeightsFromSafetensors reads them).
async function safetensorsFiles(modelDir: string): Promise<string[]> {
  const single = path.join(modelDir, 'model.safetensors');
  if (existsSync(single)) return [single];
  const index = path.join(modelDir, 'model.safetensors.index.json');
  const map = (JSON.parse(await readFile(index, 'utf8')) as { weight_map?: Record<string, string> }).weight_map ?? {};
  return [...new Set(Object.values(map))].sort().map((shard) => path.join(modelDir, path.basename(shard)));
}

async function onnxWeights(file: string, config: BertGraphConfig): Promise<BertWeights> {
  const tensors = await readOnnxBertTensors(file, [...requiredTensorNames(config), ...POOLER_TENSORS]);
  return {
    tensors,
    files: new Map([...tensors.keys()].map((name) => [name, file])),
    hasPooler: POOLER_TENSORS.every((name) => tensors.has(name)),
    source: file,
  };
}
